"""The registration journey in real headless Chromium: guest, account holder, full event."""

import re

import pytest
from django.conf import settings
from django.core import mail

from cms.tests import factories
from registry.models import Registration, RegistrationStatus
from registry.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_and_wait(page):
    """A guest's form refuses submissions faster than a person types (3 s); signed-in people never wait."""
    page.wait_for_timeout(settings.REGISTRATION_MIN_FILL_SECONDS * 1000 + 300)


def link_in_last_mail(kind: str, live_server) -> str:
    path = re.search(rf"http://\S+(/registrations/{kind}/\S+/)", mail.outbox[-1].body).group(1)
    return f"{live_server.url}{path}"


def test_a_guest_registers_confirms_from_the_email_and_cancels(live_server, browser_page):
    event = factories.event("Drone workshop", capacity=5)
    page = browser_page

    page.goto(f"{live_server.url}{event.url}")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("I agree").check()
    fill_and_wait(page)
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    assert mail.outbox[-1].subject == "Confirm your seat: Drone workshop"
    page.goto(link_in_last_mail("confirm", live_server))
    page.get_by_role("button", name="Confirm my seat").click()
    page.get_by_role("heading", name="You're registered").wait_for()
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED

    page.goto(link_in_last_mail("cancel", live_server))
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.get_by_role("heading", name="Registration cancelled").wait_for()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_a_signed_in_person_registers_in_one_click(live_server, browser_page):
    event = factories.event("Drone workshop", capacity=5)
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/?next={event.url}")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{event.url}")
    assert page.get_by_label("Full name").input_value() == "Ada Lovelace"
    page.get_by_label("I agree").check()  # at once: signed-in people are not held up by the bot timer
    page.get_by_role("button", name="Register").click()

    page.get_by_text("You're registered. We've emailed your confirmation.").wait_for()
    assert Registration.objects.get(user=person).status == RegistrationStatus.CONFIRMED


def test_a_full_event_offers_the_waitlist(live_server, browser_page):
    event = factories.event("Sold out talk", capacity=0)
    person = UserFactory()
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/?next={event.url}")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{event.url}")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Join the waitlist").click()

    page.get_by_text("you're on the waitlist at position 1").wait_for()
    assert Registration.objects.get().status == RegistrationStatus.WAITLISTED
