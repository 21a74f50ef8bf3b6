"""iCalendar (RFC 5545) files for one event and for the listing's feed.

Times are written in the site's time zone with a VTIMEZONE, so calendars show them at the right hour.
The online link is left out: registry shows it to confirmed registrants only.
"""

from collections.abc import Iterable
from datetime import UTC
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar, Event

from .models import EventPage, EventSession

PRODID = "-//Convene//Events//EN"


def _uid(kind: str, pk: int, request: HttpRequest) -> str:
    return f"{kind}-{pk}@{request.get_host().split(':')[0]}"


def _location(event: EventPage, room=None) -> str:
    venue = room or event.venue
    if venue is None:
        return "Online" if event.online_url else ""
    place = ", ".join(part for part in (venue.name, venue.location) if part)
    return f"{place} (also online)" if event.online_url else place


def _component(event: EventPage, request: HttpRequest, **fields) -> Event:
    """A VEVENT with what every entry shares (link, stamp, status); `fields` says what differs."""
    return Event.new(
        url=event.get_full_url(request),
        stamp=event.last_published_at or timezone.now(),
        status="CANCELLED" if event.is_cancelled else "CONFIRMED",
        **fields,
    )


def _event_component(event: EventPage, request: HttpRequest) -> Event:
    return _component(
        event,
        request,
        uid=_uid("event", event.pk, request),
        summary=event.title,
        description=event.summary,
        start=timezone.localtime(event.starts_at),
        end=timezone.localtime(event.ends_at),
        location=_location(event) or None,
    )


def _session_component(event: EventPage, session: EventSession, request: HttpRequest) -> Event:
    return _component(
        event,
        request,
        uid=_uid("session", session.pk, request),
        summary=f"{event.title}: {session.title}",
        description=session.description or event.summary,
        start=timezone.localtime(session.starts_at),
        end=timezone.localtime(session.ends_at),
        location=_location(event, session.room) or None,
        related_to=_uid("event", event.pk, request),
    )


def _calendar(name: str, components: Iterable[Event]) -> bytes:
    calendar = Calendar.new(prodid=PRODID, name=name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for component in components:
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_calendar(event: EventPage, sessions: Iterable[EventSession], *, request: HttpRequest) -> bytes:
    """The event, then each of its sessions as its own VEVENT (related to the event by RELATED-TO)."""
    components = [_event_component(event, request)]
    components += [_session_component(event, session, request) for session in sessions]
    return _calendar(event.title, components)


def events_feed(events: Iterable[EventPage], *, request: HttpRequest, name: str) -> bytes:
    return _calendar(name, (_event_component(event, request) for event in events))


def google_calendar_url(event: EventPage, *, request: HttpRequest) -> str:
    """An "add to Google Calendar" link for visitors who do not use .ics files."""
    dates = "/".join(moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for moment in (event.starts_at, event.ends_at))
    query = {"action": "TEMPLATE", "text": event.title, "dates": dates, "details": event.get_full_url(request)}
    location = _location(event)
    if location:
        query["location"] = location
    return f"https://calendar.google.com/calendar/render?{urlencode(query)}"
