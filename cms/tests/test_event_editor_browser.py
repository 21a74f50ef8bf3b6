"""In Chromium: a session added in the event editor starts and ends with the event, and speakers are chosen
from Wagtail's chooser (search included), organizers' events able to pick any published speaker."""

from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import expect
from wagtail.models import Collection

from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_editor(browser_page, live_server):
    """The browser, signed in to Wagtail as a superuser who gave the second factor (the session is the test
    client's, handed to the browser as its cookie)."""
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    client = factories.verified_admin_client(Client())
    browser_page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return browser_page


def open_editor(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")


def test_a_new_session_starts_and_ends_with_the_event(live_server, signed_in_editor):
    page = signed_in_editor
    event = factories.event("Dated Workshop", starts_in=timedelta(days=5))
    open_editor(page, live_server, f"/admin/pages/{event.pk}/edit/")

    page.get_by_role("tab", name="Schedule").click()
    page.get_by_role("button", name="Add Session").click()

    starts, ends = page.locator("#id_starts_at").input_value(), page.locator("#id_ends_at").input_value()
    assert starts and ends
    assert page.locator("#id_sessions-0-starts_at").input_value() == starts
    assert page.locator("#id_sessions-0-ends_at").input_value() == ends


def test_a_session_keeps_the_time_the_editor_gave_it(live_server, signed_in_editor):
    page = signed_in_editor
    event = factories.event("Kept Times", starts_in=timedelta(days=5), sessions=1)
    open_editor(page, live_server, f"/admin/pages/{event.pk}/edit/")
    given = page.locator("#id_sessions-0-starts_at").input_value()

    page.get_by_role("tab", name="Schedule").click()
    page.get_by_role("button", name="Add Session").click()

    assert page.locator("#id_sessions-0-starts_at").input_value() == given, "an existing session is untouched"
    assert page.locator("#id_sessions-1-starts_at").input_value() == page.locator("#id_starts_at").input_value()


def test_the_editor_chooses_speakers_by_searching_wagtails_chooser(live_server, signed_in_editor):
    page = signed_in_editor
    factories.speaker("Grace Hopper")
    factories.speaker("Alan Turing")
    event = factories.event("Chooser Day", starts_in=timedelta(days=5))
    open_editor(page, live_server, f"/admin/pages/{event.pk}/edit/")

    page.get_by_role("tab", name="Speakers and partners").click()
    page.locator("#id_event_speakers-OPEN_MODAL").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Search term").fill("Grace")
    expect(dialog.get_by_text("Alan Turing")).to_have_count(0)
    expect(dialog.get_by_text("Grace Hopper")).to_have_count(1)
    dialog.get_by_role("checkbox").first.check()
    dialog.get_by_role("button", name="Confirm selection").click()

    page.locator("#id_event_speakers-0-speaker").wait_for(state="attached")
    assert page.locator("#id_event_speakers-0-speaker").input_value() != ""


def test_a_new_session_chooses_its_speakers_and_the_draft_keeps_them(live_server, signed_in_editor):
    page = signed_in_editor
    grace = factories.speaker("Grace Hopper")
    event = factories.event("Session Speakers", starts_in=timedelta(days=5))
    open_editor(page, live_server, f"/admin/pages/{event.pk}/edit/")

    page.get_by_role("tab", name="Schedule").click()
    page.get_by_role("button", name="Add Session").click()
    page.locator("#id_sessions-0-title").fill("Keynote")
    page.locator("#id_sessions-0-session_speakers-OPEN_MODAL").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("checkbox").first.check()
    dialog.get_by_role("button", name="Confirm selection").click()
    page.locator("#id_sessions-0-session_speakers-0-speaker").wait_for(state="attached")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")

    draft = type(event).objects.get(pk=event.pk).get_latest_revision_as_object()
    session = draft.sessions.get()
    assert session.title == "Keynote" and session.starts_at == draft.starts_at
    assert [row.speaker_id for row in session.session_speakers.all()] == [grace.pk]
