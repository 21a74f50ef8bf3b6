"""Organizer pages: their organization's bookings, the request form with a recurrence preview, free halls."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import BookingSeries, BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, organizer_of, soon
from registry.tests.factories import PASSWORD, OrganizationFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = organizer_of(OrganizationFactory(name="Coding Club"), email="omar@example.org")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return user


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(club, hall, start, **extra):
    return {
        "organization": club.pk,
        "title": "Hack night",
        "primary_venue": hall.pk,
        "starts_at": local(start),
        "ends_at": local(start + timedelta(hours=2)),
        "attendees": 40,
        **extra,
    }


def test_the_list_shows_the_organizations_bookings_with_status_and_reasons(client, organizer):
    club = organizer.organizations.get()
    HallBookingFactory(
        organization=club, title="Queued one", status=BookingStatus.REQUESTED, queue_note="Hall 1 is busy."
    )
    HallBookingFactory(organization=club, title="Rejected one", status=BookingStatus.REJECTED, reason="Exams week.")
    HallBookingFactory(title="Another club's")

    response = client.get("/bookings/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "Queued one" in text and "Hall 1 is busy." in text
    assert "Rejected one" in text and "Exams week." in text
    assert "Another club" not in text
    assert '<main id="main"' in text and "<caption>" in text


def test_people_who_organize_nothing_are_turned_away_clearly(client):
    client.post("/accounts/login/", {"login": UserFactory().email, "password": PASSWORD})

    for url in ("/bookings/", "/bookings/new/", "/bookings/availability/"):
        response = client.get(url)
        assert response.status_code == 403
        assert b"Hall bookings are for organizers" in response.content
    assert client.get("/bookings/new/", follow=False).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/bookings/")["Location"].startswith("/accounts/login/")


def test_requesting_a_free_hall_is_approved_at_once(client, organizer):
    hall = VenueFactory(name="Seminar Hall 1")
    form = client.get("/bookings/new/")
    assert b'<label for="id_primary_venue">First-choice hall' in form.content

    response = client.post("/bookings/new/", form_data(organizer.organizations.get(), hall, soon(7, 10)), follow=True)

    booking = HallBooking.objects.get()
    assert booking.status == BookingStatus.APPROVED
    assert "Booked: Seminar Hall 1" in response.content.decode()


def test_a_clash_queues_the_request_and_says_why(client, organizer):
    hall = VenueFactory(name="Seminar Hall 1")
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))

    response = client.post("/bookings/new/", form_data(organizer.organizations.get(), hall, soon(7, 10)), follow=True)

    text = response.content.decode()
    assert "waits for a hall admin" in text
    assert f"(booking #{blocker.pk})" in text


def test_bad_input_is_shown_on_the_form_and_nothing_is_written(client, organizer):
    club = organizer.organizations.get()
    hall = VenueFactory(capacity=30)

    too_many = client.post("/bookings/new/", form_data(club, hall, soon(7, 10)))
    past = client.post("/bookings/new/", form_data(club, hall, timezone.now() - timedelta(days=1), attendees=5))
    unknown = client.post("/bookings/new/", {**form_data(club, hall, soon(7, 10)), "primary_venue": 999999})
    other_org = client.post(
        "/bookings/new/", {**form_data(club, hall, soon(7, 10)), "organization": OrganizationFactory().pk}
    )

    assert too_many.status_code == 400 and "holds 30 people; 40 are expected." in too_many.content.decode()
    assert "Bookings cannot start in the past." in past.content.decode()
    assert b"Select a valid choice" in unknown.content and b'role="alert"' in unknown.content
    assert b"Select a valid choice" in other_org.content
    assert not HallBooking.objects.exists()


def test_a_recurring_request_is_previewed_with_each_clash_then_requested_without_the_skipped_dates(client, organizer):
    club = organizer.organizations.get()
    hall = VenueFactory(name="Lab 101")
    start = soon(7, 16)
    clash = HallBookingFactory(
        venue=hall,
        primary_venue=hall,
        starts_at=start + timedelta(weeks=1),
        ends_at=start + timedelta(weeks=1, hours=1),
    )
    data = form_data(
        club,
        hall,
        start,
        frequency="weekly",
        weekdays=[str(start.weekday())],
        until=str(start.date() + timedelta(weeks=2)),
    )

    preview = client.post("/bookings/new/", data)

    text = preview.content.decode()
    assert preview.status_code == 200
    assert text.count('name="skip"') == 3
    assert f"Lab 101 is booked 16:00–17:00 (booking #{clash.pk})" in text
    assert text.count("Free: Lab 101") == 2
    assert not HallBooking.objects.filter(series__isnull=False).exists()

    skipped = (start + timedelta(weeks=1)).date()
    done = client.post("/bookings/new/", {**data, "confirm": "1", "skip": [skipped.isoformat()]}, follow=True)

    series = BookingSeries.objects.get()
    assert [timezone.localdate(b.starts_at) for b in series.occurrences.order_by("starts_at")] == [
        start.date(),
        start.date() + timedelta(weeks=2),
    ]
    assert "Requested 2 occurrence(s) of Hack night: 2 approved, 0 waiting" in done.content.decode()


def test_a_recurring_request_needs_an_end_date(client, organizer):
    response = client.post(
        "/bookings/new/", form_data(organizer.organizations.get(), VenueFactory(), soon(), frequency="daily")
    )

    assert "Say until when the booking repeats." in response.content.decode()


def test_availability_lists_free_halls_big_enough(client, organizer):
    free = VenueFactory(name="Seminar Hall 2", capacity=120)
    busy = VenueFactory(name="Seminar Hall 1", capacity=150)
    VenueFactory(name="Conference Room", capacity=40)
    HallBookingFactory(venue=busy, primary_venue=busy, starts_at=soon(7, 9), ends_at=soon(7, 11))

    response = client.get(
        "/bookings/availability/", {"starts_at": local(soon(7, 10)), "ends_at": local(soon(7, 12)), "attendees": 100}
    )

    text = response.content.decode()
    assert "1 hall free" in text
    assert "Seminar Hall 2" in text and "Seminar Hall 1" not in text and "Conference Room" not in text
    assert f"primary_venue={free.pk}" in text


def test_availability_rejects_backwards_ranges(client, organizer):
    response = client.get(
        "/bookings/availability/", {"starts_at": local(soon(7, 12)), "ends_at": local(soon(7, 10)), "attendees": 1}
    )

    assert "The end must be after the start." in response.content.decode()


def test_organizers_cancel_their_organizations_bookings(client, organizer):
    booking = HallBookingFactory(organization=organizer.organizations.get())
    foreign = HallBookingFactory()

    client.post(f"/bookings/{booking.pk}/cancel/")
    assert client.post(f"/bookings/{foreign.pk}/cancel/").status_code == 404

    assert HallBooking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert HallBooking.objects.get(pk=foreign.pk).status == BookingStatus.APPROVED
