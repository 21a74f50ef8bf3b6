"""A visitor signs up and confirms their address with the emailed code, and another resets a forgotten password, in
real headless Chromium on a phone and a laptop: every page on the way fits the window and axe-core is content.

The live server runs in the test's process, so the code is read from Django's test outbox as a person reads it
from their inbox.
"""

import re

import pytest
from django.core import mail

from registry.tests.browser import LAPTOP, PHONE, assert_usable
from registry.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSPHRASE = "a-long-passphrase-1"


def code_from_inbox() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_visitor_signs_up_enters_the_emailed_code_and_is_signed_in(live_server, browser_page, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/signup/?next=/accounts/profile/")
    page.get_by_role("heading", name="Create an account").wait_for()
    assert_usable(page, where="sign-up page")

    page.get_by_label("Email").fill("ravi.new@example.com")
    page.get_by_label(re.compile(r"^Password")).fill(PASSPHRASE)
    page.get_by_label("Repeat the password").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign up").click()

    page.get_by_role("heading", name="Check your email").wait_for()
    assert page.get_by_text("We sent a 6-digit code to").is_visible()
    assert_usable(page, where="code page")

    code = code_from_inbox()
    page.get_by_label("Code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("You can try 2 more times.").wait_for()
    assert_usable(page, where="code page with a wrong code")

    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/accounts/profile/")
    page.get_by_role("heading", name="Your profile").wait_for()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_usable(page, where="profile after signing up")


def test_the_sign_in_and_password_reset_pages_work_on_a_phone(live_server, browser_page):
    UserFactory(email="ada@example.org")
    page = browser_page
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("heading", name="Sign in").wait_for()
    assert page.get_by_label("Keep me signed in on this device").is_visible()
    assert_usable(page, where="sign-in page")

    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    assert_usable(page, where="reset page")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_role("button", name="Send me a code").click()

    page.get_by_role("heading", name="Enter your reset code").wait_for()
    assert_usable(page, where="reset code page")
    page.get_by_label("Code").fill(code_from_inbox())
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert_usable(page, where="new password page")
    page.get_by_label(re.compile(r"^New password")).fill("a-brand-new-passphrase-7")
    page.get_by_label("Repeat the new password").fill("a-brand-new-passphrase-7")
    page.get_by_role("button", name="Save my new password").click()

    page.get_by_role("heading", name="Password changed").wait_for()
    assert_usable(page, where="password changed page")
