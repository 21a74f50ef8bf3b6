"""A registration's own page in real headless Chromium, on a phone and a laptop: a guest registers, opens the page
from the email, takes the calendar file and cancels; someone waiting accepts an offered seat; an old link shows the
way forward. Every page on the way fits the window and passes axe-core."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client

from cms.tests import factories
from registry.models import Registration, RegistrationStatus
from registry.services import registrations as service
from registry.tests.browser import LAPTOP, PHONE, assert_usable
from registry.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_LINK = re.compile(r"http://\S+(/registrations/r/\S+/)")


def registration_page_link(live_server, message) -> str:
    return f"{live_server.url}{PAGE_LINK.search(message.body)[1]}"


def signed_in(page, live_server, user) -> None:
    """The browser carries a session of `user`'s (the sign-in page itself is not what these tests are about)."""
    client = Client()
    client.force_login(user, backend="registry.backends.AuthenticationBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_guest_registers_opens_their_page_from_the_email_adds_it_to_the_calendar_and_cancels(
    live_server, browser_page, viewport
):
    event = factories.event("Drone workshop", capacity=5)
    page = browser_page
    page.set_viewport_size(viewport)

    page.goto(f"{live_server.url}{event.url}")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("I agree").check()
    page.wait_for_timeout(settings.REGISTRATION_MIN_FILL_SECONDS * 1000 + 300)
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_usable(page, where="check your email")

    page.goto(registration_page_link(live_server, mail.outbox[-1]))
    page.get_by_role("heading", name="Your registration: Drone workshop").wait_for()
    assert_usable(page, where="registration page, seat held")
    page.get_by_role("button", name="Confirm my seat").click()
    page.get_by_text("Your seat is confirmed.").wait_for()
    page.get_by_role("img", name=re.compile("Check-in QR code")).wait_for()
    assert_usable(page, where="registration page, confirmed")

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VCALENDAR" in Path(download.value.path()).read_text()

    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("heading", name="Cancel your registration?").wait_for()
    assert_usable(page, where="cancel question")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.get_by_role("heading", name="Registration cancelled").wait_for()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_someone_waiting_accepts_an_offered_seat_before_its_deadline_on_a_phone(live_server, browser_page):
    event = factories.event("Sold out talk", capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    seated = service.registration_create(page=event, email=holder.email, full_name="Holder", user=holder)
    service.registration_create(page=event, email=waiting.email, full_name="Waiting", user=waiting)
    service.registration_cancel(registration=seated, actor=holder)
    page = browser_page
    page.set_viewport_size(PHONE)
    signed_in(page, live_server, waiting)

    page.goto(f"{live_server.url}/registrations/")
    page.get_by_text("Accept it by").wait_for()
    assert_usable(page, where="My registrations with an offer")
    page.get_by_role("button", name="Accept the seat").click()
    page.get_by_text("The seat is yours").wait_for()
    page.get_by_text("Show ticket").click()
    assert_usable(page, where="My registrations with a ticket")
    assert Registration.objects.get(user=waiting).status == RegistrationStatus.CONFIRMED


def test_a_guest_accepts_an_offer_from_the_email_and_an_old_link_shows_the_way_forward(live_server, browser_page):
    event = factories.event("Sold out talk", capacity=1)
    holder = UserFactory()
    seated = service.registration_create(page=event, email=holder.email, full_name="Holder", user=holder)
    service.registration_create(page=event, email="guest@example.org", full_name="Grace Hopper")
    service.registration_cancel(registration=seated, actor=holder)
    offer = next(m for m in mail.outbox if m.subject.startswith("A seat opened up for you"))
    link = registration_page_link(live_server, offer)
    page = browser_page
    page.set_viewport_size(PHONE)

    page.goto(link)
    page.get_by_role("heading", name="A seat is waiting for you").wait_for()
    assert_usable(page, where="registration page with an offer")
    page.get_by_role("button", name="Accept the seat").click()
    page.get_by_text("The seat is yours").wait_for()
    assert Registration.objects.get(email="guest@example.org").status == RegistrationStatus.CONFIRMED

    with time_machine.travel(event.ends_at + timedelta(days=settings.REGISTRATION_LINK_DAYS_AFTER_EVENT + 1)):
        page.goto(link)
        page.get_by_role("heading", name="We couldn't use that link").wait_for()
        page.get_by_text("This link has expired").wait_for()
        assert_usable(page, where="expired link")
        page.get_by_label("Your email address").fill("guest@example.org")
        page.get_by_role("button", name="Email me my links").click()
        page.get_by_role("heading", name="Check your email").wait_for()
