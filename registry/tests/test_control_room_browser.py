"""An organizer runs a busy event from its control room in real headless Chromium, on a laptop and on a phone: the
overview, the participant list (checking someone in by name), an attendance sheet's preview, certificates and
messages each fit the window and give axe-core nothing serious to report."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry import otp
from registry.models import Attendance, EventRecord, Membership, Role
from registry.tests.browser import LAPTOP, PHONE, assert_usable, focus_is_visible
from registry.tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    RegistrationFactory,
    UserFactory,
    make_event_at_the_door,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_event(transactional_db):
    """A workshop under way: 30 people registered over the past fortnight, 26 confirmed, 12 of them through the door."""
    club = OrganizationFactory(name="Coding Club")
    event = make_event_at_the_door(
        title="Rust for Beginners: a hands-on workshop", organization_id=club.pk, capacity=40
    )
    organizer = UserFactory(
        is_staff=True, in_roles=[Role.ORGANIZER], first_name="Olga", last_name="Organizer", email="olga@example.org"
    )
    MembershipFactory(user=organizer, organization=club, role=Membership.Role.ORGANIZER)
    now = timezone.now()
    people = []
    for n in range(30):
        status = "confirmed" if n < 26 else ("waitlisted" if n < 28 else "pending")
        people.append(
            RegistrationFactory(
                page_id=event.pk,
                status=status,
                email=f"participant{n}@example.edu",
                created_at=now - timedelta(days=14 - n // 3, hours=n),
            )
        )
    for registration in people[:12]:
        Attendance.objects.create(registration=registration, checked_in_by=organizer)
    EventRecord.objects.filter(page_id=event.pk).update(seats_taken=28)
    otp.backup_codes_regenerate(organizer, codes=["olga-code-1"])
    return {"event": event, "organizer": organizer, "people": people}


def sign_in(page, live_server, organizer, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Verify it's you").wait_for()
    page.get_by_role("textbox").fill("olga-code-1")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"**{next_url}")


def test_the_control_room_participants_and_an_attendance_preview_work_on_a_laptop_and_a_phone(
    live_server, browser_page, busy_event, tmp_path
):
    page, event = browser_page, busy_event["event"]
    room = f"/staff/events/{event.pk}/"
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, busy_event["organizer"], room)

    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{room}")
        page.get_by_role("heading", name="Registrations over time").wait_for()
        assert page.get_by_role("img", name="New registrations per day").is_visible()
        assert_usable(page, where=f"control room ({label})")
        assert focus_is_visible(page)

        page.get_by_role("link", name="Participants", exact=True).click()
        page.get_by_role("table", name="30 participants").wait_for()
        assert_usable(page, where=f"participants ({label})")

    # On the phone, a steward finds someone without their ticket and checks them in by name.
    stranded = busy_event["people"][20]
    page.get_by_label("Name, email or ticket code").fill(stranded.email)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name=f"Check in {stranded.full_name}").click()
    page.get_by_text(f"{stranded.full_name} is checked in.").wait_for()
    assert "by Olga Organizer (By name)" in page.get_by_role("table", name="1 participant").inner_text()
    assert Attendance.objects.get(registration=stranded).method == Attendance.Method.BY_NAME

    people = busy_event["people"]
    sheet = tmp_path / "attendance.csv"
    sheet.write_text("Code\n" + "\n".join([people[0].code, people[21].code, people[27].code, "NOSUCHCODE9"]) + "\n")
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/staff/events/{event.pk}/attendance/")
        page.get_by_label("Attendance sheet (CSV or .xlsx)").set_input_files(sheet)
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("heading", name="Check the sheet before anyone is checked in").wait_for()
        assert page.get_by_text("Not found at this event: these rows are left out").is_visible()
        assert_usable(page, where=f"attendance preview ({label})")

    page.get_by_role("button", name="Check in the ticked rows").click()
    page.get_by_text("Checked in 1 person from the sheet.").wait_for()
    assert Attendance.objects.get(registration=people[21]).method == Attendance.Method.UPLOAD

    # The other sections fit too.
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        for section, heading in (("certificates", "Who has earned one"), ("messages", None)):
            page.goto(f"{live_server.url}/staff/events/{event.pk}/{section}/")
            if heading:
                page.get_by_role("heading", name=heading).wait_for()
            assert_usable(page, where=f"{section} ({label})")
