"""Registration rules: seats, waitlist, confirmation, holds, cancellation, approval."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registry import tokens
from registry.actors import SYSTEM
from registry.models import EventRecord, Registration, RegistrationStatus, Role
from registry.selectors import registration_counts, waitlist_position
from registry.services import DomainError, NotAllowed
from registry.services import registrations as service
from registry.tests.factories import MembershipFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db
Status = RegistrationStatus


def register(event, n: int | str = 1, **kwargs):
    email = n if isinstance(n, str) else f"guest{n}@example.org"
    return service.registration_create(page=event, email=email, full_name=f"Guest {n}", **kwargs)


def link(registration, action: str):
    """The guest who opened the emailed link for `action` (confirm or cancel) of this registration."""
    return tokens.holder(tokens.make(registration.code, action), action)


def seats_taken(event) -> int:
    return EventRecord.objects.get(page_id=event.pk).seats_taken


def test_an_account_holder_is_confirmed_at_once():
    event = make_event(capacity=2)
    user = UserFactory()

    registration = service.registration_create(page=event, email=user.email, full_name="Ada", user=user)

    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert seats_taken(event) == 1


def test_a_guest_holds_a_seat_until_they_confirm_by_email():
    event = make_event(capacity=2)

    registration = register(event)

    assert registration.status == Status.AWAITING_CONFIRMATION
    assert registration.hold_expires_at > timezone.now()
    assert seats_taken(event) == 1
    confirmed = service.registration_confirm(registration=registration, actor=link(registration, "confirm"))
    assert confirmed.status == Status.CONFIRMED
    assert seats_taken(event) == 1


def test_when_full_people_join_the_waitlist_in_order():
    event = make_event(capacity=1)
    register(event, 1)

    second, third = register(event, 2), register(event, 3)

    assert (second.status, third.status) == (Status.WAITLISTED, Status.WAITLISTED)
    assert (waitlist_position(second), waitlist_position(third)) == (1, 2)


def test_when_full_without_a_waitlist_registration_is_refused_clearly():
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)

    with pytest.raises(DomainError, match="this event is full"):
        register(event, 2)

    assert Registration.objects.filter(page_id=event.pk).count() == 1


def test_unlimited_events_never_fill():
    event = make_event(capacity=None)

    statuses = {register(event, n).status for n in range(30)}

    assert statuses == {Status.AWAITING_CONFIRMATION}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "has not opened yet"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "has closed"),
        ({"starts_at": timezone.now() - timedelta(minutes=5)}, "has closed"),
        ({"cancelled": True}, "has been cancelled"),
    ],
)
def test_registration_outside_the_window_is_refused(settings, message):
    event = make_event(**settings)

    with pytest.raises(DomainError, match=message):
        register(event)


def test_one_registration_per_person_per_event():
    event = make_event()
    first = register(event, "Same@Example.org")

    with pytest.raises(service.AlreadyRegistered) as caught:
        register(event, "same@example.org")

    assert caught.value.registration == first
    assert seats_taken(event) == 1


def test_after_cancelling_a_person_may_register_again():
    event = make_event()
    first = register(event, 1)
    service.registration_cancel(registration=first, actor=link(first, "cancel"))

    again = register(event, 1)

    assert again.status == Status.AWAITING_CONFIRMATION
    assert Registration.objects.filter(page_id=event.pk).count() == 2


def test_cancelling_frees_the_seat_and_promotes_the_first_waitlisted(django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    holder = register(event, 1)
    first, second = register(event, 2), register(event, 3)

    with django_capture_on_commit_callbacks(execute=True):
        service.registration_cancel(registration=holder, actor=link(holder, "cancel"))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.AWAITING_CONFIRMATION
    assert first.hold_expires_at is not None
    assert second.status == Status.WAITLISTED and waitlist_position(second) == 1
    assert seats_taken(event) == 1
    promoted = [m for m in mail.outbox if m.to == [first.email] and "A seat opened up" in m.subject]
    assert len(promoted) == 1


def test_an_unconfirmed_hold_expires_and_the_seat_passes_on(django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    holder = register(event, 1)
    waiting = register(event, 2)

    with django_capture_on_commit_callbacks(execute=True):
        expired = service.holds_expire(actor=SYSTEM, now=holder.hold_expires_at + timedelta(seconds=1))

    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert expired == 1
    assert holder.status == Status.EXPIRED
    assert waiting.status == Status.AWAITING_CONFIRMATION
    assert seats_taken(event) == 1


def test_confirming_after_the_hold_expired_releases_the_seat_and_says_so():
    event = make_event(capacity=1)
    holder = register(event, 1)

    with pytest.raises(DomainError, match="has been released"):
        service.registration_confirm(
            registration=holder, actor=link(holder, "confirm"), now=holder.hold_expires_at + timedelta(seconds=1)
        )

    holder.refresh_from_db()
    assert holder.status == Status.EXPIRED
    assert seats_taken(event) == 0


def organized_event(**settings):
    membership = MembershipFactory(user=UserFactory(in_roles=[Role.ORGANIZER]))
    return make_event(organization_id=membership.organization_id, **settings), membership.user


def test_approval_required_events_hold_seats_as_pending_until_decided():
    event, organizer = organized_event(capacity=2, requires_approval=True)
    attendee = UserFactory()
    registration = service.registration_create(page=event, email=attendee.email, full_name="A", user=attendee)
    guest = register(event, 7)

    assert registration.status == Status.PENDING
    assert service.registration_confirm(registration=guest, actor=link(guest, "confirm")).status == Status.PENDING

    approved = service.registration_decide(registration=registration, actor=organizer, approve=True)
    rejected = service.registration_decide(registration=guest, actor=organizer, approve=False, reason="Members only")

    assert approved.status == Status.CONFIRMED
    assert rejected.status == Status.REJECTED and rejected.decision_reason == "Members only"
    assert seats_taken(event) == 1


def test_nobody_decides_on_their_own_registration_and_rejections_need_a_reason():
    event, organizer = organized_event(requires_approval=True)
    person = UserFactory()
    registration = service.registration_create(page=event, email=person.email, full_name="A", user=person)

    with pytest.raises(NotAllowed, match="your own"):
        service.registration_decide(registration=registration, actor=person, approve=True)
    with pytest.raises(DomainError, match="reason"):
        service.registration_decide(registration=registration, actor=organizer, approve=False, reason=" ")


def test_an_organizer_cannot_decide_for_another_organization():
    event, _ = organized_event(requires_approval=True)
    _, other_organizer = organized_event()
    person = UserFactory()
    registration = service.registration_create(page=event, email=person.email, full_name="A", user=person)

    with pytest.raises(NotAllowed, match="Only organizers of this event's organization"):
        service.registration_decide(registration=registration, actor=other_organizer, approve=True)

    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_only_the_registrant_or_the_events_organizers_confirm_or_cancel():
    event, organizer = organized_event()
    registration, someone_else = register(event, 1), register(event, 2)

    for stranger in (UserFactory(), link(someone_else, "cancel")):
        with pytest.raises(NotAllowed, match="Only the person registered"):
            service.registration_cancel(registration=registration, actor=stranger)
    with pytest.raises(NotAllowed, match="Only the person registered"):
        service.registration_confirm(registration=registration, actor=link(someone_else, "confirm"))
    registration.refresh_from_db()
    assert registration.status == Status.AWAITING_CONFIRMATION

    owner = UserFactory(email="guest1@example.org")
    assert service.registration_confirm(registration=registration, actor=owner).status == Status.CONFIRMED
    assert service.registration_cancel(registration=someone_else, actor=organizer).status == Status.CANCELLED


def test_lowering_capacity_below_taken_seats_keeps_them_and_stops_new_ones():
    event = make_event(capacity=3)
    for n in range(3):
        register(event, n)

    event.capacity = 1
    record = service.event_record_sync(page=event)

    assert record.capacity == 3
    assert register(event, 9).status == Status.WAITLISTED


def test_raising_capacity_promotes_the_waitlist(django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    register(event, 1)
    waiting = register(event, 2)

    event.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        service.event_record_sync(page=event)

    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_CONFIRMATION


def test_counts_per_status_for_staff():
    event = make_event(capacity=1)
    first = register(event, 1)
    register(event, 2)
    service.registration_cancel(registration=first, actor=link(first, "cancel"))

    counts = registration_counts(event.pk)

    assert counts[Status.CANCELLED] == 1
    assert counts[Status.AWAITING_CONFIRMATION] == 1  # the freed seat, offered to the person who waited
    assert counts[Status.WAITLISTED] == 0
    assert counts[Status.CONFIRMED] == 0


def test_the_waitlist_offer_is_made_by_the_cancellation_not_by_a_later_job(django_capture_on_commit_callbacks):
    """With the background worker stopped (callbacks held back), a newcomer registering right after a cancellation
    still finds the seat taken by the person who was waiting."""
    event = make_event(capacity=1)
    holder, waiting_person, newcomer = UserFactory(), UserFactory(), UserFactory()
    seated = service.registration_create(page=event, email=holder.email, full_name="Holder", user=holder)
    waiting = service.registration_create(
        page=event, email=waiting_person.email, full_name="Waiting", user=waiting_person
    )

    with django_capture_on_commit_callbacks(execute=False):
        service.registration_cancel(registration=seated, actor=holder)
        late = service.registration_create(page=event, email=newcomer.email, full_name="Newcomer", user=newcomer)

    waiting.refresh_from_db()
    assert waiting.status == Status.AWAITING_CONFIRMATION and waiting.hold_expires_at is not None
    assert late.status == Status.WAITLISTED
