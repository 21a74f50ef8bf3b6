"""Registering on the event page: the form, its errors, rate limits and bot traps, never a 500."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.tests import factories
from registry.forms import form_started_token
from registry.models import Registration, RegistrationStatus
from registry.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def started(seconds_ago: float = 30) -> str:
    """The guest form's timer as the page gives it, opened `seconds_ago`; each works once."""
    return form_started_token(time.time() - seconds_ago)


def guest_form(**overrides) -> dict:
    data = {
        "full_name": "Grace Hopper",
        "email": "grace@example.org",
        "phone": "",
        "consent": "on",
        "website": "",
        "form_started": overrides.pop("form_started", None) or started(),
    }
    data.update(overrides)
    if data["form_started"] == "just now":
        data["form_started"] = started(seconds_ago=0)
    return data


def with_dietary_question(event):
    event.registration_questions.create(label="Dietary needs", field_type="singleline", required=False)
    event.save_revision().publish()
    return event


def register_url(event) -> str:
    """Where the event page's form posts."""
    return f"/register/{event.pk}/"


def register(client, event, **overrides):
    return client.post(register_url(event), guest_form(**overrides))


def test_the_event_page_offers_the_form_with_the_editors_questions(client):
    event = with_dietary_question(factories.event("Robotics 101", capacity=10))

    html = client.get(event.url).content.decode()

    assert f'action="{register_url(event)}"' in html
    assert 'for="id_full_name"' in html and 'for="id_dietary_needs"' in html
    assert "Leave this field empty" in html  # the honeypot's label, hidden from people by CSS


def test_a_guest_registers_and_sees_the_same_check_your_email_page_as_anyone(
    client, django_capture_on_commit_callbacks
):
    event = with_dietary_question(factories.event("Robotics 101", capacity=10))

    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, event, dietary_needs="Vegetarian")

    assert response.status_code == 200
    assert b"Check your email" in response.content
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION
    assert registration.answers == {"dietary_needs": "Vegetarian"}
    assert mail.outbox[-1].subject == "Confirm your seat: Robotics 101"

    with django_capture_on_commit_callbacks(execute=True):
        again = register(client, event, email="GRACE@example.org", form_started=started(40))
    assert again.content == response.content.replace(b"grace@example.org", b"GRACE@example.org")
    assert Registration.objects.count() == 1


def test_a_signed_in_person_registers_in_one_click_and_sees_their_status(client):
    event = factories.event("Robotics 101", capacity=10)
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    page = client.get(event.url).content.decode()
    assert f"Registering as <strong>{person.email}</strong>" in page
    response = client.post(
        register_url(event), {"full_name": "Ada Lovelace", "consent": "on", "form_started": started()}, follow=True
    )

    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    assert b"You&#x27;re registered" in response.content
    assert b"You are <strong>confirmed</strong>" in response.content


def test_a_full_event_offers_the_waitlist(client):
    event = factories.event("Tiny room", capacity=0)

    page = client.get(event.url)
    response = register(client, event)

    assert b"Join the waitlist" in page.content
    assert Registration.objects.get().status == RegistrationStatus.WAITLISTED
    assert response.status_code == 200


def test_a_full_event_without_waitlist_says_so_and_offers_no_form(client):
    event = factories.event("Tiny room", capacity=0, waitlist_enabled=False)

    html = client.get(event.url).content.decode()

    assert "This event is full." in html
    assert "registration-form" not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"consent": ""}, "This field is required."),
        ({"website": "http://spam.example"}, "We could not accept this form."),
        ({"form_started": "forged"}, "This form has expired"),
        ({"form_started": "just now"}, "quicker than a person can type"),
        ({"dietary_needs": "x" * 300}, "Ensure this value has at most 255 characters"),
    ],
)
def test_bad_input_re_renders_the_page_with_a_message_and_registers_nobody(client, overrides, message):
    event = with_dietary_question(factories.event("Robotics 101", capacity=10))

    response = register(client, event, **overrides)

    assert response.status_code == 400
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert b"Robotics 101" in response.content
    assert Registration.objects.count() == 0


def test_registration_outside_the_window_is_refused_on_the_page(client):
    event = factories.event("Old news", capacity=10, starts_in=-timedelta(hours=1))

    assert b"Registration for this event has closed." in client.get(event.url).content
    response = register(client, event)
    assert response.status_code == 400
    assert b"Registration for this event has closed." in response.content


@override_settings(REGISTRATION_RATE_LIMITS={"ip": ["3/m", "100/h", "100/d"], "email": ["2/m", "10/h", "20/d"]})
def test_too_many_registrations_from_one_address_get_a_429_page(client, still_clock):
    event = factories.event("Popular", capacity=100)

    statuses = [register(client, event, email=f"p{n}@example.org").status_code for n in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert Registration.objects.count() == 3


@override_settings(REGISTRATION_RATE_LIMITS={"ip": ["100/m", "100/h", "100/d"], "email": ["2/m", "10/h", "20/d"]})
def test_one_email_address_cannot_be_hammered_from_many_addresses(client, still_clock):
    event = factories.event("Popular", capacity=100)

    statuses = [client.post(register_url(event), guest_form(), REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(3)]

    assert statuses[-1] == 429


def test_get_on_the_register_route_goes_back_to_the_form(client):
    event = factories.event("Robotics 101")

    response = client.get(f"{event.url}register/")

    assert response.status_code == 302
    assert response["Location"].endswith("#register")


def test_the_pages_own_register_route_registers_too(client):
    event = factories.event("Robotics 101", capacity=10)

    client.post(f"{event.url}register/", guest_form())

    assert Registration.objects.get(page=event).status == RegistrationStatus.AWAITING_CONFIRMATION


def test_a_private_event_asks_a_visitor_to_sign_in_before_registering(client):
    event = factories.event("Members only", capacity=10)
    PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.LOGIN)

    response = register(client, event)

    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_an_unpublished_event_takes_no_registrations(client):
    event = factories.event("Withdrawn", capacity=10)
    event.unpublish()

    assert register(client, event).status_code == 404
    assert not Registration.objects.exists()


# --- One click means one click; a guest's timer works once ---------------------------------------------------


def test_a_signed_in_person_is_not_held_up_by_the_bot_timer(client):
    event = factories.event("Robotics 101", capacity=10)
    person = UserFactory()
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    page = client.get(event.url).content.decode()
    response = client.post(register_url(event), {"full_name": "", "consent": "on"})

    assert 'name="form_started"' not in page
    assert response.status_code == 302
    assert Registration.objects.get(user=person).status == RegistrationStatus.CONFIRMED


def test_a_guests_timer_cannot_be_replayed(client, django_capture_on_commit_callbacks):
    event = factories.event("Robotics 101", capacity=10)
    token = started()

    with django_capture_on_commit_callbacks(execute=True):
        first = register(client, event, email="first@example.org", form_started=token)
        replay = register(client, event, email="second@example.org", form_started=token)

    assert first.status_code == 200 and b"Check your email" in first.content
    assert replay.status_code == 400
    assert b"We have already received this form" in replay.content
    assert list(Registration.objects.values_list("email", flat=True)) == ["first@example.org"]


def test_a_guest_sent_back_to_fix_the_form_gets_a_fresh_timer_that_keeps_their_time(client):
    event = factories.event("Robotics 101", capacity=10)
    token = started(seconds_ago=30)

    refused = register(client, event, full_name="", form_started=token)
    renewed = re.search(r'name="form_started" value="([^"]+)"', refused.content.decode())[1]
    again = register(client, event, form_started=renewed)

    assert refused.status_code == 400 and renewed != token
    assert again.status_code == 200 and Registration.objects.count() == 1


def test_consent_on_the_page_is_recorded_with_its_time(client):
    event = factories.event("Robotics 101", capacity=10)

    register(client, event)

    registration = Registration.objects.get()
    assert registration.consent_given_at is not None
    assert abs((timezone.now() - registration.consent_given_at).total_seconds()) < 60


def test_the_page_cache_gives_every_guest_a_timer_of_their_own():
    from django.test import Client

    from cms.cache import HIT_HEADER

    event = factories.event("Robotics 101", capacity=10)
    own_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "timer-test"}}
    with override_settings(PAGE_CACHE_SECONDS=60, CACHES=own_cache):
        first, second = Client().get(event.url), Client().get(event.url)

    timers = [re.search(r'name="form_started" value="([^"]+)"', r.content.decode())[1] for r in (first, second)]
    assert second[HIT_HEADER] == "hit"
    assert timers[0] != timers[1]
