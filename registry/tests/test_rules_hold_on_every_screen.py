"""The ways around the services that a hostile tester found, each closed: history pages, admin forms, imports,
the organizers' booking pages and the check-in answers say no, and nothing is written."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.models import BookingStatus, HallBooking
from approvals.tests.factories import HallBookingFactory, soon
from registry.actors import SYSTEM
from registry.models import (
    Attendance,
    CreditCategory,
    CreditEntry,
    EventRecord,
    RegistrationStatus,
    Role,
    StudentProfile,
    User,
)
from registry.services import NotAllowed, imports
from registry.services import registrations as registration_services
from registry.services.attendance import Outcome, check_in
from registry.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    RegistrationFactory,
    UserFactory,
    VenueFactory,
    make_event,
    signed_in,
)

pytestmark = pytest.mark.django_db


def in_role(user, role):
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def two_clubs():
    coding, cce = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Centre for Continuing Education")
    organizer = in_role(UserFactory(is_staff=True), Role.ORGANIZER)
    MembershipFactory(user=organizer, organization=coding)
    other = in_role(UserFactory(is_staff=True), Role.ORGANIZER)
    MembershipFactory(user=other, organization=cce)
    return coding, cce, organizer, other


def version_of(obj):
    return obj.history.order_by("-history_id").first().history_id


# --- history pages ---------------------------------------------------------


def test_a_view_only_mentor_cannot_make_themselves_superuser_through_a_history_page(client):
    mentor = in_role(UserFactory(is_staff=True), Role.MENTOR)
    signed_in(client, mentor)
    url = f"/staff/registry/user/{mentor.pk}/history/{version_of(mentor)}/"

    response = client.post(url, {"email": mentor.email, "is_superuser": "on", "is_staff": "on", "is_active": "on"})

    mentor.refresh_from_db()
    assert response.status_code == 405
    assert not mentor.is_superuser


def test_an_organizer_neither_reads_nor_rewrites_another_organizations_registration_history(client, two_clubs):
    coding, cce, organizer, other = two_clubs
    registration = RegistrationFactory(page_id=make_event(organization_id=cce.pk).pk, full_name="Priya Secret")
    signed_in(client, organizer)
    base = f"/staff/registry/registration/{registration.pk}/history/"

    listing = client.get(base)
    version = client.get(f"{base}{version_of(registration)}/")
    rewrite = client.post(f"{base}{version_of(registration)}/", {"full_name": "Rewritten", "status": "cancelled"})

    assert (listing.status_code, version.status_code, rewrite.status_code) == (404, 404, 405)
    assert b"Priya Secret" not in listing.content + version.content
    registration.refresh_from_db()
    assert (registration.full_name, registration.status) == ("Priya Secret", RegistrationStatus.CONFIRMED)


def test_a_version_page_shows_what_changed_and_offers_no_form(client, two_clubs):
    coding, _, organizer, _ = two_clubs
    registration = RegistrationFactory(page_id=make_event(organization_id=coding.pk).pk, full_name="Ana Before")
    registration.full_name = "Ana After"
    registration.save()
    signed_in(client, organizer)

    page = client.get(f"/staff/registry/registration/{registration.pk}/history/{version_of(registration)}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana After" in html and "Ana Before" in html and "(changed)" in html
    assert "<form" not in html.split('id="content"')[-1]


def test_restoring_an_old_version_cannot_reconfirm_a_cancelled_registration_past_capacity(client):
    event = make_event(capacity=1)
    early = RegistrationFactory(page_id=event.pk, status=RegistrationStatus.CONFIRMED)
    registration_services.registration_cancel(registration=early, actor=SYSTEM)
    RegistrationFactory(page_id=event.pk)  # someone else has the seat now
    confirmed_version = early.history.filter(status=RegistrationStatus.CONFIRMED).first().history_id
    staff = UserFactory(is_staff=True, is_superuser=True)
    signed_in(client, staff)

    response = client.post(
        f"/staff/registry/registration/{early.pk}/history/{confirmed_version}/", {"status": "confirmed"}
    )

    early.refresh_from_db()
    assert response.status_code == 405 and early.status == RegistrationStatus.CANCELLED


def test_restoring_a_cancelled_hall_booking_cannot_double_book_the_hall(client):
    hall = VenueFactory()
    cancelled = HallBookingFactory(primary_venue=hall, starts_at=soon(5, 10), status=BookingStatus.APPROVED)
    cancelled.status = BookingStatus.CANCELLED
    cancelled.save()
    HallBookingFactory(primary_venue=hall, starts_at=soon(5, 10))
    approved_version = cancelled.history.filter(status=BookingStatus.APPROVED).first().history_id
    signed_in(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(f"/staff/approvals/hallbooking/{cancelled.pk}/history/{approved_version}/", {})

    cancelled.refresh_from_db()
    assert response.status_code == 405 and cancelled.status == BookingStatus.CANCELLED


# --- admin change forms ----------------------------------------------------


def test_membership_pages_show_organizers_only_their_organizations(client, two_clubs):
    coding, cce, organizer, other = two_clubs
    theirs = MembershipFactory(organization=cce, user=UserFactory(email="cce.member@example.org"))
    signed_in(client, organizer)

    change = client.get(f"/staff/registry/membership/{theirs.pk}/change/")
    listing = client.get("/staff/registry/membership/")

    assert change.status_code == 302 and change["Location"] == "/staff/"
    assert b"cce.member@example.org" not in listing.content


def test_credit_entries_cannot_be_edited_past_the_category_limits(client):
    mentor = in_role(UserFactory(is_staff=True), Role.MENTOR)
    student = UserFactory()
    StudentProfile.objects.create(user=student, mentor=mentor)
    category = CreditCategory.objects.create(name="Technical", code="technical", max_points=10)
    entry = CreditEntry.objects.create(user=student, category=category, points=4, description="Hack Night")
    signed_in(client, UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        f"/staff/registry/creditentry/{entry.pk}/change/",
        {"user": mentor.pk, "category": category.pk, "points": 999, "description": "Hack Night", "status": "approved"},
    )

    entry.refresh_from_db()
    assert response.status_code == 403
    assert (entry.points, entry.user_id, entry.status) == (4, student.pk, CreditEntry.Status.PENDING)


def test_a_staff_admin_cannot_make_anyone_a_superuser_or_touch_a_superusers_account(client):
    staff = in_role(UserFactory(is_staff=True), Role.STAFF_ADMIN)
    boss = UserFactory(is_staff=True, is_superuser=True)
    signed_in(client, staff)
    form = {
        "email": staff.email,
        "first_name": "S",
        "last_name": "A",
        "is_active": "on",
        "is_staff": "on",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }

    promoted = client.post(f"/staff/registry/user/{staff.pk}/change/", {**form, "is_superuser": "on"})
    password = client.post(
        f"/staff/registry/user/{boss.pk}/password/", {"password1": "x-Very-long-1", "password2": "x-Very-long-1"}
    )

    staff.refresh_from_db()
    assert promoted.status_code == 200 and "Only a superuser can make someone a superuser." in promoted.content.decode()
    assert not staff.is_superuser
    assert password.status_code == 403
    assert User.objects.get(pk=boss.pk).check_password("x-Very-long-1") is False


def test_changing_a_registrants_details_goes_through_the_registration_rules(client, two_clubs):
    coding, _, organizer, _ = two_clubs
    registration = RegistrationFactory(page_id=make_event(organization_id=coding.pk).pk, full_name="Old Name")
    signed_in(client, organizer)

    response = client.post(
        f"/staff/registry/registration/{registration.pk}/change/",
        {"full_name": "   ", "phone": "", "attendance_mode": "", "decision_reason": "forged"},
    )

    registration.refresh_from_db()
    assert response.status_code == 200  # the form again, with the reason
    assert registration.full_name == "Old Name" and registration.decision_reason == ""


# --- organizers' booking pages ---------------------------------------------


def test_hall_requests_need_the_second_factor_like_every_staff_screen(client, two_clubs):
    coding, _, organizer, _ = two_clubs
    signed_in(client, organizer, second_factor=False)
    hall = VenueFactory()
    booking = HallBookingFactory(requester=organizer, organization=coding, primary_venue=hall)
    start = soon(9, 10)

    listing = client.get("/bookings/")
    made = client.post(
        "/bookings/new/",
        {
            "organization": coding.pk,
            "title": "Sneaky",
            "primary_venue": hall.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "attendees": 10,
        },
    )
    cancelled = client.post(f"/bookings/{booking.pk}/cancel/")

    for response in (listing, made, cancelled):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED and not HallBooking.objects.filter(title="Sneaky").exists()


# --- attendance upload -----------------------------------------------------


def sheet(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("attendance.csv", ("\n".join(["code,session", *lines]) + "\n").encode(), "text/csv")


def upload(client, event, file):
    return client.post(
        "/staff/registry/attendance/import/",
        {"event": event.pk, "import_file": file, "format": 0, "resource": 0},
    )


def test_the_attendance_upload_offers_and_writes_only_the_uploaders_events(client, two_clubs):
    coding, cce, organizer, _ = two_clubs
    own = make_event(title="Coding Night", organization_id=coding.pk)
    theirs = make_event(title="CCE Seminar", organization_id=cce.pk)
    registration = RegistrationFactory(page_id=theirs.pk)
    signed_in(client, organizer)

    form = client.get("/staff/registry/attendance/import/").content.decode()
    response = upload(client, theirs, sheet(f"{registration.code},0"))

    assert "Coding Night" in form and "CCE Seminar" not in form
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Attendance.objects.exists()
    assert own.pk  # the organizer's own event stays on offer


def test_an_uploaded_sheet_never_overwrites_a_door_check_in(client, two_clubs):
    coding, _, organizer, _ = two_clubs
    steward = in_role(UserFactory(is_staff=True, first_name="Door", last_name="Steward"), Role.ORGANIZER)
    MembershipFactory(user=steward, organization=coding)
    event = make_event(organization_id=coding.pk, starts_at=timezone.now() - timedelta(hours=1))
    at_door, on_sheet = RegistrationFactory(page_id=event.pk), RegistrationFactory(page_id=event.pk)
    check_in(page_id=event.pk, scanned=at_door.code, actor=steward, method=Attendance.Method.MANUAL)
    signed_in(client, organizer)

    preview = upload(client, event, sheet(f"{at_door.code},0", f"{on_sheet.code},0"))
    confirm = preview.context["confirm_form"]
    client.post("/staff/registry/attendance/process_import/", {**confirm.initial, "event": event.pk})

    door = Attendance.objects.get(registration=at_door)
    assert (door.method, door.checked_in_by) == (Attendance.Method.MANUAL, steward)
    sheet_row = Attendance.objects.get(registration=on_sheet)
    assert (sheet_row.method, sheet_row.checked_in_by) == (Attendance.Method.UPLOAD, organizer)


def test_the_attendance_add_form_is_gone(client, two_clubs):
    signed_in(client, two_clubs[2])

    assert client.get("/staff/registry/attendance/add/").status_code == 403


# --- check-in answers ------------------------------------------------------


def test_scanning_another_organizations_ticket_names_neither_the_event_nor_the_person(two_clubs):
    coding, cce, organizer, _ = two_clubs
    door = make_event(organization_id=coding.pk, starts_at=timezone.now() - timedelta(hours=1))
    elsewhere = make_event(title="CCE Private Seminar", organization_id=cce.pk)
    ticket = RegistrationFactory(page_id=elsewhere.pk, full_name="Priya Elsewhere")

    result = check_in(page_id=door.pk, scanned=ticket.code, actor=organizer)

    assert result.outcome == Outcome.WRONG_EVENT and result.registration is None
    assert "CCE Private Seminar" not in result.message and "Priya" not in result.message


def test_nobody_checks_people_in_at_an_event_they_do_not_run(two_clubs):
    coding, cce, organizer, _ = two_clubs
    theirs = make_event(organization_id=cce.pk, starts_at=timezone.now() - timedelta(hours=1))
    ticket = RegistrationFactory(page_id=theirs.pk)

    with pytest.raises(NotAllowed):
        check_in(page_id=theirs.pk, scanned=ticket.code, actor=organizer)
    assert not Attendance.objects.exists()


# --- one scope everywhere --------------------------------------------------


def test_organizers_of_an_inactive_organization_no_longer_run_its_events(two_clubs):
    coding, _, organizer, _ = two_clubs
    event = make_event(organization_id=coding.pk, starts_at=timezone.now() - timedelta(hours=1))
    ticket = RegistrationFactory(page_id=event.pk)
    coding.is_active = False
    coding.save()
    organizer = User.objects.get(pk=organizer.pk)  # a new request

    with pytest.raises(NotAllowed):
        check_in(page_id=event.pk, scanned=ticket.code, actor=organizer)


def test_events_without_an_organization_are_run_by_staff_admins_only(two_clubs):
    organizer = two_clubs[2]
    event = make_event(organization_id=None, starts_at=timezone.now() - timedelta(hours=1))
    ticket = RegistrationFactory(page_id=event.pk)
    staff = in_role(UserFactory(is_staff=True), Role.STAFF_ADMIN)

    with pytest.raises(NotAllowed):
        check_in(page_id=event.pk, scanned=ticket.code, actor=organizer)
    assert check_in(page_id=event.pk, scanned=ticket.code, actor=staff).admitted


def test_an_organizer_cannot_move_an_event_to_another_organization_or_to_none(two_clubs):
    coding, cce, organizer, _ = two_clubs
    event = make_event(organization_id=coding.pk)

    for target in (cce.pk, None):
        event.organization_id = target
        with pytest.raises(NotAllowed):
            registration_services.event_record_sync(page=event, actor=organizer)
    assert EventRecord.objects.get(page_id=event.pk).organization_id == coding.pk


# --- imports ---------------------------------------------------------------


def test_import_uploads_do_not_outlive_their_import(settings):
    old = default_storage.save(f"{imports.IMPORT_UPLOADS_FOLDER}/old.csv", ContentFile(b"email\nsomeone@x.org\n"))
    fresh = default_storage.save(f"{imports.IMPORT_UPLOADS_FOLDER}/fresh.csv", ContentFile(b"email\n"))
    later = timezone.now() + timedelta(minutes=settings.IMPORT_UPLOAD_MAX_AGE_MINUTES + 1)

    removed = imports.import_uploads_remove_stale(actor=SYSTEM, now=later)

    assert removed == 2 and not default_storage.exists(old) and not default_storage.exists(fresh)
    assert imports.import_uploads_remove_stale(actor=SYSTEM) == 0


def test_a_preview_with_errors_keeps_no_copy_of_the_file(client):
    signed_in(client, UserFactory(is_staff=True, is_superuser=True))
    people = SimpleUploadedFile(
        "people.csv", b"email,first_name,last_name,role\nnot-an-email,A,B,attendee\n", "text/csv"
    )

    response = client.post("/staff/registry/user/import/", {"import_file": people, "format": 0, "resource": 0})

    assert response.status_code == 200 and "not a valid email address" in response.content.decode()
    assert default_storage.listdir(imports.IMPORT_UPLOADS_FOLDER)[1] == []


def test_an_import_grants_no_more_than_the_importer_may(two_clubs):
    coding, cce, organizer, _ = two_clubs
    staff = in_role(UserFactory(is_staff=True), Role.STAFF_ADMIN)
    row = {"email": "new@x.org", "first_name": "N", "last_name": "P", "role": "staff_admin", "organization": cce.name}

    by_staff = imports.PeopleImport([row], actor=staff).check(2, row, imports.Person())
    by_organizer = imports.PeopleImport([row], actor=organizer).check(2, row, imports.Person())

    assert by_staff == {}
    assert set(by_organizer) == {"role", "organization"}
