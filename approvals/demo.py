"""Demo hall bookings for the demo organizers: approved, queued with a conflict, rejected, a weekly series.

Idempotent: each demo booking is made once (matched by title and requester).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from registry.models import Organization, User, Venue

from . import services
from .models import BookingSeries, Frequency, HallBooking


def _next_weekday(weekday: int, hour: int) -> datetime:
    today = timezone.localdate()
    day = today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed() -> None:
    admin = User.objects.get(email="admin@convene.local")
    coding = User.objects.get(email="organizer@convene.local")
    cce = User.objects.get(email="organizer.cce@convene.local")
    club = Organization.objects.get(slug="coding-club")
    centre = Organization.objects.get(slug="centre-for-continuing-education")
    hall = {venue.code: venue for venue in Venue.objects.all()}
    monday_evening = _next_weekday(0, 18)

    def once(title: str, requester: User, **kwargs) -> HallBooking | None:
        if HallBooking.objects.filter(title=title, requester=requester).exists():
            return None
        return services.booking_request(requester=requester, title=title, **kwargs)

    once(
        "Hack night",
        coding,
        organization=club,
        primary_venue=hall["seminar-hall-1"],
        starts_at=monday_evening,
        ends_at=monday_evening + timedelta(hours=3),
        attendees=80,
    )
    once(
        "CPD workshop: data literacy",
        cce,
        organization=centre,
        primary_venue=hall["seminar-hall-1"],
        starts_at=monday_evening + timedelta(hours=1),
        ends_at=monday_evening + timedelta(hours=4),
        attendees=90,
        description="Needs the projector and the sound system.",
    )
    finals = _next_weekday(2, 10)
    rejected = once(
        "Programming contest finals",
        coding,
        organization=club,
        primary_venue=hall["main-auditorium"],
        starts_at=finals,
        ends_at=finals + timedelta(hours=6),
        attendees=400,
    )
    if rejected is not None:
        services.booking_cancel(booking=rejected, actor=coding, reason="Moved to the open-air theatre.")
    alumni = _next_weekday(3, 9)
    waiting = once(
        "Alumni meet",
        cce,
        organization=centre,
        primary_venue=hall["main-auditorium"],
        starts_at=alumni,
        ends_at=alumni + timedelta(hours=8),
        attendees=500,
    )
    if waiting is not None and waiting.status == "approved":
        blocked = once(
            "Convocation rehearsal",
            coding,
            organization=club,
            primary_venue=hall["main-auditorium"],
            starts_at=alumni + timedelta(hours=2),
            ends_at=alumni + timedelta(hours=4),
            attendees=300,
        )
        services.booking_reject(
            booking=blocked, actor=admin, reason="The auditorium is taken by the alumni meet; try the open-air theatre."
        )
    if not BookingSeries.objects.filter(title="Weekly DSA practice", requester=coding).exists():
        tuesday = _next_weekday(1, 16)
        services.series_request(
            requester=coding,
            organization=club,
            title="Weekly DSA practice",
            primary_venue=hall["lab-101"],
            secondary_venue=hall["innovation-hub"],
            starts_at=tuesday,
            ends_at=tuesday + timedelta(hours=2),
            frequency=Frequency.WEEKLY,
            weekdays=[1],
            until=timezone.localdate(tuesday) + timedelta(weeks=5),
            attendees=40,
        )
