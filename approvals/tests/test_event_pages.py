"""Publishing an event page books its hall through the usual rules; unpublishing or deleting releases it."""

from datetime import timedelta

import pytest
from wagtail.models import Page

from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, organizer_of
from registry.models import Message
from registry.services.events import event_cancel
from registry.tests.factories import StaffFactory, VenueFactory

pytestmark = pytest.mark.django_db

cms_factories = pytest.importorskip("cms.tests.factories", reason="cms.EventPage is not in the tree yet")


def publish(page, user):
    page.save_revision(user=user).publish()
    return page


def test_publishing_an_event_page_books_its_hall_and_moving_it_updates_the_booking():
    hall, lab = VenueFactory(name="Main Auditorium", capacity=500), VenueFactory(name="Lab 101", capacity=60)
    editor = organizer_of()
    page = cms_factories.event("Tech fest", live=False, venue=hall, capacity=200, sessions=2)
    session = page.sessions.first()
    session.room = lab
    session.save()

    publish(page, editor)

    bookings = {b.page_part: b for b in HallBooking.objects.filter(page=page)}
    assert set(bookings) == {"event", f"session:{session.pk}"}
    assert (bookings["event"].venue, bookings["event"].status, bookings["event"].requester) == (
        hall,
        BookingStatus.APPROVED,
        editor,
    )

    page.refresh_from_db()
    page.starts_at += timedelta(days=1)
    page.ends_at += timedelta(days=1)
    HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=page.starts_at, ends_at=page.starts_at + timedelta(hours=1)
    )
    publish(page, editor)

    moved = HallBooking.objects.get(pk=bookings["event"].pk)
    assert moved.starts_at == page.starts_at
    assert moved.status == BookingStatus.REQUESTED
    assert "Main Auditorium is already booked" in moved.queue_note
    told = Message.objects.filter(recipient=editor, about=f"booking:{moved.pk}", channel="in_app").first()
    assert told.subject == "Hall request waiting for approval: Tech fest", "the organizer hears the hall now waits"


def test_cancelling_unpublishing_or_deleting_an_event_releases_its_hall():
    hall = VenueFactory()
    editor = organizer_of()
    page = publish(cms_factories.event(live=False, venue=hall), editor)
    booking = HallBooking.objects.get(page=page)

    page.refresh_from_db()
    event_cancel(page_id=page.pk, actor=StaffFactory(is_superuser=True), reason="Exams moved.")
    released = HallBooking.objects.get(pk=booking.pk)
    assert (released.status, released.reason) == (BookingStatus.CANCELLED, "Exams moved.")

    publish(page, editor)
    assert not HallBooking.objects.filter(page=page, status=BookingStatus.APPROVED).exists(), "still cancelled"

    other = publish(cms_factories.event(live=False, venue=VenueFactory()), editor)
    again = HallBooking.objects.get(page=other, status=BookingStatus.APPROVED)
    other.refresh_from_db()
    other.unpublish()
    assert HallBooking.objects.get(pk=again.pk).status == BookingStatus.CANCELLED

    publish(other, editor)
    last = HallBooking.objects.get(page=other, status=BookingStatus.APPROVED)
    Page.objects.get(pk=other.pk).specific.delete()
    last.refresh_from_db()
    assert (last.status, last.page_id) == (BookingStatus.CANCELLED, None)


def test_online_events_and_other_pages_book_nothing():
    editor = organizer_of()
    publish(cms_factories.event(live=False, venue=None, online_url="https://meet.example.org/x"), editor)
    publish(cms_factories.standard_page("About", live=False), editor)

    assert not HallBooking.objects.exists()
