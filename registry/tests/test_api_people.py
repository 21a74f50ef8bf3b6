"""A person's own things over the API: registrations, certificates, credits, notifications."""

# ruff: noqa: F401, F811 (the `people` fixture is imported)

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from registry.models import Certificate, CreditCategory, CreditEntry, StudentProfile
from registry.services import registrations as service
from registry.services.registrations import event_record_sync
from registry.tests.api import assert_problem, jwt_client, people
from registry.tests.factories import NoticeFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


def registered(person, **settings):
    event = make_event(**settings)
    event_record_sync(page=event)
    return service.registration_create(page=event, email=person.email, full_name="Ada", user=person)


def test_my_registrations_upcoming_past_waitlist_and_cancel():
    me, other = UserFactory(), UserFactory()
    soon_one = registered(me)
    full = make_event(capacity=1)
    event_record_sync(page=full)
    service.registration_create(page=full, email=other.email, full_name="First", user=other)
    waiting = service.registration_create(page=full, email=me.email, full_name="Ada", user=me)
    theirs = registered(other)
    client = jwt_client(me)

    upcoming = client.get("/api/v1/registrations?when=upcoming").json()
    position = client.get(f"/api/v1/registrations/{waiting.code}/waitlist-position").json()
    cancelled = client.post(f"/api/v1/registrations/{soon_one.code}/cancel").json()

    assert {r["code"] for r in upcoming["results"]} == {soon_one.code, waiting.code}
    assert client.get("/api/v1/registrations?when=past").json()["count"] == 0
    assert position == {"status": "waitlisted", "waitlist_position": 1}
    assert cancelled["status"] == "cancelled"
    assert_problem(client.get(f"/api/v1/registrations/{theirs.code}"), 404)
    assert_problem(client.post(f"/api/v1/registrations/{theirs.code}/cancel"), 404)
    assert_problem(APIClient().get("/api/v1/registrations"), 401)


def certificate_for(person, code="CERT-1", **extra):
    registration = registered(person)
    now = timezone.now()
    certificate = Certificate.objects.create(
        registration=registration,
        code=code,
        holder_name="Ada",
        event_title="Workshop",
        event_starts_at=now,
        event_ends_at=now + timedelta(hours=2),
        issuer="Convene",
        **extra,
    )
    certificate.pdf.save(f"{code}.pdf", ContentFile(b"%PDF-1.4 test"))
    return certificate


def test_certificates_mine_download_and_public_verify():
    me, other = UserFactory(), UserFactory()
    mine = certificate_for(me)
    theirs = certificate_for(other, code="CERT-2")
    client = jwt_client(me)

    listed = client.get("/api/v1/certificates").json()
    download = client.get(f"/api/v1/certificates/{mine.code}/download")
    verified = APIClient().get(f"/api/v1/certificates/{theirs.code.lower()}/verify").json()

    assert [c["code"] for c in listed["results"]] == ["CERT-1"]
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert_problem(client.get(f"/api/v1/certificates/{theirs.code}/download"), 404)
    assert verified["holder_name"] == "Ada" and verified["is_valid"] is True
    assert_problem(APIClient().get("/api/v1/certificates/NOPE/verify"), 404)


def test_credits_balance_ledger_and_a_mentors_decision(people):
    student, mentor = people["attendee"], people["mentor"]
    StudentProfile.objects.create(user=student, mentor=mentor)
    category = CreditCategory.objects.create(name="Technical", code="tech", min_points=10, max_points=20)
    entry = CreditEntry.objects.create(user=student, category=category, points=5, description="Attended")

    balance = jwt_client(student).get("/api/v1/credits/balances").json()
    as_mentor = jwt_client(mentor).get(f"/api/v1/credits/entries?user={student.pk}").json()
    pending = jwt_client(mentor).get("/api/v1/credits/pending").json()
    self_decide = jwt_client(student).post(f"/api/v1/credits/entries/{entry.pk}/decide", {"approve": True})
    stranger = jwt_client(people["organizer_other"]).post(
        f"/api/v1/credits/entries/{entry.pk}/decide", {"approve": True}
    )
    no_reason = jwt_client(mentor).post(f"/api/v1/credits/entries/{entry.pk}/decide", {"approve": False})
    approved = jwt_client(mentor).post(f"/api/v1/credits/entries/{entry.pk}/decide", {"approve": True}).json()

    tech = next(b for b in balance if b["category"]["code"] == "tech")
    assert tech["pending"] == 5 and tech["still_needed"] == 10
    assert [e["id"] for e in as_mentor["results"]] == [entry.pk] and pending["count"] == 1
    assert_problem(self_decide, 403)
    assert_problem(stranger, 403)
    assert_problem(no_reason, 409)
    assert approved["status"] == "approved"
    assert_problem(jwt_client(people["organizer_other"]).get(f"/api/v1/credits/entries?user={student.pk}"), 404)
    assert_problem(jwt_client(student).get("/api/v1/credits/balances?user=abc"), 400)
    assert jwt_client(people["staff_admin"]).get(f"/api/v1/credits/balances?user={student.pk}").status_code == 200


@pytest.mark.parametrize("query", ["user=abc", "user=", "user=1.5", "user=1_000", "user=1&user=2"])
def test_whose_credits_is_one_whole_number(people, query):
    assert_problem(jwt_client(people["attendee"]).get(f"/api/v1/credits/balances?{query}"), 400)


def test_notifications_list_mark_read_and_mark_all():
    me, other = UserFactory(), UserFactory()
    first = NoticeFactory(recipient=me, subject="Booked")
    NoticeFactory(recipient=me, subject="Approved", kind="certificate", template="certificate_issued")
    theirs = NoticeFactory(recipient=other, subject="Not yours")
    NoticeFactory(recipient=me, channel="email", address=me.email, subject="An email is not a notice")
    client = jwt_client(me)

    unread = client.get("/api/v1/notifications?unread=true").json()
    read = client.post(f"/api/v1/notifications/{first.pk}/read").json()
    all_read = client.post("/api/v1/notifications/read-all").json()

    assert unread["count"] == 2 and read["read_at"] is not None
    assert {row["kind"] for row in unread["results"]} == {"booking_decided", "certificate"}
    assert all_read == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert_problem(client.post(f"/api/v1/notifications/{theirs.pk}/read"), 404)
