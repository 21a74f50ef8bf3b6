"""A registrant's own calendar entry: the public one plus what only they may see (the online link, once confirmed).

Reached by a signed link in their emails and on My registrations, so guests have it too.
"""

from datetime import UTC
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from . import tokens
from .models import EventRecord, Registration
from .selectors import meeting_link

PRODID = "-//Convene//Registrations//EN"


def calendar_path(registration: Registration) -> str:
    """The registrant's own calendar file, by a signed link (for the site's own pages)."""
    return reverse("registration_calendar", args=[tokens.make(registration.code, "calendar")])


def calendar_url(registration: Registration) -> str:
    """The same, absolute, for emails."""
    return f"{settings.SITE_URL}{calendar_path(registration)}"


def _place(record: EventRecord, link: str) -> str:
    place = ", ".join(part for part in (record.venue.name, record.venue.location) if part) if record.venue else ""
    return place or ("Online" if link else "")


def google_calendar_url(registration: Registration) -> str:
    """An "add to Google Calendar" link with what the registrant may see (the online link once confirmed)."""
    record = EventRecord.objects.select_related("venue").get(page_id=registration.page_id)
    link = meeting_link(registration)
    dates = "/".join(moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") for moment in (record.starts_at, record.ends_at))
    details = [f"Your reference: {registration.code}.", registration.page.get_full_url() or settings.SITE_URL]
    if link:
        details.insert(1, f"Join online: {link}")
    query = {"action": "TEMPLATE", "text": record.title, "dates": dates, "details": "\n".join(details)}
    location = _place(record, link)
    if location:
        query["location"] = location
    return f"https://calendar.google.com/calendar/render?{urlencode(query)}"


def registrant_calendar(registration: Registration) -> bytes:
    record = EventRecord.objects.select_related("venue").get(page_id=registration.page_id)
    link = meeting_link(registration)
    description = [f"Your reference: {registration.code}."]
    if link:
        description.append(f"Join online: {link}")
    page_url = registration.page.get_full_url() or settings.SITE_URL
    event = Event.new(
        uid=f"registration-{registration.code}@{settings.SITE_URL.split('://')[-1].split('/')[0].split(':')[0]}",
        summary=record.title,
        start=timezone.localtime(record.starts_at),
        end=timezone.localtime(record.ends_at),
        location=_place(record, link),
        description="\n".join(description),
        url=link or page_url,
        stamp=timezone.now(),
        status="CANCELLED" if record.is_cancelled else "CONFIRMED",
    )
    calendar = Calendar.new(prodid=PRODID, subcomponents=[event])
    return calendar.to_ical()
