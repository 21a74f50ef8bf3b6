"""Concurrency: real threads, real transactions, on whichever database the suite runs against."""

import threading

import pytest
from django.db import connection

from registry.models import EventRecord, Registration, RegistrationStatus
from registry.services import registrations as service
from registry.tests.factories import UserFactory, make_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.race]


def race(workers: int, action) -> list:
    """Run `action(i)` in `workers` threads released at the same instant; collect results or errors."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        except Exception as exc:  # the test inspects every outcome, errors included
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_people_race_for_the_last_five_seats():
    event = make_event(capacity=20)
    for n in range(15):
        service.registration_create(page=event, email=f"early{n}@example.org", full_name="Early", user=UserFactory())
    racers = [UserFactory() for _ in range(50)]

    results = race(
        50,
        lambda i: (
            service.registration_create(
                page=event, email=racers[i].email, full_name=f"Racer {i}", user=racers[i]
            ).status
        ),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count(RegistrationStatus.CONFIRMED) == 5
    assert results.count(RegistrationStatus.WAITLISTED) == 45
    assert Registration.objects.filter(page_id=event.pk, status=RegistrationStatus.CONFIRMED).count() == 20
    assert Registration.objects.filter(page_id=event.pk).count() == 65
    assert EventRecord.objects.get(page_id=event.pk).seats_taken == 20


def test_the_same_person_submitting_twice_at_once_gets_one_registration():
    event = make_event(capacity=5)
    person = UserFactory()

    results = race(
        6, lambda i: service.registration_create(page=event, email=person.email, full_name="Twice", user=person)
    )

    assert sum(isinstance(r, Registration) for r in results) == 1
    assert all(isinstance(r, service.AlreadyRegistered) for r in results if not isinstance(r, Registration))
    assert EventRecord.objects.get(page_id=event.pk).seats_taken == 1


def test_cancellations_racing_with_registrations_never_overbook():
    event = make_event(capacity=5)
    holders = [
        service.registration_create(page=event, email=person.email, full_name="H", user=person)
        for person in [UserFactory() for _ in range(5)]
    ]
    newcomers = [UserFactory() for _ in range(10)]

    def act(i: int):
        if i < 5:
            return service.registration_cancel(registration=holders[i], actor=holders[i].user).status
        person = newcomers[i - 5]
        return service.registration_create(page=event, email=person.email, full_name="N", user=person).status

    results = race(15, act)

    assert [r for r in results if isinstance(r, Exception)] == []
    holding = Registration.objects.filter(page_id=event.pk, status__in=["confirmed", "awaiting_confirmation"]).count()
    assert holding <= 5
    assert EventRecord.objects.get(page_id=event.pk).seats_taken == holding


def test_a_seat_freed_by_a_cancellation_goes_to_the_waitlist_even_when_newcomers_race_for_it():
    """Each round: the event is full with one person waiting; one holder cancels while ten newcomers register at
    the same instant. The seat is offered to the person waiting inside the cancellation itself, so no newcomer
    ever gets it — however the threads interleave."""
    for round_number in range(5):
        event = make_event(capacity=3)
        holders = [UserFactory() for _ in range(3)]
        seated = [service.registration_create(page=event, email=h.email, full_name="Holder", user=h) for h in holders]
        waiting_person = UserFactory()
        waiting = service.registration_create(
            page=event, email=waiting_person.email, full_name="First in line", user=waiting_person
        )
        newcomers = [UserFactory() for _ in range(10)]

        def act(i, seated=seated, newcomers=newcomers, event=event, holder=holders[0]):
            if i == 0:
                return service.registration_cancel(registration=seated[0], actor=holder).status
            person = newcomers[i - 1]
            return service.registration_create(page=event, email=person.email, full_name="New", user=person).status

        results = race(11, act)

        assert [r for r in results if isinstance(r, Exception)] == [], round_number
        assert results[1:].count(RegistrationStatus.WAITLISTED) == 10, round_number
        waiting.refresh_from_db()
        assert waiting.status == RegistrationStatus.AWAITING_CONFIRMATION, round_number
        assert EventRecord.objects.get(page_id=event.pk).seats_taken == 3
