"""Demo activity on the demo events, so the back office has a day's work in it from the first run.

An event happening now has a crowd of confirmed attendees, a third of them already through the door (the rest
are there to check in from the staff page); an event that ended last week has its attendance sheet in, so its
certificates are ready to issue and its activity points wait for the mentors. Made once, on a demo without
registrations. Everything goes through registry's services; only the emails are recorded as sent when the
people registered, so the worker does not mail the demo crowd when it starts.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registry.actors import SYSTEM
from registry.demo import SUPERUSER_EMAIL
from registry.models import Attendance, EventRecord, Membership, Message, Registration, User
from registry.services import attendance, credits
from registry.services import registrations as registration_services

from .models import EventPage

DEMO_ATTENDEES = ["student@convene.local", "student2@convene.local", "student3@convene.local", "attendee@convene.local"]
GUESTS = [
    "Aditi Rao", "Rohan Verma", "Priya Nair", "Kabir Singh", "Ishita Bose", "Nikhil Joshi", "Tara Reddy",
    "Farhan Ali", "Meghna Das", "Siddharth Jain", "Ananya Iyer", "Vivek Chandra", "Pooja Hegde", "Aman Gill",
    "Riya Sen", "Karan Malhotra", "Sana Sheikh", "Dev Patel", "Neela Murthy", "Yash Kapoor",
]  # fmt: skip
CROWD = 24


def _bookable(events, size: int) -> EventPage | None:
    """The latest event that can seat the whole demo crowd without approval."""
    seats = Q(capacity__isnull=True) | Q(capacity__gte=size)
    return (
        events.filter(seats, event_record__is_cancelled=False, requires_approval=False).order_by("-starts_at").first()
    )


def _crowd_registers(page: EventPage, *, when) -> list[Registration]:
    """The demo students with their accounts, the rest as guests who confirmed from their email."""
    people = [(user.email, user.get_full_name(), user) for user in User.objects.filter(email__in=DEMO_ATTENDEES)]
    people += [(f"{name.lower().replace(' ', '.')}@example.edu", name, None) for name in GUESTS]
    registered = []
    for email, name, user in people[:CROWD]:
        registration = registration_services.registration_create(
            page=page, email=email, full_name=name, user=user, now=when
        )
        if user is None:
            registration = registration_services.registration_confirm(registration=registration, actor=SYSTEM, now=when)
        registered.append(registration)
    # Their emails count as sent when they registered (days ago), so the worker does not mail them on start-up.
    Message.objects.filter(registration__in=registered).update(status=Message.Status.SENT, sent_at=when)
    return registered


def _steward(page: EventPage) -> User:
    """Who checks people in at the door: one of the event's organizers, else the demo's staff admin."""
    organizer = User.objects.filter(
        memberships__organization_id=page.organization_id, memberships__role=Membership.Role.ORGANIZER
    ).first()
    return organizer or User.objects.get(email=SUPERUSER_EMAIL)


@transaction.atomic
def seed() -> None:
    if Registration.objects.exists():
        return
    now = timezone.now()
    live = EventPage.objects.live()
    happening = _bookable(live.filter(starts_at__lte=now, ends_at__gt=now, venue__isnull=False), CROWD)
    ended = _bookable(
        live.filter(ends_at__lte=now - timedelta(days=1), credit_category__isnull=False, credit_points__gt=0), CROWD
    )
    if happening:
        door = _steward(happening)
        for registration in _crowd_registers(happening, when=happening.starts_at - timedelta(days=3))[::3]:
            attendance.check_in(page_id=happening.pk, scanned=registration.code, actor=door)
    if ended:
        door = _steward(ended)
        sessions = EventRecord.objects.get(page_id=ended.pk).session_ids or [Attendance.WHOLE_EVENT]
        for registration in _crowd_registers(ended, when=ended.starts_at - timedelta(days=5))[:-4]:
            for session in sessions:  # the attendance sheet, uploaded after the event
                attendance.check_in(
                    page_id=ended.pk,
                    scanned=registration.code,
                    actor=door,
                    session=session,
                    method=Attendance.Method.UPLOAD,
                )
        credits.credits_award_for_event(page_id=ended.pk, actor=door)
