"""iCalendar files: one per event with sessions as their own VEVENTs, and a feed that honours the filters."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from icalendar import Calendar

from cms.models import EventKind
from cms.tests import factories
from registry.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_event_ics_has_the_event_and_each_session(client):
    hall = VenueFactory(name="Main Hall", location="Admin Block")
    event = factories.event("Robotics Weekend", venue=hall, sessions=2, duration=timedelta(hours=4))
    response = client.get(f"{event.url}event.ics")

    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    main, *sessions = parse(response)
    assert str(main["UID"]) == f"event-{event.pk}@testserver"
    assert str(main["SUMMARY"]) == "Robotics Weekend"
    assert str(main["LOCATION"]) == "Main Hall, Admin Block"
    assert event.starts_at == main.DTSTART and event.ends_at == main.DTEND
    assert main.DTSTART.tzinfo == ZoneInfo(settings.TIME_ZONE)
    assert str(main["URL"]).endswith(event.url)

    stored = list(event.sessions.order_by("starts_at"))
    assert [str(s["SUMMARY"]) for s in sessions] == ["Robotics Weekend: Session 1", "Robotics Weekend: Session 2"]
    assert [str(s["UID"]) for s in sessions] == [f"session-{s.pk}@testserver" for s in stored]
    assert [s.DTSTART for s in sessions] == [s.starts_at for s in stored]
    assert [s.DTEND for s in sessions] == [s.ends_at for s in stored]
    assert {str(s["RELATED-TO"]) for s in sessions} == {str(main["UID"])}


def test_online_event_is_located_online_without_revealing_the_link(client):
    event = factories.event(online_url="https://meet.example.org/secret")
    (main,) = parse(client.get(f"{event.url}event.ics"))
    assert str(main["LOCATION"]) == "Online"
    assert b"meet.example.org" not in client.get(f"{event.url}event.ics").content


def test_cancelled_event_is_marked_cancelled(client):
    event = factories.event(cancelled=True)
    (main,) = parse(client.get(f"{event.url}event.ics"))
    assert str(main["STATUS"]) == "CANCELLED"


def test_feed_honours_the_listing_filters(client):
    factories.event("Talk", kind=EventKind.EVENT)
    factories.event("Lab", kind=EventKind.WORKSHOP, sessions=2)
    factories.event("Old Lab", kind=EventKind.WORKSHOP, starts_in=timedelta(days=-9))

    everything = parse(client.get("/events/feed.ics"))
    workshops = parse(client.get("/events/feed.ics", {"kind": "workshop"}))
    past = parse(client.get("/events/feed.ics", {"kind": "workshop", "when": "past"}))

    assert sorted(str(e["SUMMARY"]) for e in everything) == ["Lab", "Talk"]
    assert [str(e["SUMMARY"]) for e in workshops] == ["Lab"]
    assert [str(e["SUMMARY"]) for e in past] == ["Old Lab"]


def test_the_listing_links_to_its_feed_with_the_same_filters(client):
    factories.event()
    page = client.get("/events/", {"kind": "workshop", "page": 1}).content.decode()
    assert 'href="/events/feed.ics?kind=workshop"' in page


def test_ics_of_a_draft_event_is_not_served(client):
    event = factories.event(live=False)
    assert client.get(f"/events/{event.slug}/event.ics").status_code == 404
