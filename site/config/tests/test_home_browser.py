"""The three homes in headless Chromium, on a realistic day built with factories (`home_world`), at a laptop's and
a phone's width: each fits the window, its main action is in view without scrolling sideways, keyboard focus
shows, and axe-core finds nothing serious or critical. Staff sign in as they do: password, then a backup code."""

import pytest

from registry import otp
from registry.tests.browser import LAPTOP, PHONE, assert_usable, focus_is_visible
from registry.tests.factories import PASSWORD

from .home_world import build_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day():
    return build_day()


def sign_in(page, live_server, user) -> None:
    otp.backup_codes_regenerate(user, codes=["home-code-1"])
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Verify it's you").wait_for()
    page.get_by_role("textbox").fill("home-code-1")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/staff/")


def in_view_without_sideways_scrolling(page, locator) -> bool:
    """The element lies within the window's width (it may be further down: scrolling down is fine)."""
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


HOMES = {
    # person: the main action their home offers
    "organizer": ("link", "Check in at Hack Night"),
    "mentor": ("link", "3 claims to approve or reject"),
    "staff_admin": ("link", "in your inbox"),
}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("person", list(HOMES))
def test_each_home_fits_the_window_and_its_main_action_is_in_reach(live_server, browser_page, day, person, viewport):
    page = browser_page
    page.set_viewport_size(viewport)
    sign_in(page, live_server, getattr(day, person))

    role, name = HOMES[person]
    action = page.get_by_role(role, name=name).first
    action.wait_for()
    assert in_view_without_sideways_scrolling(page, action), f"{person}'s main action is off to the side"
    assert_usable(page, where=f"{person}'s home at {viewport['width']}px")
    assert focus_is_visible(page)


def test_an_organizer_reaches_check_in_from_the_home_by_keyboard(live_server, browser_page, day):
    page = browser_page
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, day.organizer)

    page.get_by_role("link", name="Check in at Hack Night").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/staff/registry/eventrecord/{day.on_now.pk}/checkin/")
    assert page.get_by_role("heading", name="Hack Night", exact=True).is_visible()
