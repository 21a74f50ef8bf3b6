"""Registration decisions over the API: what waits for whom, who may decide which, and every refusal."""

# ruff: noqa: F401, F811 (the `people` fixture is imported)

import pytest
from django.core import mail

from registry.models import EventRecord, RegistrationStatus
from registry.services import registrations as service
from registry.services.registrations import event_record_sync
from registry.tests.api import assert_problem, jwt_client, organizer, people
from registry.tests.factories import UserFactory, make_event

pytestmark = pytest.mark.django_db

PENDING = "/api/v1/registrations/pending"


def approval_event(organization, **settings):
    event = make_event(organization_id=organization.pk, requires_approval=True, **settings)
    event_record_sync(page=event)
    return event


def pending(event, name="Ada Lovelace", person=None):
    person = person or UserFactory()
    registration = service.registration_create(page=event, email=person.email, full_name=name, user=person)
    assert registration.status == RegistrationStatus.PENDING
    return registration


def decide(client, registration, **body):
    return client.post(f"/api/v1/registrations/{registration.code}/decide", body, format="json")


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_organizers_see_their_organizations_pending_registrations_oldest_first(people):
    talk, workshop = approval_event(people["own"], title="Talk"), approval_event(people["own"], title="Workshop")
    first, second, third = pending(talk, "Ada"), pending(workshop, "Bob"), pending(talk, "Cy")
    pending(approval_event(people["other"]), "Elsewhere")
    service.registration_decide(registration=third, actor=people["staff_admin"], approve=True)
    client = jwt_client(people["organizer_own"])

    everything = client.get(PENDING)
    for_the_talk = client.get(PENDING, {"event": talk.pk})

    assert codes(everything) == [first.code, second.code]
    assert everything.json()["results"][0]["event"]["title"] == "Talk"
    assert codes(for_the_talk) == [first.code]


@pytest.mark.parametrize("event", ["1.5", "talk", "0", "-3"])
def test_the_event_filter_takes_a_page_id_only(people, event):
    assert_problem(jwt_client(people["organizer_own"]).get(PENDING, {"event": event}), 400)


@pytest.mark.parametrize(
    "role, listing, listed, decision",
    [
        ("anonymous", 401, None, 401),
        ("attendee", 403, None, 403),
        ("mentor", 403, None, 403),
        ("organizer_own", 200, 1, 200),
        ("organizer_other", 200, 0, 404),
        ("staff_admin", 200, 1, 200),
    ],
)
def test_who_sees_and_decides_a_registration_of_the_own_organization(people, role, listing, listed, decision):
    registration = pending(approval_event(people["own"]))
    client = jwt_client(None if role == "anonymous" else people[role])

    listed_response = client.get(PENDING)
    decided_response = decide(client, registration, approve=True)

    if listing == 200:
        assert listed_response.json()["count"] == listed
    else:
        assert_problem(listed_response, listing)
    if decision == 200:
        assert decided_response.json()["status"] == RegistrationStatus.CONFIRMED
    else:
        assert_problem(decided_response, decision)
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.PENDING


def test_a_staff_token_without_the_second_factor_decides_nothing(people):
    registration = pending(approval_event(people["own"]))
    client = jwt_client(people["staff_admin"], otp_verified=False)

    assert_problem(client.get(PENDING), 403)
    assert_problem(decide(client, registration, approve=True), 403)


def test_approving_confirms_the_seat_and_emails_the_person(people, django_capture_on_commit_callbacks):
    registration = pending(approval_event(people["own"], title="Robotics 101"))
    client = jwt_client(people["organizer_own"])

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, registration, approve=True)

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == RegistrationStatus.CONFIRMED and body["confirmed_at"] and body["checkin_token"]
    assert [m.subject for m in mails_to(registration.email)] == ["You're registered: Robotics 101"]
    assert codes(client.get(PENDING)) == []


def test_rejecting_needs_a_reason_frees_the_seat_and_tells_the_person_why(people, django_capture_on_commit_callbacks):
    event = approval_event(people["own"], title="Robotics 101")
    registration = pending(event)
    client = jwt_client(people["organizer_own"])

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, registration, approve=False, reason="  For members of the club only.  ")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == RegistrationStatus.REJECTED
    assert body["decision_reason"] == "For members of the club only."
    [message] = mails_to(registration.email)
    assert message.subject == "Registration not approved: Robotics 101"
    assert "For members of the club only." in message.body
    assert EventRecord.objects.get(page_id=event.pk).seats_taken == 0


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_rejection_without_a_reason_is_refused(people, reason):
    registration = pending(approval_event(people["own"]))
    body = {"approve": False} if reason is None else {"approve": False, "reason": reason}

    response = decide(jwt_client(people["organizer_own"]), registration, **body)

    assert "reason" in assert_problem(response, 409)["detail"]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING and not mail.outbox


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"approve": "perhaps"},
        {"approve": None},
        {"approve": 1},
        {"approve": "true"},
        {"approve": False, "reason": 404},
        {"approve": False, "reason": "x" * 501},
    ],
)
def test_malformed_decisions_are_400_problems(people, body):
    registration = pending(approval_event(people["own"]))
    response = decide(jwt_client(people["organizer_own"]), registration, **body)
    assert "errors" in assert_problem(response, 400)


def test_an_unknown_code_is_a_404(people):
    response = jwt_client(people["staff_admin"]).post(
        "/api/v1/registrations/NOSUCHCODE/decide", {"approve": True}, format="json"
    )
    assert_problem(response, 404)


def test_a_registration_decided_already_is_a_conflict_that_names_its_status(people):
    registration = pending(approval_event(people["own"]))
    client = jwt_client(people["organizer_own"])
    decide(client, registration, approve=True)

    again = decide(client, registration, approve=False, reason="Changed my mind")

    assert assert_problem(again, 409)["detail"] == "Only pending registrations can be decided; this one is confirmed."
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_nobody_decides_on_their_own_registration(people):
    event = approval_event(people["own"])
    colleague = organizer(people["own"])
    own = pending(event, person=colleague)
    client = jwt_client(colleague)

    assert codes(client.get(PENDING)) == []
    assert "your own" in assert_problem(decide(client, own, approve=True), 403)["detail"]
    own.refresh_from_db()
    assert own.status == RegistrationStatus.PENDING
