"""The meeting link (an online event's `online_url`) reaches confirmed registrants only.

Confirmed registrants find it in five places: the event page when signed in, My registrations, the
confirmation and reminder emails, their own `.ics` (never the public one), and the API's registration detail.
Anyone else — a guest who has not confirmed yet, someone on the waitlist, any anonymous visitor — finds it
nowhere.
"""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from cms.tests import factories
from registry import tasks
from registry.forms import form_started_token
from registry.models import Registration, RegistrationStatus
from registry.tests.api import jwt_client
from registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/secret-room"
SECRET = LINK.encode()
PRIVATE_CALENDAR = re.compile(r"(?:http://[^\s\"<]+)?(/registrations/calendar/[^\s\"<]+/)")
CONFIRM_LINK = re.compile(r"http://[^\s\"<]+(/registrations/confirm/[^\s\"<]+/)")
CANCEL_LINK = re.compile(r"http://[^\s\"<]+(/registrations/cancel/[^\s\"<]+/)")


def online_event(**fields):
    """A published online event (a real Wagtail page, whose registry record carries the link)."""
    return factories.event("Remote Lab", online_url=LINK, **fields)


def form(**fields) -> dict:
    """The event page's registration form as a person fills it in, half a minute after opening the page."""
    started = form_started_token(time.time() - 30)
    return {"consent": "on", "website": "", "form_started": started, **fields}


def register_on_the_page(client, event, **fields):
    return client.post(f"/register/{event.pk}/", form(**fields))


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def the_mail(address: str, subject_starts: str):
    [message] = [m for m in mails_to(address) if m.subject.startswith(subject_starts)]
    return message


def text_and_html(message) -> str:
    return message.body + message.alternatives[0][0]


def path_in(pattern: re.Pattern, text: str) -> str:
    """The site-relative path of the link a person would click in an email or a page."""
    match = pattern.search(text)
    assert match, f"no {pattern.pattern} in the text"
    return match.group(1).replace("&amp;", "&")


def public_ics(client, event) -> bytes:
    response = client.get(f"{event.url}event.ics")
    assert response.status_code == 200
    return response.content


def private_ics(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return response.content


def test_a_confirmed_account_holder_finds_the_link_in_all_five_places(client, django_capture_on_commit_callbacks):
    event = online_event(capacity=5)
    person = UserFactory()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        register_on_the_page(client, event, full_name="Ada Lovelace")
    registration = Registration.objects.get(email=person.email)
    assert registration.status == RegistrationStatus.CONFIRMED

    # 1. The event page, signed in.
    page = client.get(event.url).content.decode()
    assert "You are <strong>confirmed</strong>" in page
    assert f'Join online: <a href="{LINK}"' in page

    # 2. My registrations.
    mine = client.get("/registrations/").content.decode()
    assert f'<a href="{LINK}" rel="noopener">Join online</a>' in mine

    # 3. The confirmation email, both bodies.
    confirmation = the_mail(person.email, "You're registered")
    assert f"Join online: {LINK}" in confirmation.body
    assert f'href="{LINK}"' in confirmation.alternatives[0][0]

    # ... and the reminder, both bodies.
    with time_machine.travel(event.starts_at - timedelta(hours=23)), django_capture_on_commit_callbacks(execute=True):
        tasks.send_due_reminders_and_follow_ups.call_local()
    reminder = the_mail(person.email, "Reminder: Remote Lab")
    assert f"Join online: {LINK}" in reminder.body
    assert f'href="{LINK}"' in reminder.alternatives[0][0]

    # 4. Their own calendar file, reached as they would reach it: from the email, or from My registrations.
    from_email = path_in(PRIVATE_CALENDAR, confirmation.body)
    assert SECRET in private_ics(client, from_email)
    assert SECRET in private_ics(client, path_in(PRIVATE_CALENDAR, mine))
    assert SECRET in private_ics(client.__class__(), from_email), "the signed link is the key, not the session"
    assert SECRET not in public_ics(client, event), "the event's public calendar never has it"

    # 5. The API's registration detail (and the list it comes from).
    api = jwt_client(person)
    assert api.get(f"/api/v1/registrations/{registration.code}").json()["online_url"] == LINK
    assert [row["online_url"] for row in api.get("/api/v1/registrations").json()["results"]] == [LINK]


def test_a_guest_sees_the_link_only_once_they_have_confirmed(client, django_capture_on_commit_callbacks):
    event = online_event(capacity=5)
    guest = "grace@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = register_on_the_page(client, event, full_name="Grace Hopper", email=guest)
    assert b"Check your email" in response.content
    assert SECRET not in response.content
    assert Registration.objects.get().status == RegistrationStatus.AWAITING_CONFIRMATION

    # Not yet confirmed: nowhere.
    request = the_mail(guest, "Confirm your seat")
    assert "meet.example.org" not in text_and_html(request)
    assert SECRET not in client.get(event.url).content, "the public event page"
    assert SECRET not in public_ics(client, event)
    confirm = path_in(CONFIRM_LINK, request.body)
    cancel = path_in(CANCEL_LINK, request.body)
    calendar = path_in(PRIVATE_CALENDAR, request.body)
    assert SECRET not in client.get(confirm).content, "the confirm page, before pressing the button"
    assert SECRET not in client.get(cancel).content
    assert SECRET not in private_ics(client, calendar), "their own calendar file, while unconfirmed"

    # Confirmed through the emailed link: in the confirmation email and their calendar file.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(confirm).status_code == 200
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    confirmation = the_mail(guest, "You're registered")
    assert f"Join online: {LINK}" in confirmation.body
    assert f'href="{LINK}"' in confirmation.alternatives[0][0]
    assert SECRET in private_ics(client, path_in(PRIVATE_CALENDAR, confirmation.body))
    assert SECRET in private_ics(client, calendar), "the link they already held now carries the meeting too"

    # Still not public.
    assert SECRET not in client.get(event.url).content
    assert SECRET not in public_ics(client, event)


def test_a_waitlisted_account_holder_does_not_get_the_link(client, django_capture_on_commit_callbacks):
    event = online_event(capacity=0)
    person = UserFactory()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        register_on_the_page(client, event, full_name="Wai Ting")
    registration = Registration.objects.get(email=person.email)
    assert registration.status == RegistrationStatus.WAITLISTED

    page = client.get(event.url).content.decode()
    assert "You are <strong>waitlisted</strong>" in page
    assert LINK not in page
    mine = client.get("/registrations/").content.decode()
    assert "Waitlisted (position 1)" in mine and LINK not in mine
    waitlisted = the_mail(person.email, "You're on the waitlist")
    assert "meet.example.org" not in text_and_html(waitlisted)
    assert SECRET not in private_ics(client, path_in(PRIVATE_CALENDAR, waitlisted.body))
    api = jwt_client(person)
    assert api.get(f"/api/v1/registrations/{registration.code}").json()["online_url"] == ""
    assert SECRET not in public_ics(client, event)

    with time_machine.travel(event.starts_at - timedelta(hours=23)), django_capture_on_commit_callbacks(execute=True):
        tasks.send_due_reminders_and_follow_ups.call_local()
    assert not [m for m in mails_to(person.email) if m.subject.startswith("Reminder")], "no reminder either"
