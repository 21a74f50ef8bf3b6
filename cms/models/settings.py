"""Per-site settings editors change in the Wagtail admin (Settings → Site settings)."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField

from ..blocks import NavLinkBlock


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Branding, contact details, navigation and footer; the certificate signatory for certificates."""

    site_name = models.CharField(max_length=80, default="Convene")
    tagline = models.CharField(max_length=160, blank=True)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    navigation = StreamField(
        [("link", NavLinkBlock())], blank=True, help_text="Header links; empty shows Events, Speakers and Partners."
    )
    footer_links = StreamField([("link", NavLinkBlock())], blank=True)
    footer_text = RichTextField(blank=True, features=["bold", "italic", "link"])
    certificate_signatory_name = models.CharField(max_length=120, blank=True)
    certificate_signatory_title = models.CharField(max_length=120, blank=True)
    certificate_signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A scan of the signature, printed on certificates.",
    )

    select_related = ["logo"]

    edit_handler = TabbedInterface(
        [
            ObjectList([FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo")], heading="Branding"),
            ObjectList(
                [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("address")], heading="Contact"
            ),
            ObjectList(
                [FieldPanel("navigation"), FieldPanel("footer_links"), FieldPanel("footer_text")],
                heading="Navigation and footer",
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("certificate_signatory_name"),
                            FieldPanel("certificate_signatory_title"),
                            FieldPanel("certificate_signature"),
                        ],
                        heading="Signatory",
                    )
                ],
                heading="Certificates",
            ),
        ]
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
