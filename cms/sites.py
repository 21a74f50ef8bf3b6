"""The Wagtail Site follows SITE_URL, so page links in emails, calendars and the API point at the real site.

Wagtail builds a page's full URL from its Site's hostname and port, not from settings; a Site left at the
demo's `localhost:80` made every link read `http://localhost/...` in production.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def site_address() -> tuple[str, int]:
    """(hostname, port) of SITE_URL; the scheme's port when none is given."""
    parts = urlsplit(settings.SITE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def default_site_follow_site_url(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Point the default Site at SITE_URL; returns whether it changed."""
    from wagtail.models import Site

    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None:
        return False
    hostname, port = site_address()
    if (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(using=using)
    return True


def sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Every deploy migrates (fly.toml's release command), so the Site is kept in step there."""
    default_site_follow_site_url(using=using)
