"""Cancelling an event end to end: its people told once, its hall released, nothing follows, nothing undoes it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import organizer_of
from cms.models import EventPage, EventStatus
from cms.tests import factories as cms_factories
from registry import tasks
from registry.models import EventRecord, Message, MessageKind, Registration, RegistrationStatus, Role
from registry.services import DomainError, registrations
from registry.services.events import event_cancel
from registry.tests.factories import StaffFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def cancelled_notices() -> int:
    return Message.objects.filter(kind=MessageKind.EVENT_CANCELLED, channel=Message.Channel.EMAIL).count()


def test_cancelling_an_event_with_fifty_registered_and_ten_waiting(django_capture_on_commit_callbacks):
    organizer = organizer_of(in_roles=[Role.ORGANIZER])
    club = organizer.memberships.get().organization
    page = cms_factories.event("Annual hackathon", live=False, venue=VenueFactory(capacity=100), capacity=50)
    page.organization = club
    page.save_revision(user=organizer).publish(user=StaffFactory(is_superuser=True))
    first_revision = page.latest_revision
    people = [UserFactory() for _ in range(60)]
    for person in people:
        registrations.registration_create(page=page, email=person.email, full_name="P", user=person)
    booking = HallBooking.objects.get(page=page)
    assert booking.status == BookingStatus.APPROVED
    assert Registration.objects.filter(page_id=page.pk, status=RegistrationStatus.WAITLISTED).count() == 10
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(page_id=page.pk, actor=organizer, reason="The campus is closed that weekend.")
    with pytest.raises(DomainError, match="already cancelled"):
        event_cancel(page_id=page.pk, actor=organizer)

    assert cancelled_notices() == 60
    assert sorted(m.to[0] for m in mail.outbox if m.subject == "Cancelled: Annual hackathon") == sorted(
        p.email for p in people
    )
    booking.refresh_from_db()
    assert (booking.status, booking.reason) == (BookingStatus.CANCELLED, "The campus is closed that weekend.")

    with django_capture_on_commit_callbacks(execute=True):
        first_revision.publish(user=StaffFactory(is_superuser=True))
        page.save_revision(user=organizer).publish(user=StaffFactory(is_superuser=True))
    assert EventRecord.objects.get(page_id=page.pk).is_cancelled, "no revision un-cancels it"
    assert EventPage.objects.get(pk=page.pk).status == EventStatus.CANCELLED
    assert not HallBooking.objects.filter(page=page, status__in=["requested", "approved"]).exists()
    assert cancelled_notices() == 60

    a_day_before = EventRecord.objects.get(page_id=page.pk).starts_at - timedelta(hours=23)
    with pytest.MonkeyPatch.context() as clock, django_capture_on_commit_callbacks(execute=True):
        clock.setattr(timezone, "now", lambda: a_day_before)
        tasks.send_due_reminders_and_follow_ups.call_local()
    assert not Message.objects.filter(kind=MessageKind.REMINDER).exists()
