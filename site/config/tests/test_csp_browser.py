"""Under the enforced Content-Security-Policy, real Chromium loads the public site, both admins and the API documents
without a single violation.

Every frame reports each `securitypolicyviolation` event to the console, so a violation anywhere (a page, the
editor's preview frame, a modal loaded later) fails the test, naming the page, the directive and what it blocked.
"""

import json
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from wagtail.models import Collection

from approvals.tests.factories import HallBookingFactory, soon
from cms.tests import factories
from registry import otp
from registry.models import CertificateBatch
from registry.tests.factories import PASSWORD, RegistrationFactory, UserFactory, VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREFIX = "CSP violation "
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => console.error("CSP violation " + JSON.stringify({
  page: location.pathname, directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample,
})));
"""


@pytest.fixture
def chromium_args():
    """A fake camera, granted without a prompt, so the check-in scanner really starts."""
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def watched(browser_page):
    """The browser page, and what it has reported so far: each violation, and any script error (a blocked
    script's dependants fail)."""
    page, reported = browser_page, []

    def on_console(message):
        if message.text.startswith(PREFIX):
            reported.append(json.loads(message.text.removeprefix(PREFIX)))

    page.context.add_init_script(REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: reported.append({"page": page.url, "script error": str(error)}))
    return page, reported


@pytest.fixture
def site(transactional_db):
    """An event with sessions, a speaker and a partner, a hall booking, and a certificate batch under way.

    Wagtail's root collection (which image uploads go to) is made again if another transactional test flushed it.
    """
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    speaker, partner = factories.speaker("Asha Rao"), factories.partner("Acme Labs")
    event = factories.event(
        "Campus Quiz", starts_in=timedelta(days=2), speakers=[speaker], partners=[partner], sessions=2
    )
    hall = VenueFactory()
    HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(1, 10))
    return {
        "event": event,
        "speaker": speaker,
        "partner": partner,
        "batch": CertificateBatch.objects.create(page_id=event.pk, total=2),
    }


def visit(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")


def sign_in(page, live_server, user, *, then: str, backup_code: str | None = None) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if backup_code:
        page.get_by_role("heading", name="Verify it's you").wait_for()
        page.get_by_role("textbox").fill(backup_code)
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**{then}")


def signed_in_superuser(page, live_server, *, then: str):
    admin = UserFactory(is_staff=True, is_superuser=True, first_name="Ada")
    otp.backup_codes_regenerate(admin, codes=["csp-code-1"])
    sign_in(page, live_server, admin, then=then, backup_code="csp-code-1")
    return admin


def test_a_visitor_and_an_attendee_meet_no_violation_on_the_public_site(live_server, watched, site):
    page, reported = watched
    event = site["event"]
    attendee = UserFactory()
    RegistrationFactory(page_id=event.pk, email=attendee.email, user=attendee)

    for path in [
        "/",
        "/events/",
        "/events/?kind=workshop&q=quiz",
        event.url,
        "/speakers/",
        f"/speakers/{site['speaker'].slug}/",
        "/partners/",
        f"/partners/{site['partner'].slug}/",
        "/certificates/verify/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        visit(page, live_server, path)
    assert page.get_by_role("button", name="Sign Up").is_visible()
    visit(page, live_server, event.url)
    assert page.get_by_role("button", name="Register").first.is_visible()
    visit(page, live_server, "/api/docs/")
    page.get_by_role("heading", name="Convene API").wait_for()
    sign_in(page, live_server, attendee, then="/registrations/")
    assert page.get_by_text("Campus Quiz").first.is_visible()
    visit(page, live_server, "/accounts/profile/")
    visit(page, live_server, "/notifications/")
    visit(page, live_server, "/accounts/organize/")
    visit(page, live_server, "/certificates/")

    assert reported == []


def test_an_editor_meets_no_violation_in_the_wagtail_admin(live_server, watched, site):
    page, reported = watched
    event = site["event"]
    signed_in_superuser(page, live_server, then="/admin/")

    visit(page, live_server, f"/admin/pages/{event.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()
    page.frame_locator("iframe[title=Preview]").last.get_by_role("heading", name="Campus Quiz").wait_for()
    page.get_by_role("button", name="Choose an image").click()
    page.get_by_role("dialog").get_by_role("tab", name="Upload").click()
    page.get_by_role("dialog").get_by_label("Title").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("tab", name="Schedule").click()
    page.get_by_role("button", name="Add Session").click()
    page.get_by_role("heading", name="Session 3").wait_for()
    for path in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{event.get_parent().pk}/",
        f"/admin/pages/{event.pk}/history/",
        "/admin/snippets/cms/speaker/",
        "/admin/snippets/cms/speaker/add/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/reports/site-history/",
        "/admin/settings/cms/sitesettings/",
        event.url,  # the public page, with the editor's user bar
    ]:
        visit(page, live_server, path)

    assert reported == []


def test_staff_meet_no_violation_in_the_back_office(live_server, watched, site):
    page, reported = watched
    event, batch = site["event"], site["batch"]
    registration = RegistrationFactory(page_id=event.pk)
    signed_in_superuser(page, live_server, then="/staff/")

    for path in [
        "/staff/",
        "/staff/registry/registration/",
        f"/staff/registry/registration/{registration.pk}/change/",
        f"/staff/registry/registration/{registration.pk}/history/",
        "/staff/registry/registration/export/",
        "/staff/registry/registration/import/",
        "/staff/registry/certificatetemplate/add/",
        f"/staff/registry/certificatebatch/{batch.pk}/progress/",
        "/staff/approvals/hallbooking/calendar/",
        "/staff/approvals/hallbooking/utilization/",
        "/staff/inbox/",
        "/staff/my-events/",
        "/staff/reports/",
    ]:
        visit(page, live_server, path)
    assert page.locator(".report svg").first.is_visible()
    visit(page, live_server, f"/staff/registry/eventrecord/{event.pk}/checkin/")
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.locator("#camera")).to_have_js_property("readyState", 4)  # frames are arriving to be read

    assert reported == []
