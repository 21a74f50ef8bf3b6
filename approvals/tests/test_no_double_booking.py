"""Two approved bookings of one hall never overlap: the database refuses on PostgreSQL, and racing admins
get a clear conflict message on both backends."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from approvals import services
from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, soon
from registry.services import DomainError
from registry.tests.factories import VenueFactory

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The exclusion constraint exists on PostgreSQL only (set DATABASE_URL)."
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="Exercises SQLite's serialized writers.")


@on_postgres
@pytest.mark.django_db
def test_the_database_refuses_overlapping_approved_bookings_whatever_the_code_does():
    hall = VenueFactory()
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 11), ends_at=soon(7, 12))  # touching: fine
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 10), status=BookingStatus.REQUESTED)
    other = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 10), status=BookingStatus.REJECTED)

    with pytest.raises(IntegrityError, match="hall_booking_no_overlap"), transaction.atomic():
        HallBooking.objects.filter(pk=other.pk).update(status=BookingStatus.APPROVED)


def race_two_approvals(first: HallBooking, second: HallBooking, admins) -> list[str]:
    """Two admins approve overlapping requests at the same moment, each on its own connection."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(booking, admin):
        try:
            barrier.wait(timeout=10)
            services.booking_approve(booking=booking, actor=admin)
            outcomes.append("approved")
        except DomainError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=args) for args in [(first, admins[0]), (second, admins[1])]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def waiting_pair():
    hall = VenueFactory(name="Seminar Hall 1")
    first = HallBookingFactory(venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, starts_at=soon(7, 9))
    second = HallBookingFactory(
        venue=hall,
        primary_venue=hall,
        status=BookingStatus.REQUESTED,
        starts_at=soon(7, 10),
        ends_at=soon(7, 12),
    )
    return first, second


@on_postgres
@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_admins_racing_on_postgres_cannot_double_book_a_hall(hall_admin, second_admin):
    first, second = waiting_pair()

    outcomes = race_two_approvals(first, second, [hall_admin, second_admin])

    assert sorted(outcomes, key=lambda o: o != "approved")[0] == "approved"
    assert outcomes.count("approved") == 1, outcomes
    [refusal] = [o for o in outcomes if o != "approved"]
    assert refusal.startswith("Seminar Hall 1 is already booked from ")
    winner = HallBooking.objects.get(status=BookingStatus.APPROVED)
    assert f"(booking #{winner.pk})" in refusal
    assert HallBooking.objects.filter(status=BookingStatus.REQUESTED).count() == 1


@on_sqlite
@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_admins_racing_on_sqlite_are_serialized_and_one_gets_the_conflict(hall_admin, second_admin):
    first, second = waiting_pair()

    outcomes = race_two_approvals(first, second, [hall_admin, second_admin])

    assert outcomes.count("approved") == 1, outcomes
    [refusal] = [o for o in outcomes if o != "approved"]
    winner = HallBooking.objects.get(status=BookingStatus.APPROVED)
    assert refusal.startswith("Seminar Hall 1 is already booked from ")
    assert refusal.endswith(f"(booking #{winner.pk}).")


@on_postgres
@pytest.mark.django_db
def test_a_constraint_refusal_that_slips_past_the_check_becomes_the_conflict_message(hall_admin, monkeypatch):
    """The service checks first; if another transaction wins between check and write, the constraint's
    IntegrityError is caught in a savepoint and reported like any conflict."""
    first, second = waiting_pair()
    HallBooking.objects.filter(pk=first.pk).update(status=BookingStatus.APPROVED)
    monkeypatch.setattr(services.selectors, "conflicts_for", _only_after_the_write(services.selectors.conflicts_for))

    with pytest.raises(DomainError, match=rf"already booked from .* \(booking #{first.pk}\)"):
        services.booking_approve(booking=second, actor=hall_admin)

    assert HallBooking.objects.get(pk=second.pk).status == BookingStatus.REQUESTED


def _only_after_the_write(real):
    calls = {"n": 0}

    def conflicts_for(**kwargs):
        calls["n"] += 1
        found = real(**kwargs)
        return found.none() if calls["n"] == 1 else found

    return conflicts_for
