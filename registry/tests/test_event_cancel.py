"""Cancelling an event is its organizers' decision, kept on registry's record of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import EventRecord, Message, MessageKind, RegistrationStatus, Role
from registry.services import DomainError, NotAllowed, registrations
from registry.services.events import event_cancel
from registry.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    StaffFactory,
    UserFactory,
    make_event,
)

pytestmark = pytest.mark.django_db


def organizer_of(organization):
    return MembershipFactory(organization=organization, user=UserFactory(in_roles=[Role.ORGANIZER])).user


def test_only_the_events_organizers_and_staff_admins_cancel_it():
    club, other_club = OrganizationFactory(), OrganizationFactory()
    event = make_event(organization_id=club.pk)

    for outsider in (organizer_of(other_club), UserFactory(is_staff=True), UserFactory()):
        with pytest.raises(NotAllowed, match="Only organizers of this event's organization"):
            event_cancel(page_id=event.pk, actor=outsider)
    assert not EventRecord.objects.get(page_id=event.pk).is_cancelled

    organizer = organizer_of(club)
    record = event_cancel(page_id=event.pk, actor=organizer, reason="  Speaker unwell.  ")

    assert (record.is_cancelled, record.cancelled_by, record.cancellation_reason) == (
        True,
        organizer,
        "Speaker unwell.",
    )
    staff_admin = StaffFactory(is_superuser=True)
    with pytest.raises(DomainError, match="already cancelled"):
        event_cancel(page_id=make_event(cancelled=True).pk, actor=staff_admin)


def test_an_event_that_is_over_or_never_published_cannot_be_cancelled():
    admin = StaffFactory(is_superuser=True)
    now = timezone.now()
    over = make_event(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))

    with pytest.raises(DomainError, match="is over"):
        event_cancel(page_id=over.pk, actor=admin)
    with pytest.raises(DomainError, match="Only a published event"):
        event_cancel(page_id=make_event(published=False).pk, actor=admin)


def test_held_seats_end_and_nobody_can_take_or_confirm_a_seat_afterwards():
    event = make_event(capacity=2)
    confirmed = registrations.registration_create(page=event, email="a@example.org", full_name="A", user=UserFactory())
    held = registrations.registration_create(page=event, email="guest@example.org", full_name="Guest")
    assert held.status == RegistrationStatus.AWAITING_CONFIRMATION

    event_cancel(page_id=event.pk, actor=StaffFactory(is_superuser=True))

    held.refresh_from_db()
    confirmed.refresh_from_db()
    assert (held.status, held.hold_expires_at) == (RegistrationStatus.CANCELLED, None)
    assert confirmed.status == RegistrationStatus.CONFIRMED, "kept, for the record of who was coming"
    assert EventRecord.objects.get(page_id=event.pk).seats_taken == 1
    assert Message.objects.filter(registration=held, kind=MessageKind.EVENT_CANCELLED).exists()
    with pytest.raises(DomainError, match="can no longer be confirmed"):
        registrations.registration_confirm(registration=held, actor=StaffFactory(is_superuser=True))
    with pytest.raises(DomainError, match="has been cancelled"):
        registrations.registration_create(page=event, email="late@example.org", full_name="Late")


def test_publishing_never_un_cancels_and_a_text_edit_tells_nobody_anything():
    event = make_event(title="Robotics")
    person = UserFactory()
    registrations.registration_create(page=event, email=person.email, full_name="P", user=person)
    event_cancel(page_id=event.pk, actor=StaffFactory(is_superuser=True))

    event.title = "Robotics (new title)"
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    registrations.event_record_sync(page=event)

    record = EventRecord.objects.get(page_id=event.pk)
    assert record.is_cancelled and record.title == "Robotics (new title)"
    assert not Message.objects.filter(kind=MessageKind.EVENT_CHANGED).exists(), "a cancelled event has no changes"
