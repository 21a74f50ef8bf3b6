"""Home page sections, standard pages, site settings, sitemap, link previews and friendly error pages."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from wagtail.models import Site

from cms.models import SiteSettings
from cms.tests import factories

pytestmark = pytest.mark.django_db


def test_home_page_shows_featured_this_week_upcoming_and_partners(client):
    factories.partner("Acme Labs")
    factories.event("Featured Fair", featured=True, starts_in=timedelta(days=12))
    factories.event("Happening Now", starts_in=timedelta(hours=-1))
    factories.event("Long Gone", starts_in=timedelta(days=-40))
    response = client.get("/")
    assert [e.title for e in response.context["featured_events"]] == ["Featured Fair"]
    assert "Happening Now" in [e.title for e in response.context["this_week"]]
    assert "Long Gone" not in response.content.decode()
    assert [p.name for p in response.context["partners"]] == ["Acme Labs"]
    assert 'role="search"' in response.content.decode()


def test_standard_page_renders_its_body(client):
    factories.standard_page(
        "About", slug="about", intro="Who we are.", body=[{"type": "paragraph", "value": "<p>Hello campus.</p>"}]
    )
    page = client.get("/about/").content.decode()
    assert "<h1>About</h1>" in page and "Hello campus." in page


def test_site_settings_brand_the_header_and_footer(client):
    factories.home_page()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.site_name = "Campus Events"
    settings.contact_email = "hello@example.org"
    settings.navigation = [{"type": "link", "value": {"label": "Speakers list", "page": None, "url": "/speakers/"}}]
    settings.save()
    page = client.get("/").content.decode()
    assert "<span>Campus Events</span>" in page
    assert 'href="/speakers/">Speakers list</a>' in page
    assert "mailto:hello@example.org" in page


def test_defaults_when_no_settings_were_saved(client):
    factories.home_page()
    page = client.get("/").content.decode()
    assert "<span>Convene</span>" in page and 'href="/events/">Events</a>' in page


def test_landmarks_and_skip_link(client):
    factories.home_page()
    page = client.get("/").content.decode()
    for landmark in ('<header class="site-header">', '<nav aria-label="Main">', '<main id="main"', "<footer"):
        assert landmark in page
    assert 'href="#main">Skip to content</a>' in page


def test_sitemap_lists_events_speakers_and_partners(client):
    event = factories.event("Mapped Event")
    factories.event("Hidden Draft", live=False)
    factories.speaker("Mapped Speaker")
    factories.partner("Mapped Partner")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/events/{event.slug}/" in sitemap
    assert "/speakers/mapped-speaker/" in sitemap and "/partners/mapped-partner/" in sitemap
    assert "hidden-draft" not in sitemap


def test_event_page_has_open_graph_tags_with_an_absolute_image(client):
    picture = factories.image("Banner", size=(1300, 700))
    event = factories.event("Shared Event", image=picture, image_alt="A crowded hall", summary="Come along.")
    page = client.get(event.url).content.decode()
    assert '<meta property="og:title" content="Shared Event">' in page
    assert '<meta property="og:description" content="Come along.">' in page
    assert '<meta property="og:image" content="http://testserver/' in page
    assert '<meta property="og:type" content="article">' in page
    assert 'alt="A crowded hall"' in page


def test_friendly_404(client):
    factories.home_page()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_friendly_500_needs_no_context():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


@override_settings(DEBUG=False)
def test_static_files_are_served_by_the_app_not_a_cdn(client):
    factories.home_page()
    page = client.get("/").content.decode()
    assert 'href="/static/cms/site.css"' in page
    assert "//cdn" not in page and "googleapis" not in page
