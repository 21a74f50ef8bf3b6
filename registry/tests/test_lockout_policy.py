"""The lockout policy, on every login path.

An (account, address) pair is locked for 15 minutes after five failures. Across addresses the account is never
locked: once failures come from many addresses, sign-ins from places the account never signed in from are
slowed down, and its owner is emailed once. Both password-reset pages share one throttle.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from registry.tests.api import assert_problem
from registry.tests.factories import PASSWORD, UserFactory

# The policy's counters live in the cache: one of the test's own, whose expiry follows the travelling clock.
# Real commits: an owner's alert is queued in the message log and sent once its transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_cache")]

THRESHOLD = settings.LOGIN_SPREAD_ADDRESSES
HOME = "192.0.2.10"
NEW_PLACE = "192.0.2.20"
ANOTHER_NEW_PLACE = "192.0.2.30"


@pytest.fixture
def start():
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        yield now


def login(email: str, password: str, address: str):
    return Client().post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address)


def token(email: str, password: str, address: str):
    client = APIClient()
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, format="json", REMOTE_ADDR=address)


def attack(email: str, *, addresses: range, attempt=login) -> None:
    """One wrong password from each of many addresses, as a botnet guesses."""
    for n in addresses:
        attempt(email, "wrong-password", f"198.51.100.{n}")


def test_five_failures_lock_the_account_from_that_address_for_fifteen_minutes(start):
    owner = UserFactory(email="target@example.org")
    for _ in range(5):
        login(owner.email, "wrong-password", "203.0.113.9")

    locked = login(owner.email, PASSWORD, "203.0.113.9")
    from_home = login(owner.email, PASSWORD, HOME)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        later = login(owner.email, PASSWORD, "203.0.113.9")

    assert locked.status_code == 429 and b"Sign-in temporarily locked" in locked.content
    assert from_home.status_code == 302, "the same account from another address still signs in"
    assert later.status_code == 302


def test_failures_from_many_addresses_never_lock_the_owner_out(start):
    owner = UserFactory(email="target@example.org")
    login(owner.email, PASSWORD, HOME)

    # Far past the ten failures anywhere that used to lock the account from every address.
    for _ in range(4):
        attack(owner.email, addresses=range(THRESHOLD * 2))

    assert login(owner.email, PASSWORD, HOME).status_code == 302


def test_the_owner_is_emailed_once_when_failures_come_from_many_addresses(start):
    owner = UserFactory(email="target@example.org")

    attack(owner.email, addresses=range(THRESHOLD - 1))
    assert mail.outbox == []
    attack(owner.email, addresses=range(THRESHOLD - 1, THRESHOLD * 3))
    attack(owner.email, addresses=range(THRESHOLD * 3))

    assert len(mail.outbox) == 1
    alert = mail.outbox[0]
    assert alert.to == [owner.email]
    assert alert.subject == "Failed sign-ins to your Convene account"
    assert f"from {THRESHOLD} different network addresses" in alert.body
    assert "Your account is not locked" in alert.body
    assert "/accounts/password/reset/" in alert.body


def test_under_attack_sign_ins_from_new_places_are_slowed_and_the_familiar_place_is_not(start):
    owner = UserFactory(email="target@example.org")
    login(owner.email, PASSWORD, HOME)
    attack(owner.email, addresses=range(THRESHOLD))

    first = login(owner.email, PASSWORD, NEW_PLACE)
    slowed = login(owner.email, PASSWORD, ANOTHER_NEW_PLACE)
    from_home = login(owner.email, PASSWORD, HOME)
    with time_machine.travel(start + timedelta(seconds=settings.LOGIN_SLOWDOWN_SECONDS + 1), tick=False):
        a_moment_later = login(owner.email, PASSWORD, ANOTHER_NEW_PLACE)

    assert first.status_code == 302
    assert slowed.status_code == 200 and b"Too many failed login attempts" in slowed.content
    assert from_home.status_code == 302
    assert a_moment_later.status_code == 302


def test_an_attack_on_an_address_without_an_account_looks_the_same_and_emails_nobody(start):
    UserFactory(email="target@example.org")
    answers = {}
    for email in ("target@example.org", "nobody@example.org"):
        attack(email, addresses=range(THRESHOLD))
        first = login(email, "wrong-password", NEW_PLACE)
        slowed = login(email, "wrong-password", ANOTHER_NEW_PLACE)
        answers[email] = [(r.status_code, b"Too many failed login attempts" in r.content) for r in (first, slowed)]

    assert answers["target@example.org"] == answers["nobody@example.org"] == [(200, False), (200, True)]
    assert [message.to for message in mail.outbox] == [["target@example.org"]]


def test_the_api_follows_the_same_policy_and_answers_a_slowed_attempt_with_a_429(start):
    owner = UserFactory(email="target@example.org")
    attack(owner.email, addresses=range(THRESHOLD), attempt=token)

    first = token(owner.email, PASSWORD, NEW_PLACE)
    slowed = token(owner.email, PASSWORD, ANOTHER_NEW_PLACE)
    now_familiar = token(owner.email, PASSWORD, NEW_PLACE)

    assert first.status_code == 200
    assert assert_problem(slowed, 429)["type"].endswith("slowed-down")
    assert slowed["Retry-After"] == str(settings.LOGIN_SLOWDOWN_SECONDS)
    assert now_familiar.status_code == 200
    assert login(owner.email, PASSWORD, NEW_PLACE).status_code == 302, "one policy for the API and the web"
    assert len(mail.outbox) == 1


def test_wagtail_s_password_reset_is_throttled_like_allauth_s(client, start):
    editor = UserFactory(email="editor@example.org")

    answers = [client.post("/admin/password_reset/", {"email": editor.email}) for _ in range(12)]
    allauth_reset = client.post("/accounts/password/reset/", {"email": editor.email})

    assert [a.status_code for a in answers] == [302] * 5 + [429] * 7
    assert b"Please slow down" in answers[-1].content
    assert len(mail.outbox) == 5
    assert allauth_reset.status_code == 429, "both reset pages share one budget per address and email"
