"""The three homes, and the organizer's control room, on the seeded demo (`seed_demo`: an event on now with 24
confirmed and 8 checked in, last week's event whose credit claims wait for the mentor), as the demo's organizer,
mentor and staff admin sign in with a printed backup code, at 1280 px and 390 px."""

import re

import pytest
from django.core.management import call_command
from wagtail.models import Collection

from registry.models import Registration
from registry.tests.browser import LAPTOP, PHONE, assert_usable, focus_is_visible
from registry.tests.factories import page_tree_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "convene-demo-2026"
MAIN_ACTION = {
    "organizer@convene.local": re.compile(r"^Check in at "),
    "mentor@convene.local": re.compile(r"claims? to approve or reject$"),
    "admin@convene.local": re.compile(r"in your inbox$|^Open the inbox$"),
}


def sign_in_as_demo(page, live_server, email: str, code: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Verify it's you").wait_for()
    page.get_by_role("textbox").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/staff/")


def test_the_demo_days_three_homes_fit_and_lead_with_their_main_action(live_server, browser_page, settings, tmp_path):
    settings.SITE_URL = live_server.url
    page_tree_root()  # Wagtail's root page and collection, should an earlier transactional test have flushed them
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    call_command("seed_demo")
    page = browser_page

    for email, action_name in MAIN_ACTION.items():
        page.context.clear_cookies()
        page.set_viewport_size(LAPTOP)
        sign_in_as_demo(page, live_server, email, "demo0001")
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            page.reload()
            action = page.get_by_role("link", name=action_name).first
            action.wait_for()
            box = action.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (email, viewport)
            assert_usable(page, where=f"{email}'s home at {viewport['width']}px")
            assert focus_is_visible(page)

    # The organizer runs the event on now from its control room: overview, participants, an attendance sheet.
    page.context.clear_cookies()
    page.set_viewport_size(LAPTOP)
    sign_in_as_demo(page, live_server, "organizer@convene.local", "demo0002")
    page.get_by_role("link", name=re.compile(r"^Control room")).first.click()
    page.get_by_role("heading", name="Registrations over time").wait_for()
    room = page.url
    codes = list(
        Registration.objects.filter(page_id=int(room.rstrip("/").rsplit("/", 1)[1]), status="confirmed")
        .order_by("pk")
        .values_list("code", flat=True)[:3]
    )
    sheet = tmp_path / "attendance.csv"
    sheet.write_text("Code\n" + "\n".join([*codes, "NOSUCHCODE9"]) + "\n")
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(room)
        assert_usable(page, where=f"the demo's control room at {viewport['width']}px")
        page.get_by_role("link", name="Participants", exact=True).click()
        page.get_by_label("Name, email or ticket code").wait_for()
        assert_usable(page, where=f"the demo's participants at {viewport['width']}px")
        page.goto(f"{room}attendance/")
        page.get_by_label("Attendance sheet (CSV or .xlsx)").set_input_files(sheet)
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("heading", name="Check the sheet before anyone is checked in").wait_for()
        assert_usable(page, where=f"the demo's attendance preview at {viewport['width']}px")
