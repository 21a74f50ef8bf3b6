import pytest
from django.core.management import call_command

from approvals.models import BookingSeries, BookingStatus, HallBooking

pytestmark = pytest.mark.django_db


def test_demo_bookings_show_every_state_once_however_often_seeded():
    call_command("seed_demo")
    first = sorted(HallBooking.objects.values_list("title", "status"))
    call_command("seed_demo")

    assert sorted(HallBooking.objects.values_list("title", "status")) == first
    statuses = {status for _, status in first}
    assert statuses == {
        BookingStatus.APPROVED,
        BookingStatus.REQUESTED,
        BookingStatus.REJECTED,
        BookingStatus.CANCELLED,
    }
    waiting = HallBooking.objects.get(title="CPD workshop: data literacy")
    assert "Seminar Hall 1 is already booked" in waiting.queue_note
    assert BookingSeries.objects.get().occurrences.count() == 6
