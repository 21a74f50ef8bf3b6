"""A registrant's own calendar entry: the public one plus what only they may see (the online link, once confirmed).

Reached by a signed link in their emails and on My registrations, so guests have it too.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from . import tokens
from .models import EventRecord, Registration
from .selectors import meeting_link

PRODID = "-//Convene//Registrations//EN"


def calendar_url(registration: Registration) -> str:
    return f"{settings.SITE_URL}{reverse('registration_calendar', args=[tokens.make(registration.code, 'calendar')])}"


def registrant_calendar(registration: Registration) -> bytes:
    record = EventRecord.objects.select_related("venue").get(page_id=registration.page_id)
    link = meeting_link(registration)
    place = ", ".join(part for part in (record.venue.name, record.venue.location) if part) if record.venue else ""
    description = [f"Your reference: {registration.code}."]
    if link:
        description.append(f"Join online: {link}")
    page_url = registration.page.get_full_url() or settings.SITE_URL
    event = Event.new(
        uid=f"registration-{registration.code}@{settings.SITE_URL.split('://')[-1].split('/')[0].split(':')[0]}",
        summary=record.title,
        start=timezone.localtime(record.starts_at),
        end=timezone.localtime(record.ends_at),
        location=place or ("Online" if link else ""),
        description="\n".join(description),
        url=link or page_url,
        stamp=timezone.now(),
        status="CANCELLED" if record.is_cancelled else "CONFIRMED",
    )
    calendar = Calendar.new(prodid=PRODID, subcomponents=[event])
    return calendar.to_ical()
