"""Finding an event and what comes after, on a phone (390 px) and a laptop (1280 px) in real headless Chromium:
the listing's filters fold behind a "Filters" button, an event page jumps to its registration form, and a signed-in
person's certificates and credits fit the screen. Every page passes the shared usability check."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from cms.tests import factories
from registry.models import Certificate, CreditCategory, CreditEntry
from registry.services.registrations import registration_create
from registry.tests.browser import LAPTOP, PHONE, assert_usable
from registry.tests.factories import RegistrationFactory, UserFactory, VenueFactory

# Serialized rollback restores the migrated data (root page, groups, workflow) after other transactional tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    """The session a sign-in would give, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user, backend="registry.backends.AuthenticationBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def looks(locator) -> tuple[str, str]:
    """A link's text colour and border colour, as drawn."""
    return locator.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el).borderTopColor]")


@pytest.fixture
def programme():
    hall = VenueFactory(name="Seminar Hall 1", building="CS Block", location="First floor, east wing")
    speaker = factories.speaker("Fatima Khan")
    for day in range(1, 5):
        factories.event(f"Robotics clinic {day}", starts_in=timedelta(days=day + 5), venue=hall, capacity=20)
    return factories.event(
        "Machine Learning Bootcamp",
        starts_in=timedelta(days=2),
        venue=hall,
        capacity=40,
        speakers=[speaker],
        sessions=3,
        session_speakers=[speaker],
        summary="Hands-on sessions from linear models to neural networks.",
    )


@pytest.fixture
def holder():
    """Someone with a certificate (a long event title, a long code) and credits pending and approved."""
    person = UserFactory(first_name="Meera", last_name="Iyer")
    category = CreditCategory.objects.create(name="Technical skills", code="technical", min_points=20)
    for number in range(2):
        registration = RegistrationFactory(email=person.email, user=person)
        now = timezone.now()
        Certificate.objects.create(
            registration=registration,
            code=f"CNV-2026-{number:04d}-XK7Q",
            holder_name="Meera Iyer",
            event_title="Introduction to Machine Learning and Neural Networks for Engineers",
            event_starts_at=now - timedelta(days=10),
            event_ends_at=now - timedelta(days=9),
            issuer="Convene Institute of Technology",
        )
        CreditEntry.objects.create(
            user=person,
            category=category,
            points=3,
            registration=registration,
            description="Introduction to Machine Learning and Neural Networks for Engineers",
            status=CreditEntry.Status.APPROVED if number else CreditEntry.Status.PENDING,
        )
    return person


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_finding_an_event_and_reaching_its_registration_fits_phone_and_laptop(
    live_server, browser_page, programme, holder, viewport
):
    page = browser_page
    page.set_viewport_size(viewport)

    page.goto(f"{live_server.url}/events/?language=English&location=cs+block")
    filters = page.locator("details.filter-panel")
    summary = filters.locator("summary")
    assert summary.inner_text().split() == ["Filters", "2", "active"]
    if viewport is PHONE:
        assert not filters.evaluate("el => el.open"), "folded on a phone"
        first_card = page.locator(".event-card").first.bounding_box()
        assert first_card["y"] < viewport["height"], "the first event shows on the first screen"
        summary.focus()
        page.keyboard.press("Enter")
    assert filters.evaluate("el => el.open"), "open on a laptop, and opened from the keyboard on a phone"
    assert page.get_by_label("Language").input_value() == "en"
    assert page.get_by_label("Where").input_value() == "cs block"
    assert_usable(page, where=f"/events/ with the filters open at {viewport['width']}px")

    page.get_by_label("Search").fill("machin")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("heading", name="1 event matches your filters").wait_for()
    page.get_by_role("link", name="Machine Learning Bootcamp").click()
    page.get_by_role("heading", level=1, name="Machine Learning Bootcamp").wait_for()
    assert_usable(page, where=f"an event page at {viewport['width']}px")

    jump = page.locator(".jump").get_by_role("link", name="Register")
    assert jump.bounding_box()["y"] < viewport["height"], "the jump to register shows on the first screen"
    jump.click()
    page.wait_for_url("**#register")
    expect(page.get_by_role("heading", name="Registration", exact=True)).to_be_in_viewport()
    expect(page.get_by_label("Full name")).to_be_in_viewport()

    sign_in(page, live_server, holder)
    for path, heading in [("/certificates/", "My certificates"), ("/credits/", "My activity points and credits")]:
        page.goto(f"{live_server.url}{path}")
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert_usable(page, where=f"{path} at {viewport['width']}px")

    registration_create(page=programme, email=holder.email, full_name="Meera Iyer", user=holder)
    page.goto(f"{live_server.url}{programme.url}")
    page.locator(".jump").get_by_role("link", name="Your registration").click()
    cancel = page.get_by_role("link", name="Cancel my registration")
    expect(cancel).to_be_in_viewport()
    calendar = page.get_by_role("link", name="Add to calendar (.ics)")
    assert looks(cancel) != looks(calendar), "cancelling must not look like adding to the calendar"
    assert_usable(page, where=f"a registered person's event page at {viewport['width']}px")

    page.goto(f"{live_server.url}/certificates/")
    page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate").click()
    page.get_by_role("heading", level=1, name="Verify a certificate").wait_for()
    assert_usable(page, where=f"/certificates/verify/ at {viewport['width']}px")
