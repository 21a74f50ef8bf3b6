"""Every back-office screen the day's people open, under unfold's layout, in headless Chromium at a laptop's and a
phone's width: it fits the window (wide tables scroll inside their own focusable region) and axe-core finds nothing
serious or critical. The day is `home_world`'s; each person signs in with their password and a backup code."""

import pytest

from registry.tests.browser import LAPTOP, PHONE, assert_usable

from .home_world import build_day
from .test_home_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERYONE = ["/staff/", "/staff/inbox/", "/staff/reports/"]
ORGANIZERS = [
    "/staff/my-events/",
    "/staff/registry/eventrecord/",
    "/staff/registry/registration/",
    "/staff/registry/attendance/import/",
    "/staff/registry/certificatebatch/",
    "/staff/approvals/hallbooking/",
    "/staff/approvals/hallbooking/calendar/",
]
PAGES = {
    "organizer": EVERYONE + ORGANIZERS,
    "mentor": EVERYONE + ["/staff/registry/creditentry/", "/staff/registry/studentprofile/"],
    "staff_admin": EVERYONE + ORGANIZERS + ["/staff/registry/user/", "/staff/registry/creditentry/"],
}


@pytest.mark.parametrize("person", list(PAGES))
def test_each_persons_screens_fit_a_laptop_and_a_phone_and_pass_axe(live_server, browser_page, person):
    day = build_day()
    page = browser_page
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, getattr(day, person))
    pages = PAGES[person] + [f"/staff/registry/eventrecord/{day.on_now.pk}/checkin/"] * (person != "mentor")

    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert_usable(page, where=f"{path} for the {person} at {viewport['width']}px")
