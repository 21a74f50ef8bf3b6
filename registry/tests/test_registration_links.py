"""Emailed links: genuine ones work, forged or expired ones are refused with a reason, never a 500."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from registry import tokens
from registry.models import RegistrationStatus
from registry.services import registrations as service
from registry.tests.factories import PASSWORD, UserFactory, make_event

pytestmark = pytest.mark.django_db


def guest_registration(**event_settings):
    event = make_event(**event_settings)
    return service.registration_create(page=event, email="guest@example.org", full_name="Guest")


def test_opening_a_confirm_link_does_not_confirm_until_the_button_is_pressed(client):
    registration = guest_registration()
    url = f"/registrations/confirm/{tokens.make(registration.code, 'confirm')}/"

    page = client.get(url)
    registration.refresh_from_db()
    assert page.status_code == 200 and b"Confirm my seat" in page.content
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION

    client.post(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("path", ["confirm", "cancel"])
def test_forged_links_are_refused(client, path):
    registration = guest_registration()
    genuine = tokens.make(registration.code, path)
    forged = genuine[:-3] + ("aaa" if not genuine.endswith("aaa") else "bbb")

    response = client.post(f"/registrations/{path}/{forged}/")

    assert response.status_code == 400
    assert b"This link is not valid" in response.content


def test_a_cancel_link_cannot_be_used_to_confirm(client):
    registration = guest_registration()

    response = client.post(f"/registrations/confirm/{tokens.make(registration.code, 'cancel')}/")

    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION


def test_an_expired_confirm_link_says_so(client):
    registration = guest_registration()
    token = tokens.make(registration.code, "confirm")

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = client.post(f"/registrations/confirm/{token}/")

    assert response.status_code == 400
    assert b"This link has expired" in response.content


def test_a_link_for_a_deleted_registration_is_a_clear_404(client):
    token = signing.dumps(["NOSUCHCODE", "cancel"], salt=tokens.SALT, compress=True)

    response = client.get(f"/registrations/cancel/{token}/")

    assert response.status_code == 404
    assert b"could not find this registration" in response.content


def test_the_cancel_link_cancels_after_confirmation_and_twice_is_harmless(client):
    registration = guest_registration()
    url = f"/registrations/cancel/{tokens.make(registration.code, 'cancel')}/"

    assert b"Cancel your registration?" in client.get(url).content
    first = client.post(url)
    second = client.post(url)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert first.status_code == second.status_code == 200
    assert b"Registration cancelled" in second.content


def test_my_registrations_lists_upcoming_with_position_and_lets_me_cancel(client):
    person = UserFactory()
    full = make_event(title="Packed talk", capacity=0)
    open_event = make_event(title="Roomy talk", capacity=10)
    service.registration_create(page=full, email=person.email, full_name="P", user=person)
    mine = service.registration_create(page=open_event, email=person.email, full_name="P", user=person)
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    page = client.get("/registrations/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Packed talk" in html and "Waitlisted (position 1)" in html
    assert "Roomy talk" in html and mine.code in html
    client.post(f"/registrations/{mine.code}/cancel/")
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED


def test_nobody_can_cancel_someone_elses_registration_from_their_account(client):
    owner, intruder = UserFactory(), UserFactory()
    registration = service.registration_create(page=make_event(), email=owner.email, full_name="O", user=owner)
    client.post("/accounts/login/", {"login": intruder.email, "password": PASSWORD})

    response = client.post(f"/registrations/{registration.code}/cancel/")

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_profile_shows_the_roles_fields_and_saves_preferences(client):
    person = UserFactory(in_roles=["attendee"])
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    assert b"Student details" in client.get("/accounts/profile/").content
    response = client.post(
        "/accounts/profile/",
        {
            "profile-first_name": "Ada",
            "profile-last_name": "L",
            "profile-phone": "",
            "notify-follow_up-email": "on",
            "student-usn": "1CS20001",
            "student-semester": "13",
        },
    )
    assert response.status_code == 400
    assert b"Ensure this value is less than or equal to 12" in response.content

    client.post(
        "/accounts/profile/",
        {
            "profile-first_name": "Ada",
            "profile-last_name": "L",
            "profile-phone": "",
            "notify-follow_up-email": "on",
            "notify-reminder-in_app": "on",
            "student-usn": "1CS20001",
            "student-semester": "5",
        },
    )
    person.refresh_from_db()
    choices = {p.kind: (p.email, p.in_app) for p in person.notification_preferences.all()}
    assert choices["follow_up"] == (True, False) and choices["reminder"] == (False, True)
    assert choices["certificate"] == (False, False)
    assert "registration" not in choices  # service mail is not a choice
    assert person.student_profile.usn == "1CS20001"
