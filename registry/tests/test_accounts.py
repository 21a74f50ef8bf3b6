"""Public accounts: email login, mandatory verification, lockout after repeated failures."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry import otp
from registry.models import User
from registry.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def test_a_person_signs_in_with_their_email_address(client):
    user = UserFactory(email="ada@example.org")

    response = login(client, "Ada@Example.org", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_user_model_has_no_username_and_normalises_email():
    user = User.objects.create_user("Grace@EXAMPLE.org", "x" * 12)

    assert user.email == "grace@example.org"
    assert not hasattr(user, "username")
    assert User.USERNAME_FIELD == "email"


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_sign_up_requires_email_verification_before_login(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = client.post(
            "/accounts/signup/",
            {"email": "new@example.org", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]

    # Until the code is entered, signing in (here from another browser) only sends a new code, which signs in there.
    other_browser = Client()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = login(other_browser, "new@example.org", "a-long-passphrase-1")
        assert response["Location"] == reverse("account_email_verification_sent")
        assert "_auth_user_id" not in other_browser.session
        assert len(mail.outbox) == 2

        other_browser.post(reverse("account_email_verification_sent"), {"code": code_in(mail.outbox[-1])})

    assert other_browser.session["_auth_user_id"] == str(User.objects.get(email="new@example.org").pk)


def test_sign_up_with_a_taken_email_does_not_reveal_the_account(client):
    UserFactory(email="taken@example.org")

    response = client.post(
        "/accounts/signup/",
        {"email": "taken@example.org", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )

    # Same response as a fresh sign-up; the owner is told by email instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.org").count() == 1


def test_password_reset_does_not_reveal_unknown_addresses(client):
    UserFactory(email="known@example.org")

    known = client.post("/accounts/password/reset/", {"email": "known@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mail.outbox] == [["known@example.org"]], "nobody else is mailed"


def test_sixth_bad_password_is_locked_out_and_lockout_lifts_after_cool_off(client):
    UserFactory(email="target@example.org")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        for _ in range(4):
            response = login(client, "target@example.org", "wrong-password")
            assert response.status_code == 200
            assert b"not correct" in response.content
        fifth_failure = login(client, "target@example.org", "wrong-password")
        locked = login(client, "target@example.org", PASSWORD)

    assert fifth_failure.status_code == 429

    assert locked.status_code == 429
    assert b"Sign-in temporarily locked" in locked.content
    assert "_auth_user_id" not in client.session

    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = login(client, "target@example.org", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_lockout_is_per_account_so_other_people_can_still_sign_in(client):
    UserFactory(email="target@example.org")
    other = UserFactory(email="other@example.org")
    for _ in range(6):
        login(client, "target@example.org", "wrong-password")

    response = login(client, "other@example.org", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


@pytest.mark.parametrize(
    "path, signed_in, heading",
    [
        ("/accounts/login/", False, "Sign in"),
        ("/accounts/signup/", False, "Create an account"),
        ("/accounts/password/reset/", False, "Reset your password"),
        ("/accounts/email/", True, "Email addresses"),
        ("/accounts/password/change/", True, "Change your password"),
        ("/accounts/logout/", True, "Sign out"),
    ],
)
def test_account_pages_are_in_the_sites_layout_with_plain_labels(client, path, signed_in, heading):
    if signed_in:
        client.force_login(UserFactory(), backend="registry.backends.AuthenticationBackend")

    page = client.get(path).content.decode()

    assert f"<h1>{heading}</h1>" in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page and "account-page" in page
    labels = re.findall(r"<label[^>]*>(.*?)</label>", page, flags=re.S)
    assert not [label for label in labels if re.sub(r"<[^>]+>|\*", "", label).strip().endswith(":")]
    assert "Remember Me" not in page and "is an email address for user" not in page


def test_a_wrong_second_factor_code_is_told_beside_the_field(client):
    staff = StaffFactory()
    otp.backup_codes_regenerate(staff, codes=["right-code"])
    login(client, staff.email, PASSWORD)

    response = client.post("/accounts/2fa/", {"token": "wrong-code", "next": "/staff/"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_token_helptext id_token_error"' in page
    assert 'id="id_token_helptext"' in page and 'id="id_token_error"' in page
    assert "That code is not valid" in page.split('id="id_token_error"', 1)[1]
