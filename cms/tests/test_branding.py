"""Editors brand the registration emails and certificates from the site settings in Wagtail."""

import pytest
from wagtail.models import Site

from cms.models import SiteSettings
from cms.tests import factories
from registry import certificates, emails
from registry.services import registrations as registration_services
from registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branded_site():
    factories.home_page()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "Riverside College"
    site_settings.footer_text = "<p>Campus Road, <b>Riverside</b></p>"
    site_settings.certificate_signatory_name = "Dr. R. Menon"
    site_settings.certificate_signatory_title = "Principal"
    site_settings.save()
    return site_settings


def test_registration_emails_carry_the_sites_name_and_footer(branded_site):
    event = factories.event("Open day", capacity=5)
    person = UserFactory()
    registration = registration_services.registration_create(page=event, email=person.email, full_name="P", user=person)

    message = emails.build(registration, "confirmed")

    html = message.alternatives[0][0]
    assert "Riverside College" in html
    assert "Campus Road, Riverside" in message.body and "<b>" not in message.body


def test_certificates_are_signed_by_the_signatory_in_site_settings(branded_site):
    details = certificates.signatory_details()

    assert (details["signatory"], details["signatory_title"], details["signature"]) == ("Dr. R. Menon", "Principal", "")
