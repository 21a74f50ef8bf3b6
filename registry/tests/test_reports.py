"""Staff reports: check-in, registrations per day, attendance, certificates and credits, as charts and CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registry import otp, reports
from registry.models import (
    Attendance,
    Certificate,
    CreditCategory,
    CreditEntry,
    EventRecord,
    Registration,
    RegistrationStatus,
)
from registry.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def event(title: str, starts_at, organization=None) -> EventRecord:
    from wagtail.models import Page

    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title=title, slug=f"event-{Page.objects.count()}"))
    return EventRecord.objects.create(
        page=page, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), organization=organization
    )


def register(record: EventRecord, n: int, status=RegistrationStatus.CONFIRMED, created_at=None, checked_in=0):
    made = [
        Registration.objects.create(
            page_id=record.page_id,
            email=f"p{record.pk}-{status}-{i}-{Registration.objects.count()}@example.org",
            full_name=f"Person {i}",
            status=status,
            code=f"C{record.pk}{status[:2]}{i}{Registration.objects.count()}",
            created_at=created_at or NOW,
        )
        for i in range(n)
    ]
    for registration in made[:checked_in]:
        Attendance.objects.create(registration=registration, session=0)
    return made


@pytest.fixture
def campus():
    club, center = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Centre")
    past = event("=Past workshop", NOW - timedelta(days=3), club)
    today = event("Today's talk", NOW + timedelta(hours=1), club)
    upcoming = event("Centre course", NOW + timedelta(days=5), center)
    attended = register(past, 4, checked_in=3, created_at=NOW - timedelta(days=1))
    Attendance.objects.create(registration=attended[0], session=7)  # a second session: still one person
    register(past, 1, status=RegistrationStatus.CANCELLED, created_at=NOW - timedelta(days=40))
    register(today, 2, checked_in=1)
    register(upcoming, 1)
    technical = CreditCategory.objects.create(name="Technical", code="technical")
    sports = CreditCategory.objects.create(name="Sports", code="sports")
    for registration, revoked in ((attended[0], None), (attended[1], None), (attended[2], NOW)):
        Certificate.objects.create(
            registration=registration,
            code=f"CERT{registration.pk}",
            holder_name=registration.full_name,
            event_title=past.title,
            event_starts_at=past.starts_at,
            event_ends_at=past.ends_at,
            issuer="Coding Club",
            revoked_at=revoked,
        )
    student = UserFactory()
    CreditEntry.objects.create(user=student, category=technical, points=10, status="approved", registration=attended[0])
    CreditEntry.objects.create(user=student, category=technical, points=5, status="approved", registration=attended[1])
    CreditEntry.objects.create(user=student, category=technical, points=3, registration=attended[2])
    CreditEntry.objects.create(user=student, category=sports, points=2, status="rejected", description="Claim")
    admin = StaffFactory(is_superuser=True)
    organizer = UserFactory(is_staff=True)
    MembershipFactory(user=organizer, organization=center)
    return {"admin": admin, "organizer": organizer}


def test_check_in_progress_lists_todays_and_upcoming_events(campus):
    report = reports.check_in_progress(campus["admin"], now=NOW)

    assert [(title, confirmed, checked_in) for title, _, confirmed, checked_in in report.rows] == [
        ("Today's talk", 2, 1),
        ("Centre course", 1, 0),
    ]


def test_registrations_per_day_covers_thirty_days_including_empty_ones(campus):
    report = reports.registrations_per_day(campus["admin"], now=NOW)

    assert len(report.rows) == 30
    today, yesterday = timezone.localdate(NOW), timezone.localdate(NOW) - timedelta(days=1)
    counts = dict(report.rows)
    assert counts[today] == 3
    assert counts[yesterday] == 4
    assert sum(counts.values()) == 7, "the registration from 40 days ago is outside the window"


def test_attendance_counts_people_not_check_ins_and_derives_no_shows(campus):
    report = reports.attendance_by_event(campus["admin"], now=NOW)

    assert [row[:1] + row[2:] for row in report.rows] == [("=Past workshop", 4, 3, 1, 75)]


def test_certificates_count_only_valid_ones(campus):
    assert reports.certificates_by_event(campus["admin"]).rows == [("=Past workshop", 2)]


def test_credits_are_summed_per_category_and_status(campus):
    report = reports.credits_by_category(campus["admin"])

    assert report.headers == ("category", "pending", "approved", "rejected")
    assert report.rows == [("Sports", 0, 0, 2), ("Technical", 3, 15, 0)]


def test_organizers_see_only_their_organizations(campus):
    organizer = campus["organizer"]

    assert [row[0] for row in reports.check_in_progress(organizer, now=NOW).rows] == ["Centre course"]
    assert reports.attendance_by_event(organizer, now=NOW).rows == []
    assert sum(n for _, n in reports.registrations_per_day(organizer, now=NOW).rows) == 1
    assert reports.certificates_by_event(organizer).rows == []
    assert reports.credits_by_category(organizer).rows == []


@pytest.fixture
def staff_client(campus):
    client = Client()
    staff = campus["admin"]
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    return client


def test_the_dashboard_draws_each_report_as_svg_and_is_linked_from_the_admin_index(staff_client):
    assert b'href="/staff/reports/"' in staff_client.get("/staff/").content

    page = staff_client.get("/staff/reports/")

    assert page.status_code == 200
    main = page.content.decode().split('id="content-main"')[1]
    assert main.count('<svg viewBox="0 0 640') == 5
    for slug in reports.REPORTS:
        assert f'href="/staff/reports/{slug}.csv"' in main
    scripts = [tag for tag in re.findall(r"<script[^>]*>", main) if "/static/unfold/" not in tag]  # the layout's own
    assert scripts == [], "charts are drawn without JavaScript"


def test_csv_downloads_hold_the_report_rows_with_formulas_neutralized(staff_client):
    response = staff_client.get("/staff/reports/attendance.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["event", "date", "confirmed", "attended", "no-shows", "attendance %"]
    assert rows[1][0] == "'=Past workshop"
    assert rows[1][2:] == ["4", "3", "1", "75"]


def test_reports_need_the_back_office(client, campus):
    client.post("/accounts/login/", {"login": UserFactory().email, "password": PASSWORD})

    assert client.get("/staff/reports/credits.csv").status_code in (302, 403)
