"""The site settings editors keep in Wagtail, offered to registry's emails and certificates.

Registry cannot import cms, so cms registers these providers with it at start-up.
"""

from django.conf import settings
from django.utils.html import strip_tags
from wagtail.models import Site

from registry.certificates import file_data_uri

from .models import SiteSettings


def _site_settings() -> SiteSettings | None:
    site = Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site) if site else None


def email_branding() -> dict:
    site_settings = _site_settings()
    if site_settings is None:
        return {}
    logo_url = ""
    if site_settings.logo_id:
        logo_url = f"{settings.SITE_URL}{site_settings.logo.get_rendition('max-240x80').url}"
    return {
        "site_name": site_settings.site_name,
        "footer": strip_tags(site_settings.footer_text),
        "logo_url": logo_url,
    }


def certificate_signatory() -> dict:
    site_settings = _site_settings()
    if site_settings is None or not site_settings.certificate_signatory_name:
        return {}
    signature = site_settings.certificate_signature
    return {
        "signatory": site_settings.certificate_signatory_name,
        "signatory_title": site_settings.certificate_signatory_title,
        "signature": file_data_uri(signature.file) if signature else "",
    }
