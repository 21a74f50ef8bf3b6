"""Reads: free halls, a hall's week, conflicts, utilization — with fixed query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals import selectors
from approvals.models import BookingStatus
from approvals.tests.factories import HallBookingFactory, soon
from registry.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def test_halls_available_are_active_big_enough_and_free_smallest_first():
    small, big, busy = VenueFactory(capacity=40), VenueFactory(capacity=200), VenueFactory(capacity=100)
    VenueFactory(capacity=500, is_active=False)
    too_small = VenueFactory(capacity=10)
    HallBookingFactory(venue=busy, primary_venue=busy, starts_at=soon(7, 9), ends_at=soon(7, 11))
    HallBookingFactory(venue=small, primary_venue=small, starts_at=soon(7, 12), status=BookingStatus.REQUESTED)

    free = list(selectors.halls_available(starts_at=soon(7, 10), ends_at=soon(7, 13), attendees=30))

    assert free == [small, big]
    assert too_small not in free


def test_conflicts_for_lists_only_overlapping_approved_bookings_of_that_hall():
    hall, other = VenueFactory(), VenueFactory()
    clash = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 11), ends_at=soon(7, 12))  # touches
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), status=BookingStatus.CANCELLED)
    HallBookingFactory(venue=other, primary_venue=other, starts_at=soon(7, 9))

    found = list(selectors.conflicts_for(venue=hall, starts_at=soon(7, 10), ends_at=soon(7, 11)))

    assert found == [clash]
    assert list(selectors.conflicts_for(venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 10), exclude=clash)) == []


def test_hall_week_lists_approved_and_waiting_bookings_overlapping_the_week_in_two_queries_or_less():
    hall = VenueFactory()
    monday = selectors.week_start_of(timezone.localdate() + timedelta(days=14))
    start, _ = selectors.week_bounds(monday)
    across_sunday_night = HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=start - timedelta(hours=2), ends_at=start + timedelta(hours=1)
    )
    waiting = HallBookingFactory(
        venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, starts_at=start + timedelta(days=2, hours=10)
    )
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=start + timedelta(days=7))  # next week
    HallBookingFactory(
        venue=hall, primary_venue=hall, status=BookingStatus.REJECTED, starts_at=start + timedelta(days=1)
    )

    with CaptureQueriesContext(connection) as queries:
        week = list(selectors.hall_week(venue=hall, week_start=monday))
        [b.organization.name for b in week]

    assert week == [across_sunday_night, waiting]
    assert len(queries) == 1


def test_utilization_counts_approved_hours_per_hall_per_week_clipped_at_week_boundaries():
    hall, quiet = VenueFactory(name="A hall"), VenueFactory(name="B hall")
    monday = selectors.week_start_of(timezone.localdate() + timedelta(days=14))
    start, _ = selectors.week_bounds(monday)
    HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=start + timedelta(hours=9), ends_at=start + timedelta(hours=12)
    )
    HallBookingFactory(  # Sunday 22:00 to Monday 02:00: 2 hours in each week
        venue=hall,
        primary_venue=hall,
        starts_at=start + timedelta(days=6, hours=22),
        ends_at=start + timedelta(days=7, hours=2),
    )
    HallBookingFactory(
        venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, starts_at=start + timedelta(hours=14)
    )

    report = selectors.utilization(weeks=2, first_week=monday)

    assert report.weeks == [monday, monday + timedelta(days=7)]
    usage = {u.venue: u.hours for u in report.halls}
    assert usage[hall] == [5.0, 2.0]
    assert usage[quiet] == [0.0, 0.0]
    assert report.peak == 5.0


def test_conflicts_by_booking_uses_one_query_for_any_number_of_waiting_requests():
    halls = [VenueFactory() for _ in range(3)]
    waiting = []
    for hall in halls:
        HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
        waiting.append(HallBookingFactory(venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED))

    with CaptureQueriesContext(connection) as queries:
        found = selectors.conflicts_by_booking(waiting)
        [c.venue.name for clashes in found.values() for c in clashes]

    assert len(queries) == 1
    assert all(len(found[b.pk]) == 1 for b in waiting)
