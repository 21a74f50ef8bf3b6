"""The back office: scoped booking lists, decision actions, a hall's week, utilization, timetable import."""

import io
import re
from datetime import timedelta

import pytest
import tablib
from django.core import mail
from django.utils import timezone

from approvals import selectors
from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, organizer_of, soon
from registry.models import Membership
from registry.tests.factories import OrganizationFactory, VenueFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/staff/approvals/hallbooking/"


def test_hall_admins_see_every_booking_and_organizers_only_their_organizations(staff_client, hall_admin, role_groups):
    mine, theirs = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Robotics Club")
    organizer = organizer_of(mine, is_staff=True)
    organizer.groups.add(role_groups["organizer"])
    HallBookingFactory(organization=mine, title="Hack night")
    HallBookingFactory(organization=theirs, title="Robot race")

    admin_page = staff_client(hall_admin).get(CHANGELIST)
    assert b"Hack night" in admin_page.content and b"Robot race" in admin_page.content

    staff_client(organizer).logout()
    organizer_page = staff_client(organizer).get(CHANGELIST)
    assert organizer_page.status_code == 200
    assert b"Hack night" in organizer_page.content
    assert b"Robot race" not in organizer_page.content


def test_approve_action_decides_and_reports_conflicts(staff_client, hall_admin, django_capture_on_commit_callbacks):
    hall = VenueFactory(name="Seminar Hall 1")
    free = HallBookingFactory(status=BookingStatus.REQUESTED, title="Free one")
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(7, 9), ends_at=soon(7, 11))
    clashing = HallBookingFactory(venue=hall, primary_venue=hall, status=BookingStatus.REQUESTED, title="Clashing")
    client = staff_client(hall_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [free.pk, clashing.pk]}, follow=True
        )

    assert HallBooking.objects.get(pk=free.pk).status == BookingStatus.APPROVED
    assert HallBooking.objects.get(pk=clashing.pk).status == BookingStatus.REQUESTED
    text = response.content.decode()
    assert "1 booking(s) updated." in text
    assert "Seminar Hall 1 is already booked from" in text and f"(booking #{blocker.pk})" in text
    assert [m.subject for m in mail.outbox] == ["Hall booked: Free one"]


def test_reject_action_asks_for_a_reason_on_an_intermediate_page(staff_client, hall_admin):
    waiting = HallBookingFactory(status=BookingStatus.REQUESTED, title="Late request")
    client = staff_client(hall_admin)

    form = client.post(CHANGELIST, {"action": "reject", "_selected_action": [waiting.pk]})
    assert form.status_code == 200
    assert b"Late request" in form.content and b'name="reason"' in form.content
    empty = client.post(CHANGELIST, {"action": "reject", "_selected_action": [waiting.pk], "apply": "1", "reason": ""})
    assert b"This field is required" in empty.content
    assert HallBooking.objects.get(pk=waiting.pk).status == BookingStatus.REQUESTED

    done = client.post(
        CHANGELIST,
        {"action": "reject", "_selected_action": [waiting.pk], "apply": "1", "reason": "Hall closed for exams."},
    )

    assert done.status_code == 302
    rejected = HallBooking.objects.get(pk=waiting.pk)
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        BookingStatus.REJECTED,
        "Hall closed for exams.",
        hall_admin,
    )
    history = client.get(f"{CHANGELIST}{waiting.pk}/history/")
    assert str(hall_admin).encode() in history.content
    assert rejected.history.first().history_user == hall_admin


def test_cancel_action_releases_bookings(staff_client, hall_admin):
    booking = HallBookingFactory()

    staff_client(hall_admin).post(
        CHANGELIST, {"action": "cancel", "_selected_action": [booking.pk], "apply": "1", "reason": ""}
    )

    assert HallBooking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_a_halls_week_calendar_is_a_server_rendered_grid(staff_client, hall_admin):
    hall = VenueFactory(name="Seminar Hall 1")
    monday = selectors.week_start_of(timezone.localdate() + timedelta(days=14))
    start, _ = selectors.week_bounds(monday)
    HallBookingFactory(
        venue=hall,
        primary_venue=hall,
        title="Hack night",
        starts_at=start + timedelta(days=1, hours=18),
        ends_at=start + timedelta(days=1, hours=21),
    )
    HallBookingFactory(
        venue=hall,
        primary_venue=hall,
        title="Waiting talk",
        status=BookingStatus.REQUESTED,
        starts_at=start + timedelta(days=2, hours=9),
        ends_at=start + timedelta(days=2, hours=10, minutes=30),
    )

    response = staff_client(hall_admin).get(f"{CHANGELIST}calendar/{hall.pk}/?week={monday + timedelta(days=3)}")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Hack night" in text and "Waiting talk" in text
    # Tuesday is grid column 3; 18:00 is slot 22 from 07:00 (row 24), 21:00 ends at row 30.
    assert "grid-column: 3; grid-row: 24 / 30" in text
    assert 'class="block requested block-2"' in text and ".block-2 { grid-column: 4; grid-row: 6 / 9; }" in text
    content = text.split('id="content"')[-1]
    assert [
        tag for tag in re.findall(r"<script[^>]*>", content) if "/static/unfold/" not in tag
    ] == []  # no grid script
    assert f"?week={monday + timedelta(days=7)}" in text


def test_organizers_see_other_organizations_bookings_in_the_calendar_only_as_booked(staff_client, role_groups):
    hall = VenueFactory()
    organizer = organizer_of(is_staff=True)
    organizer.groups.add(role_groups["organizer"])
    HallBookingFactory(venue=hall, primary_venue=hall, title="Secret board meeting", starts_at=soon(1, 10))

    response = staff_client(organizer).get(
        f"{CHANGELIST}calendar/{hall.pk}/?week={timezone.localdate() + timedelta(days=1)}"
    )

    assert response.status_code == 200
    assert b"Secret board meeting" not in response.content
    assert b"Booked" in response.content


def test_utilization_report_draws_bars_and_exports_csv(staff_client, hall_admin):
    hall = VenueFactory(name="Seminar Hall 1", code="seminar-1")
    monday = selectors.week_start_of(timezone.localdate() + timedelta(days=7))
    start, _ = selectors.week_bounds(monday)
    HallBookingFactory(
        venue=hall, primary_venue=hall, starts_at=start + timedelta(hours=9), ends_at=start + timedelta(hours=13)
    )
    client = staff_client(hall_admin)

    page = client.get(f"{CHANGELIST}utilization/?from={monday}&weeks=2")
    csv_export = client.get(f"{CHANGELIST}utilization/?from={monday}&weeks=2&format=csv")

    assert page.status_code == 200
    assert b"4.0 h" in page.content and b'<rect class="fill" width="100" height="1"/>' in page.content
    assert csv_export["Content-Type"].startswith("text/csv")
    lines = csv_export.content.decode().splitlines()
    assert lines[0] == f"hall,code,capacity,{monday},{monday + timedelta(days=7)},total"
    assert "Seminar Hall 1,seminar-1,100,4.0,0.0,4.0" in lines


# --- timetable import -----------------------------------------------------


def timetable(rows, headers=("hall", "date", "start", "end", "title", "organization", "attendees")) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("csv").encode()


def post_import(client, content: bytes, name="timetable.csv", fmt="0"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"{CHANGELIST}import/", {"resource": "0", "format": fmt, "import_file": upload})


def test_timetable_dry_run_lists_every_conflict_per_row_and_writes_nothing(staff_client, hall_admin):
    hall = VenueFactory(code="seminar-1", name="Seminar Hall 1", capacity=150)
    OrganizationFactory(slug="coding-club", name="Coding Club")
    day = timezone.localdate() + timedelta(days=10)
    blocker = HallBookingFactory(venue=hall, primary_venue=hall, starts_at=soon(10, 9), ends_at=soon(10, 10))
    before = (HallBooking.objects.count(), HallBooking.history.count())

    response = post_import(
        staff_client(hall_admin),
        timetable(
            [
                ("seminar-1", day, "09:30", "11:00", "Clashes with an approved booking", "coding-club", 40),
                ("seminar-1", day, "11:00", "12:00", "Fine", "coding-club", 40),
                ("seminar-1", day, "11:30", "12:30", "Clashes with the row above", "coding-club", 40),
                ("nowhere", day, "09:00", "10:00", "Unknown hall", "", 10),
                ("seminar-1", day, "14:00", "13:00", "Backwards", "", 10),
                ("seminar-1", "31/02/2031", "14:00", "15:00", "Bad date", "", 10),
                ("seminar-1", day, "15:00", "16:00", "Too many", "", 500),
            ]
        ),
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Seminar Hall 1 is already booked from" in text and f"(booking #{blocker.pk})" in text
    assert "Overlaps row 2 of this file in Seminar Hall 1." in text
    assert "Unknown hall &#x27;nowhere&#x27;." in text
    assert "The booking ends before it starts" in text
    assert "Cannot read date" in text
    assert "Seminar Hall 1 holds 150 people; 500 are expected." in text
    assert 'name="import_file_name"' not in text, "a file with errors cannot be confirmed"
    assert (HallBooking.objects.count(), HallBooking.history.count()) == before


def test_a_clean_timetable_is_previewed_then_booked_on_confirmation(staff_client, hall_admin):
    VenueFactory(code="seminar-1", name="Seminar Hall 1")
    OrganizationFactory(slug="coding-club", name="Coding Club")
    day = timezone.localdate() + timedelta(days=10)
    content = timetable(
        [
            ("seminar-1", day, "09:00", "10:00", "Data structures", "coding-club", 60),
            ("seminar-1", day, "10:00", "11:00", "Algorithms", "coding-club", 60),
        ]
    )
    client = staff_client(hall_admin)

    preview = post_import(client, content)
    assert preview.status_code == 200
    assert not HallBooking.objects.exists(), "the dry run writes nothing"
    form = preview.context["confirm_form"]
    confirm = client.post(f"{CHANGELIST}process_import/", form.initial)

    assert confirm.status_code == 302
    booked = list(HallBooking.objects.order_by("starts_at"))
    assert [(b.title, b.status, b.requester) for b in booked] == [
        ("Data structures", BookingStatus.APPROVED, hall_admin),
        ("Algorithms", BookingStatus.APPROVED, hall_admin),
    ]
    assert timezone.localtime(booked[0].starts_at).hour == 9


def test_malformed_timetables_get_clear_errors(staff_client, hall_admin):
    client = staff_client(hall_admin)

    missing = post_import(client, timetable([("seminar-1", "2031-01-01")], headers=("hall", "date")))
    garbage = post_import(client, b"\x00\x01\x02 not a spreadsheet", name="timetable.xlsx", fmt="1")

    assert "missing the column(s) start, end, title, attendees" in missing.content.decode()
    assert "Ensure you have chosen the correct format for the file." in garbage.content.decode()
    assert not HallBooking.objects.exists()


def test_timetable_export_has_the_import_columns(staff_client, hall_admin):
    hall = VenueFactory(code="seminar-1")
    organization = OrganizationFactory(slug="coding-club")
    HallBookingFactory(
        venue=hall,
        primary_venue=hall,
        organization=organization,
        title="Hack night",
        starts_at=soon(3, 18),
        ends_at=soon(3, 21),
    )
    client = staff_client(hall_admin)
    fields = [
        name for name in client.get(f"{CHANGELIST}export/").context["form"].fields if name.startswith("timetable")
    ]

    response = client.post(f"{CHANGELIST}export/", {"format": "0", "resource": "0", **dict.fromkeys(fields, "on")})

    lines = response.content.decode().splitlines()
    assert lines[0] == "hall,date,start,end,title,organization,attendees,status"
    assert lines[1] == f"seminar-1,{soon(3).date()},18:00,21:00,Hack night,coding-club,30,approved"


def test_only_hall_admins_import_timetables(staff_client, role_groups):
    organizer = organizer_of(is_staff=True)
    organizer.groups.add(role_groups["organizer"])
    Membership.objects.filter(user=organizer).update(role=Membership.Role.HEAD)

    assert staff_client(organizer).get(f"{CHANGELIST}import/").status_code == 403
