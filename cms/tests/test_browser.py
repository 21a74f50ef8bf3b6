"""A visitor in real headless Chromium: home page, filter the events, open one, add it to the calendar."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from cms.models import EventKind
from cms.tests import factories

# Serialized rollback restores the migrated data (root page, groups, workflow) after other transactional tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_finds_an_event_by_filter_and_adds_it_to_their_calendar(live_server, browser_page):
    factories.event("Campus Quiz", starts_in=timedelta(days=2))
    factories.event("Soldering Workshop", kind=EventKind.WORKSHOP, starts_in=timedelta(days=4), sessions=2)
    page = browser_page

    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Coming up").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()

    page.get_by_label("Type").select_option("workshop")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/events/?*kind=workshop*")
    assert page.get_by_role("heading", name="1 event matches your filters").is_visible()
    assert page.get_by_role("link", name="Campus Quiz").count() == 0

    page.get_by_role("link", name="Soldering Workshop").click()
    assert page.get_by_role("heading", level=1, name="Soldering Workshop").is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), "rb") as handle:
        calendar = Calendar.from_ical(handle.read())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries[0] == "Soldering Workshop" and len(summaries) == 3

    href = page.get_by_role("link", name="Add to calendar (.ics)").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
