"""A realistic day in the back office, built with factories: an organizer's club with an event on now (people
registered, some checked in), one later today and one next week; a mentor whose mentees' credit claims wait; a
staff admin. Shared by the home's tests and its browser tests."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from registry.models import Attendance, CreditCategory, CreditEntry, EventRecord, Membership, Role, StudentProfile
from registry.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
    VenueFactory,
    make_event,
)


@dataclass
class Day:
    organizer: object
    mentor: object
    staff_admin: object
    club: object
    on_now: object
    later_today: object
    next_week: object
    other_club_event: object


def club_event(title: str, organization, *, starts_in: timedelta, hours: int = 3, capacity: int | None = 40):
    now = timezone.now()
    return make_event(
        title=title,
        organization_id=organization.pk,
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=hours),
        capacity=capacity,
    )


def registered(event, n: int, *, checked_in: int = 0) -> list:
    made = RegistrationFactory.create_batch(n, page_id=event.pk, status="confirmed")
    # the seats the registration service would have taken (the factory writes rows only)
    EventRecord.objects.filter(page_id=event.pk).update(seats_taken=F("seats_taken") + n)
    for registration in made[:checked_in]:
        Attendance.objects.create(registration=registration)
    return made


def build_day(*, claims: int = 3) -> Day:
    club = OrganizationFactory(name="Coding Club", slug="coding-club")
    other = OrganizationFactory(name="Robotics Society", slug="robotics")
    organizer = UserFactory(is_staff=True, in_roles=[Role.ORGANIZER], email="organizer@example.org")
    MembershipFactory(user=organizer, organization=club, role=Membership.Role.ORGANIZER)
    on_now = club_event("Hack Night", club, starts_in=-timedelta(hours=1))
    later_today = club_event("Git for beginners", club, starts_in=timedelta(minutes=30), hours=1)
    next_week = club_event("Open day", club, starts_in=timedelta(days=7), capacity=None)
    other_club_event = club_event("Robot wars", other, starts_in=timedelta(hours=1))
    registered(on_now, 24, checked_in=8)
    registered(later_today, 5)

    mentor = UserFactory(is_staff=True, in_roles=[Role.MENTOR], email="mentor@example.org")
    category = CreditCategory.objects.create(name="Technical", code="technical", min_points=0, max_points=30)
    for n in range(claims):
        student = UserFactory(in_roles=[Role.ATTENDEE], first_name=f"Student{n}")
        StudentProfile.objects.create(user=student, mentor=mentor, usn=f"1CC{n:04d}")
        CreditEntry.objects.create(user=student, category=category, points=4, description="Hack Night")
    VenueFactory(name="Seminar Hall 1")
    staff_admin = StaffFactory(email="admin@example.org")
    return Day(organizer, mentor, staff_admin, club, on_now, later_today, next_week, other_club_event)
