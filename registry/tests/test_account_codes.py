"""Sign-up verification and password reset by a 6-digit emailed code: a few minutes and three tries each, then the
person is told what to do next; the emails carry the site's name and the code in text and HTML; a reset for an
address without an account looks the same and mails nobody."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registry.models import User
from registry.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
VERIFY = "/accounts/confirm-email/"
RESET = "/accounts/password/reset/"
RESET_CODE = "/accounts/password/reset/confirm/"
RESET_COMPLETE = "/accounts/password/reset/complete/"
NEW_PASSWORD = "a-brand-new-passphrase-7"


def sign_up(client, email="new@example.org"):
    return client.post(SIGNUP, {"email": email, "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"})


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def page_text(response) -> str:
    """What the page says to a person, without the per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# --- the code ---------------------------------------------------------------------------------------------------


def test_codes_are_six_digits_with_no_dashes():
    adapter = get_adapter()

    codes = [adapter.generate_email_verification_code() for _ in range(20)]
    codes += [adapter.generate_password_reset_code() for _ in range(20)]

    assert all(re.fullmatch(r"\d{6}", code) for code in codes), codes


def test_sign_up_mails_a_six_digit_code_and_entering_it_signs_the_person_in(client):
    response = sign_up(client)

    assert response["Location"] == VERIFY
    assert signed_in_as(client) is None
    [message] = mail.outbox
    code = code_in(message)
    page = client.get(VERIFY)
    assert "We sent a 6-digit code to" in page_text(page) and "new@example.org" in page_text(page)

    response = client.post(VERIFY, {"code": code})

    person = User.objects.get(email="new@example.org")
    assert response.status_code == 302 and response["Location"] == settings.LOGIN_REDIRECT_URL
    assert signed_in_as(client) == str(person.pk)
    assert person.emailaddress_set.get().verified


def test_a_wrong_code_says_how_many_tries_are_left(client):
    sign_up(client)
    code = code_in(mail.outbox[0])

    response = client.post(VERIFY, {"code": wrong(code)})

    assert response.status_code == 200
    text = page_text(response)
    assert "That code isn&#x27;t right" in text and "You can try 2 more times." in text
    assert 'aria-describedby="id_code_helptext id_code_error"' in text, "the error is tied to the field"


def test_three_wrong_codes_spend_the_code_and_tell_the_person_to_sign_in_for_a_new_one(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
        code = code_in(mail.outbox[0])
        client.post(VERIFY, {"code": wrong(code)})
        client.post(VERIFY, {"code": wrong(code)})
        third = client.post(VERIFY, {"code": wrong(code)}, follow=True)

        assert third.redirect_chain[-1][0] == reverse("account_login")
        assert "typed wrong too many times, so it no longer works" in page_text(third)
        assert "Sign in with your email address and password and we will send you a new code" in page_text(third)

        # The right code is spent too.
        client.post(VERIFY, {"code": code})
        assert signed_in_as(client) is None

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = client.post("/accounts/login/", {"login": "new@example.org", "password": "a-long-passphrase-1"})
        assert response["Location"] == VERIFY
        assert len(mail.outbox) == 2
        client.post(VERIFY, {"code": code_in(mail.outbox[-1])})

    assert signed_in_as(client) == str(User.objects.get(email="new@example.org").pk)


def test_a_code_expires_after_its_minutes(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
        code = code_in(mail.outbox[0])

    with time_machine.travel(start + timedelta(minutes=settings.ACCOUNT_CODE_MINUTES, seconds=1), tick=False):
        response = client.post(VERIFY, {"code": code})

    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert signed_in_as(client) is None
    assert not User.objects.get(email="new@example.org").emailaddress_set.get().verified


def test_a_code_still_works_just_before_it_expires(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
        code = code_in(mail.outbox[0])

    with time_machine.travel(start + timedelta(minutes=settings.ACCOUNT_CODE_MINUTES - 1), tick=False):
        client.post(VERIFY, {"code": code})

    assert signed_in_as(client) is not None


def test_a_new_code_can_be_asked_for_and_replaces_the_first(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_up(client)
        first = code_in(mail.outbox[0])

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.post(VERIFY, {"action": "resend"})
        second = code_in(mail.outbox[-1])
        assert len(mail.outbox) == 2
        if first != second:
            client.post(VERIFY, {"code": first})
            assert signed_in_as(client) is None
        client.post(VERIFY, {"code": second})

    assert signed_in_as(client) is not None


def test_signing_up_with_a_taken_address_shows_the_same_code_page_and_mails_the_owner_instead(client):
    UserFactory(email="taken@example.org")
    newcomer = client.__class__()

    taken = sign_up(client, "taken@example.org")
    fresh = sign_up(newcomer, "fresh@example.org")

    assert taken["Location"] == fresh["Location"] == VERIFY
    taken_page = page_text(client.get(VERIFY)).replace("taken@example.org", "ADDRESS")
    fresh_page = page_text(newcomer.get(VERIFY)).replace("fresh@example.org", "ADDRESS")
    assert taken_page == fresh_page
    owner_mail, newcomer_mail = mail.outbox
    assert owner_mail.to == ["taken@example.org"] and "You already have an account" in owner_mail.body
    assert not re.search(r"\b\d{6}\b", owner_mail.body), "the owner's mail has no code to enter"
    assert newcomer_mail.to == ["fresh@example.org"]


def test_a_signed_in_person_confirms_an_added_address_with_a_code(client):
    person = UserFactory(email="ada@example.org")
    client.force_login(person, backend="registry.backends.AuthenticationBackend")

    response = client.post("/accounts/email/", {"action_add": "", "email": "ada@work.example.org"})
    assert response["Location"] == VERIFY
    [message] = mail.outbox
    assert message.to == ["ada@work.example.org"] and "Confirm your email address" in message.body
    assert "Back to your email addresses" in page_text(client.get(VERIFY))

    client.post(VERIFY, {"code": code_in(message)})

    assert person.emailaddress_set.get(email="ada@work.example.org").verified


# --- password reset by code -------------------------------------------------------------------------------------


def test_a_person_resets_their_password_by_code_and_signs_in_with_the_new_one(client):
    person = UserFactory(email="ada@example.org")

    response = client.post(RESET, {"email": "Ada@Example.org"})
    assert response["Location"] == RESET_CODE
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]

    response = client.post(RESET_CODE, {"code": code_in(message)})
    assert response["Location"] == RESET_COMPLETE
    response = client.post(RESET_COMPLETE, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)

    assert "Password changed" in page_text(response)
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD) and not person.check_password(PASSWORD)
    client.logout()
    assert client.post("/accounts/login/", {"login": "ada@example.org", "password": NEW_PASSWORD}).status_code == 302
    assert signed_in_as(client) == str(person.pk)


def test_three_wrong_reset_codes_spend_the_code_and_send_the_person_back_to_ask_again(client):
    person = UserFactory(email="ada@example.org")
    client.post(RESET, {"email": "ada@example.org"})
    code = code_in(mail.outbox[0])

    second = [client.post(RESET_CODE, {"code": wrong(code)}) for _ in range(2)][-1]
    third = client.post(RESET_CODE, {"code": wrong(code)}, follow=True)

    assert "You can try 1 more time." in page_text(second)
    assert third.redirect_chain[-1][0] == RESET
    assert "no longer works. Ask for a new code below." in page_text(third)
    assert client.post(RESET_CODE, {"code": code})["Location"] == reverse("account_login"), "the code is spent"
    assert client.get(RESET_COMPLETE)["Location"] == RESET
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_reset_code_expires_after_its_minutes(client):
    UserFactory(email="ada@example.org")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(RESET, {"email": "ada@example.org"})
        code = code_in(mail.outbox[0])

    with time_machine.travel(start + timedelta(minutes=settings.ACCOUNT_CODE_MINUTES, seconds=1), tick=False):
        response = client.post(RESET_CODE, {"code": code})

    assert response["Location"] == reverse("account_login")
    assert client.get(RESET_COMPLETE)["Location"] == RESET


def test_a_reset_for_an_unknown_address_shows_the_same_pages_and_mails_nobody(client):
    UserFactory(email="known@example.org")
    stranger = client.__class__()

    known = client.post(RESET, {"email": "known@example.org"})
    unknown = stranger.post(RESET, {"email": "nobody@example.org"})

    assert known["Location"] == unknown["Location"] == RESET_CODE
    known_page = page_text(client.get(RESET_CODE)).replace("known@example.org", "ADDRESS")
    unknown_page = page_text(stranger.get(RESET_CODE)).replace("nobody@example.org", "ADDRESS")
    assert known_page == unknown_page
    assert [message.to for message in mail.outbox] == [["known@example.org"]]
    # Guessing there runs down the same three tries.
    answers = [stranger.post(RESET_CODE, {"code": "123456"}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 302]
    assert answers[-1]["Location"] == RESET


# --- the emails -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("send", ["sign-up", "reset"])
def test_account_emails_come_in_text_and_html_in_the_sites_name_with_the_code(client, send):
    if send == "sign-up":
        sign_up(client)
    else:
        UserFactory(email="ada@example.org")
        client.post(RESET, {"email": "ada@example.org"})
    [message] = mail.outbox
    code = code_in(message)
    [(html, mimetype)] = message.alternatives

    assert mimetype == "text/html"
    for body in (message.body, html):
        assert "Convene" in body and code in body
        assert "Hello from" not in body and "testserver" not in body and "example.com" not in body
    assert f"{settings.ACCOUNT_CODE_MINUTES} minutes" in message.body
    assert code not in message.subject, "the subject is kept in the message log; the code is not"
