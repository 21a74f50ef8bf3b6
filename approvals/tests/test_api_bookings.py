"""Halls and bookings over the API: availability, requests, and decisions only for those allowed."""

# ruff: noqa: F401, F811 (the `people` fixture is imported)

import pytest

from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, soon
from registry.tests.api import assert_problem, jwt_client, people
from registry.tests.factories import VenueFactory

pytestmark = pytest.mark.django_db


def iso(moment) -> str:
    return moment.isoformat()


def test_availability_lists_free_halls_big_enough():
    small, big, busy = VenueFactory(capacity=20), VenueFactory(capacity=200), VenueFactory(capacity=300)
    HallBookingFactory(primary_venue=busy, starts_at=soon(3, 10), ends_at=soon(3, 12))
    client = jwt_client(people_free_user())

    response = client.get(
        "/api/v1/halls/available", {"starts_at": iso(soon(3, 11)), "ends_at": iso(soon(3, 13)), "attendees": 50}
    )

    assert response.status_code == 200 and [h["code"] for h in response.json()] == [big.code]
    assert {h["code"] for h in client.get("/api/v1/halls").json()["results"]} == {small.code, big.code, busy.code}


def people_free_user():
    from registry.tests.factories import UserFactory

    return UserFactory()


@pytest.mark.parametrize(
    "query", [{}, {"starts_at": "x", "ends_at": "y"}, {"starts_at": iso(soon(3, 12)), "ends_at": iso(soon(3, 11))}]
)
def test_bad_availability_queries_are_400(query):
    assert_problem(jwt_client(people_free_user()).get("/api/v1/halls/available", query), 400)


def request_body(hall, organization, **extra):
    return {
        "title": "Club meeting",
        "organization": organization.slug,
        "primary_venue": hall.code,
        "starts_at": iso(soon(5, 10)),
        "ends_at": iso(soon(5, 12)),
        "attendees": 30,
        **extra,
    }


def test_an_organizer_books_a_free_hall_at_once_and_a_busy_one_waits(people):
    hall = VenueFactory(capacity=100)
    client = jwt_client(people["organizer_own"])

    first = client.post("/api/v1/bookings", request_body(hall, people["own"]), format="json")
    second = client.post("/api/v1/bookings", request_body(hall, people["own"], title="Clash"), format="json")

    assert first.status_code == 201 and first.json()["status"] == BookingStatus.APPROVED
    assert second.status_code == 201 and second.json()["status"] == BookingStatus.REQUESTED
    assert [b["title"] for b in client.get("/api/v1/bookings").json()["results"]] == ["Club meeting", "Clash"]


@pytest.mark.parametrize("role", ["attendee", "mentor", "organizer_other"])
def test_only_organizers_of_the_organization_may_request_for_it(people, role):
    hall = VenueFactory()
    response = jwt_client(people[role]).post("/api/v1/bookings", request_body(hall, people["own"]), format="json")
    assert_problem(response, 403)
    assert not HallBooking.objects.exists()


def test_bad_requests_are_400(people):
    hall = VenueFactory()
    client = jwt_client(people["organizer_own"])
    for body in [
        {},
        request_body(hall, people["own"], attendees=0),
        request_body(hall, people["own"], primary_venue="no"),
        request_body(hall, people["own"], secondary_venue=""),
        request_body(hall, people["own"], title=404),
    ]:
        assert_problem(client.post("/api/v1/bookings", body, format="json"), 400)


@pytest.mark.parametrize(
    "role, status",
    [("attendee", 403), ("organizer_other", 403), ("organizer_own", 200), ("staff_admin", 200)],
)
def test_who_may_decide_a_waiting_request(people, role, status):
    hall = VenueFactory(managed_by=people["own"])
    waiting = HallBookingFactory(
        primary_venue=hall, status=BookingStatus.REQUESTED, organization=people["other"], starts_at=soon(9, 10)
    )
    client = jwt_client(people[role])

    response = client.post(f"/api/v1/bookings/{waiting.pk}/approve", {}, format="json")

    if status == 200:
        assert response.json()["status"] == BookingStatus.APPROVED
    else:
        assert response.status_code in (403, 404)
        assert_problem(response, response.status_code)
        waiting.refresh_from_db()
        assert waiting.status == BookingStatus.REQUESTED


@pytest.mark.parametrize("venue", ["", "no-such-hall", 7])
def test_approving_in_another_hall_names_one_that_exists(people, venue):
    waiting = HallBookingFactory(
        primary_venue=VenueFactory(), status=BookingStatus.REQUESTED, organization=people["own"], starts_at=soon(9, 10)
    )

    response = jwt_client(people["staff_admin"]).post(
        f"/api/v1/bookings/{waiting.pk}/approve", {"venue": venue}, format="json"
    )

    assert "venue" in assert_problem(response, 400)["errors"]
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.REQUESTED


def test_rejecting_needs_a_reason_and_the_requester_can_cancel(people):
    hall = VenueFactory(managed_by=people["own"])
    waiting = HallBookingFactory(
        primary_venue=hall, status=BookingStatus.REQUESTED, requester=people["organizer_other"], starts_at=soon(9, 10)
    )
    admin = jwt_client(people["staff_admin"])

    assert_problem(admin.post(f"/api/v1/bookings/{waiting.pk}/reject", {}, format="json"), 409)
    rejected = admin.post(f"/api/v1/bookings/{waiting.pk}/reject", {"reason": "Exams"}, format="json").json()
    own = HallBookingFactory(requester=people["organizer_other"], organization=people["other"], starts_at=soon(11, 10))
    cancelled = jwt_client(people["organizer_other"]).post(f"/api/v1/bookings/{own.pk}/cancel", {}, format="json")

    assert rejected["status"] == BookingStatus.REJECTED and rejected["reason"] == "Exams"
    assert cancelled.json()["status"] == BookingStatus.CANCELLED
    assert jwt_client(people["attendee"]).get(f"/api/v1/bookings/{own.pk}").status_code == 404


def test_waiting_requests_are_for_verified_deciders(people):
    assert_problem(jwt_client(people["attendee"]).get("/api/v1/bookings/waiting"), 403)
    assert jwt_client(people["staff_admin"]).get("/api/v1/bookings/waiting").status_code == 200
