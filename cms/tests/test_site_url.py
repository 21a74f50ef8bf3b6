"""Links in emails, calendars and the API point at SITE_URL: the Wagtail Site follows it."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

from cms import sites
from cms.tests import factories

pytestmark = pytest.mark.django_db


def test_migrating_points_the_site_at_site_url(settings):
    factories.home_page()
    settings.SITE_URL = "https://events.example.edu"

    call_command("migrate", verbosity=0)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("events.example.edu", 443)


@pytest.mark.parametrize(
    "site_url, link",
    [
        ("https://events.example.edu", "https://events.example.edu/"),
        ("http://127.0.0.1:8777", "http://127.0.0.1:8777/"),
    ],
)
def test_page_links_use_the_site_url(settings, site_url, link):
    settings.SITE_URL = site_url
    event = factories.event("Hack Night")

    sites.default_site_follow_site_url()

    assert event.get_full_url().startswith(link)
