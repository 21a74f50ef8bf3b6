"""In Chromium, the whole way an organizer's event goes: an organizer of a reviewed club drafts a workshop in their
section with two sessions, a speaker found by search and a question, and submits it; a moderator approves it; a
visitor registers on the public page and answers the question."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Collection

from cms import sections
from cms.models import EventPage
from registry.models import Membership, Registration, RegistrationStatus, Role
from registry.tests.browser import LAPTOP
from registry.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory, signed_in

from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FORMAT = "%Y-%m-%d %H:%M"


def sign_in_browser(context, live_server, person) -> None:
    """The person's session after the second factor (from the test client) becomes the browser's cookie."""
    client = signed_in(Client(), person)
    context.clear_cookies()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_an_organizer_drafts_and_submits_a_workshop_a_moderator_approves_it_and_a_visitor_registers(
    live_server, browser_page
):
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    moderators = factories.moderation()
    factories.event_index()
    club = OrganizationFactory(name="Coding Club", slug="coding-club")
    organizer = UserFactory(email="organizer@example.org", in_roles=[Role.ORGANIZER])
    MembershipFactory(user=organizer, organization=club, role=Membership.Role.ORGANIZER)
    moderator = UserFactory(email="moderator@example.org")
    moderator.groups.add(moderators)
    factories.speaker("Grace Hopper")
    factories.speaker("Alan Turing")
    section = sections.section_of(club)
    starts = timezone.localtime(timezone.now() + timedelta(days=9)).replace(hour=10, minute=0, second=0, microsecond=0)
    page = browser_page
    page.set_viewport_size(LAPTOP)

    sign_in_browser(page.context, live_server, organizer)
    page.goto(f"{live_server.url}/admin/pages/add/cms/eventpage/{section.pk}/")
    page.wait_for_load_state("networkidle")
    page.locator("#id_title").fill("Git for Beginners")
    page.locator("#id_summary").fill("Branches, merges and pull requests in one morning.")
    page.locator("#id_kind").select_option("workshop")
    page.get_by_role("tab", name="Schedule").click()
    page.locator("#id_starts_at").fill(starts.strftime(FORMAT))
    page.locator("#id_ends_at").fill((starts + timedelta(hours=3)).strftime(FORMAT))
    for number, title in enumerate(["Branches", "Pull requests"]):
        page.get_by_role("button", name="Add Session").click()
        page.locator(f"#id_sessions-{number}-title").fill(title)
    page.get_by_role("tab", name="Speakers and partners").click()
    page.locator("#id_event_speakers-OPEN_MODAL").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("textbox", name="Search term").fill("Grac")
    expect(dialog.get_by_text("Alan Turing")).to_have_count(0)
    dialog.get_by_role("checkbox").first.check()
    dialog.get_by_role("button", name="Confirm selection").click()
    page.locator("#id_event_speakers-0-speaker").wait_for(state="attached")
    page.get_by_role("tab", name="Registration").click()
    page.locator("#id_capacity").fill("30")
    page.get_by_role("button", name="Add Question").click()
    page.locator("#id_registration_questions-0-label").fill("Which laptop will you bring")
    page.locator("#id_registration_questions-0-field_type").select_option("singleline")

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Moderators approval").click()
    page.wait_for_load_state("networkidle")

    event = EventPage.objects.get(title="Git for Beginners")
    assert event.get_parent().pk == section.pk and event.workflow_in_progress and not event.live
    draft = event.get_latest_revision_as_object()
    assert [s.title for s in draft.sessions.all()] == ["Branches", "Pull requests"]
    assert [row.speaker.name for row in draft.event_speakers.all()] == ["Grace Hopper"]

    sign_in_browser(page.context, live_server, moderator)
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.wait_for_load_state("networkidle")
    approve = page.get_by_role("button", name="Approve and Publish")
    if not approve.is_visible():
        page.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        approve.click()
    page.wait_for_load_state("networkidle")

    event.refresh_from_db()
    assert event.live and not event.workflow_in_progress
    assert event.url == f"/events/coding-club/{event.slug}/"

    visitor = UserFactory(email="ada@example.org", first_name="Ada", last_name="Lovelace")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={event.url}")
    page.get_by_label("Email").fill(visitor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**{event.url}")
    expect(page.get_by_role("heading", level=1, name="Git for Beginners")).to_be_visible()
    expect(page.get_by_text("Grace Hopper").first).to_be_visible()
    page.get_by_label("Which laptop will you bring").fill("A ThinkPad")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You're registered").first.wait_for()

    registration = Registration.objects.get(user=visitor)
    assert registration.status == RegistrationStatus.CONFIRMED and "A ThinkPad" in str(registration.answers)
