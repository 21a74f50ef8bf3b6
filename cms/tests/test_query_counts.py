"""The listing and the event page cost the same number of queries whatever the number of rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.tests import factories
from registry.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache(settings):
    """Wagtail caches site root paths and renditions; other xdist workers flush a shared Redis at any time."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counts"}}


def queries_for(client, url: str) -> int:
    client.get(url)  # warm: renditions are generated on first view, site root paths get cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def rich_event(n: int):
    picture = factories.image(f"Picture {n}", size=(700, 400))
    speakers = [factories.speaker(f"Speaker {n}-{k}") for k in range(n)]
    partners = [factories.partner(f"Partner {n}-{k}") for k in range(n)]
    return factories.event(
        f"Event {n}",
        image=picture,
        image_alt="A picture",
        speakers=speakers,
        partners=partners,
        sessions=n,
        session_speakers=speakers,
        starts_in=timedelta(days=n),
        venue=VenueFactory(name=f"Hall {n}", building="Main Building"),
    )


def test_listing_queries_do_not_grow_with_events(client):
    rich_event(1)
    few = queries_for(client, "/events/")
    for n in range(2, 8):
        rich_event(n)
    assert queries_for(client, "/events/") == few
    assert queries_for(client, "/events/?kind=event&q=event&seats_left=on") == queries_for(
        client, "/events/?kind=event&q=event&seats_left=on&page=1"
    )


def test_filtered_listing_queries_do_not_grow_with_events(client):
    url = "/events/?q=even&kind=event&mode=on_site&seats_left=on&location=hall&language=English"
    rich_event(1)
    few = queries_for(client, url)
    for n in range(2, 6):
        rich_event(n)
    assert queries_for(client, url) == few
    assert "5 events match your filters" in client.get(url).content.decode()


def test_event_page_queries_do_not_grow_with_sessions_speakers_and_partners(client):
    small, large = rich_event(1), rich_event(6)
    assert queries_for(client, small.url) == queries_for(client, large.url)


def test_home_page_queries_do_not_grow_with_events(client):
    rich_event(1)
    few = queries_for(client, "/")
    for n in range(2, 6):
        rich_event(n)
    assert queries_for(client, "/") == few
