"""Check-in over the API: the staff page's answers, who may scan, participant lists, uploads, one admission."""

# ruff: noqa: F401, F811 (the `people` fixture is imported)

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from registry.models import Attendance, RegistrationStatus
from registry.services import registrations as service
from registry.services.attendance import checkin_token
from registry.services.registrations import event_record_sync
from registry.tests.api import assert_problem, jwt_client, people
from registry.tests.factories import UserFactory, make_event_at_the_door

pytestmark = pytest.mark.django_db


def event_of(organization, **settings):
    event = make_event_at_the_door(organization_id=organization.pk if organization else None, **settings)
    event_record_sync(page=event)
    return event


def confirmed(event, name="Ada Lovelace"):
    person = UserFactory()
    return service.registration_create(page=event, email=person.email, full_name=name, user=person)


def scan(client, event, code, **extra):
    return client.post(f"/api/v1/checkin/events/{event.pk}/scan", {"code": code, **extra}, format="json")


def test_a_scan_admits_once_then_says_already(people):
    event = event_of(people["own"])
    registration = confirmed(event)
    client = jwt_client(people["organizer_own"])

    first = scan(client, event, checkin_token(registration), progress=True).json()
    again = scan(client, event, registration.code, typed=True).json()

    assert first["outcome"] == "checked_in" and first["admitted"] is True and first["name"] == "Ada Lovelace"
    assert first["progress"] == {"confirmed": 1, "checked_in": 1}
    assert again["outcome"] == "already_checked_in" and again["admitted"] is False and again["progress"] is None
    assert Attendance.objects.get(registration=registration).checked_in_by == people["organizer_own"]


def test_every_refusal_has_the_staff_pages_reason(people):
    event, other_event = event_of(people["own"]), event_of(people["own"], title="Other")
    elsewhere = confirmed(other_event)
    cancelled = confirmed(event)
    cancelled = service.registration_cancel(registration=cancelled, actor=cancelled.user)
    client = jwt_client(people["staff_admin"])

    outcomes = {
        "wrong_event": scan(client, event, checkin_token(elsewhere)),
        "not_confirmed": scan(client, event, checkin_token(cancelled)),
        "unknown": scan(client, event, "NOSUCHCODE"),
        "forged": scan(client, event, "ABCDEFGHJK:forged-signature"),
        "wrong_session": scan(client, event, cancelled.code, session=12345),
    }

    assert {name: r.json()["outcome"] for name, r in outcomes.items()} == {name: name for name in outcomes}
    assert not Attendance.objects.exists()


def test_a_ticket_for_an_event_the_scanner_does_not_run_says_only_that(people):
    event, theirs, ours = event_of(people["own"]), event_of(people["other"]), event_of(people["own"], title="Ours")
    client = jwt_client(people["organizer_own"])

    outsider = scan(client, event, checkin_token(confirmed(theirs))).json()
    insider = scan(client, event, checkin_token(confirmed(ours, name="Bo"))).json()

    assert outsider["outcome"] == "wrong_event" and outsider["admitted"] is False
    assert outsider["message"] == "This ticket is for another event."
    assert outsider["name"] is None and outsider["code"] is None
    assert insider["outcome"] == "wrong_event" and insider["message"] == "This registration is for another event: Ours."
    assert insider["name"] == "Bo"
    assert not Attendance.objects.exists()


def test_a_ticket_scanned_long_after_its_event_ended_has_expired(people):
    event = event_of(people["own"])
    registration = confirmed(event)

    with time_machine.travel(event.ends_at + timedelta(days=1), tick=False):
        answer = scan(jwt_client(people["staff_admin"]), event, checkin_token(registration))

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "expired" and answer.json()["admitted"] is False
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": "   "}, {"code": "x" * 201}, {"code": "A", "session": -1}])
def test_bad_scans_are_400_problems(people, body):
    event = event_of(people["own"])
    response = jwt_client(people["staff_admin"]).post(f"/api/v1/checkin/events/{event.pk}/scan", body, format="json")
    assert "errors" in assert_problem(response, 400)


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("attendee", 403),
        ("mentor", 403),
        ("organizer_own", 200),
        ("organizer_other", 404),
        ("staff_admin", 200),
    ],
)
def test_who_may_scan_list_and_upload(people, role, status):
    event = event_of(people["own"])
    registration = confirmed(event)
    client = jwt_client(None if role == "anonymous" else people[role])
    base = f"/api/v1/checkin/events/{event.pk}"

    responses = [
        scan(client, event, registration.code),
        client.get(f"{base}/participants"),
        client.post(f"{base}/attendance", {"items": [{"code": registration.code}]}, format="json"),
    ]

    assert [r.status_code for r in responses] == [status] * 3
    if status != 200:
        for response in responses:
            assert_problem(response, status)


def test_a_staff_token_without_the_second_factor_cannot_check_in(people):
    event = event_of(people["own"])
    response = scan(jwt_client(people["staff_admin"], otp_verified=False), event, "ANY")
    assert_problem(response, 403)


def test_participants_for_offline_preparation(people):
    event = event_of(people["own"])
    ada, bob = confirmed(event, "Ada"), confirmed(event, "Bob")
    cy = confirmed(event, "Cy")
    service.registration_cancel(registration=cy, actor=cy.user)
    client = jwt_client(people["organizer_own"])
    scan(client, event, ada.code)

    body = client.get(f"/api/v1/checkin/events/{event.pk}/participants").json()

    assert body["count"] == 2
    assert [(p["full_name"], p["sessions_attended"]) for p in body["results"]] == [("Ada", [0]), ("Bob", [])]
    assert body["results"][1]["checkin_token"] == checkin_token(bob)


def test_attendance_upload_checks_each_in_once(people):
    event = event_of(people["own"])
    ada, bob = confirmed(event, "Ada"), confirmed(event, "Bob")
    items = [{"code": ada.code}, {"code": checkin_token(bob)}, {"code": ada.code}, {"code": "NOPE"}]

    body = (
        jwt_client(people["staff_admin"])
        .post(f"/api/v1/checkin/events/{event.pk}/attendance", {"items": items}, format="json")
        .json()
    )

    assert body["admitted"] == 2
    assert [r["outcome"] for r in body["results"]] == ["checked_in", "checked_in", "already_checked_in", "unknown"]
    assert set(Attendance.objects.values_list("method", flat=True)) == {Attendance.Method.UPLOAD}


@pytest.mark.parametrize("items", [[], "not a list", [{"code": "A"}] * 1001])
def test_bad_uploads_are_refused(people, items):
    event = event_of(people["own"])
    response = jwt_client(people["staff_admin"]).post(
        f"/api/v1/checkin/events/{event.pk}/attendance", {"items": items}, format="json"
    )
    assert_problem(response, 400)


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_two_phones_scanning_one_ticket_at_once_admit_it_once(people):
    event = event_of(people["own"])
    registration = confirmed(event)
    phones = [jwt_client(people["organizer_own"]), jwt_client(people["staff_admin"])]
    barrier = threading.Barrier(2)
    answers = []

    def phone(client):
        try:
            barrier.wait()
            answers.append(scan(client, event, checkin_token(registration)).json()["outcome"])
        finally:
            connection.close()

    threads = [threading.Thread(target=phone, args=(client,)) for client in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == ["already_checked_in", "checked_in"]
    assert Attendance.objects.filter(registration=registration).count() == 1
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_scan_endpoint_is_documented_for_anonymous_readers():
    assert APIClient().get("/api/schema/?format=json").status_code == 200


def caches_of_their_own() -> list:
    """The counter in process memory, and in Redis when the run has one: a database of this worker's own,
    since parallel workers flush the shared one between tests."""
    caches = [pytest.param({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, id="memory")]
    if settings.REDIS_URL:
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
        location = f"{settings.REDIS_URL.rsplit('/', 1)[0]}/{10 + worker}"
        caches.append(pytest.param({"BACKEND": "config.cache.RedisCache", "LOCATION": location}, id="redis"))
    return caches


@pytest.mark.parametrize("cache_settings", caches_of_their_own())
def test_scans_past_the_check_in_rate_wait_for_the_next_window(people, monkeypatch, still_clock, cache_settings):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "checkin", "3/min")
    event = event_of(people["own"])
    tickets = [checkin_token(confirmed(event, name=f"Guest {n}")) for n in range(4)]
    client = jwt_client(people["organizer_own"])

    with override_settings(CACHES={"default": cache_settings}):
        cache.clear()
        answers = [scan(client, event, ticket) for ticket in tickets]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert assert_problem(answers[3], 429) and 0 < int(answers[3]["Retry-After"]) <= 60
    assert Attendance.objects.filter(registration__page_id=event.pk).count() == 3
