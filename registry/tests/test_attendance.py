"""Check-in: every answer the door staff rely on, the eligibility rule, and bulk upload."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from registry import otp
from registry.models import Attendance, EventRecord, Membership, Organization, RegistrationStatus, Role
from registry.selectors import eligible_registrations
from registry.services import NotAllowed, attendance
from registry.services import registrations as service
from registry.services.attendance import Outcome, checkin_token
from registry.tests.factories import PASSWORD, OrganizationFactory, StaffFactory, UserFactory, make_event_at_the_door

pytestmark = pytest.mark.django_db


def confirmed(event, email="a@example.org"):
    person = UserFactory(email=email)
    return service.registration_create(page=event, email=person.email, full_name="Ada Lovelace", user=person)


def run_by_organizer(**settings):
    """An event of an organization, and an organizer of that organization who checks people in at its door."""
    organization = OrganizationFactory()
    event = make_event_at_the_door(organization_id=organization.pk, **settings)
    organizer = UserFactory(in_roles=[Role.ORGANIZER], first_name="Omar", last_name="Organizer")
    Membership.objects.create(user=organizer, organization=organization, role=Membership.Role.ORGANIZER)
    return event, organizer


def test_a_scanned_ticket_checks_in_once_then_says_when_and_by_whom():
    event = make_event_at_the_door()
    registration = confirmed(event)
    staff = StaffFactory(first_name="Door", last_name="Keeper")

    first = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=staff)
    second = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=staff)

    assert first.outcome == Outcome.CHECKED_IN and first.message == "Welcome, Ada Lovelace!"
    assert second.outcome == Outcome.ALREADY
    assert "Already checked in at" in second.message and "Door Keeper" in second.message
    assert Attendance.objects.filter(registration=registration).count() == 1


def test_a_typed_code_works_like_a_scan():
    event, organizer = run_by_organizer()
    registration = confirmed(event)

    result = attendance.check_in(
        page_id=event.pk, scanned=f" {registration.code.lower()} ", actor=organizer, method=Attendance.Method.MANUAL
    )
    again = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=organizer)

    assert result.outcome == Outcome.CHECKED_IN
    assert again.outcome == Outcome.ALREADY
    assert "by Omar Organizer (typed code)." in again.message


@pytest.mark.parametrize(
    ("make_scan", "outcome"),
    [
        (lambda r, other: checkin_token(r)[:-2] + "xx", Outcome.FORGED),
        (lambda r, other: "NOSUCHCODE", Outcome.UNKNOWN),
        (lambda r, other: checkin_token(other), Outcome.WRONG_EVENT),
    ],
)
def test_bad_scans_are_refused_with_a_reason(make_scan, outcome):
    event, organizer = run_by_organizer()
    elsewhere = make_event_at_the_door(title="Other event", organization_id=OrganizationFactory().pk)
    registration = confirmed(event)
    other = confirmed(elsewhere, email="b@example.org")

    result = attendance.check_in(page_id=event.pk, scanned=make_scan(registration, other), actor=organizer)

    assert result.outcome == outcome
    assert not result.admitted
    assert Attendance.objects.count() == 0


def test_a_ticket_for_another_event_is_named_only_to_those_who_run_that_event_too():
    event, organizer = run_by_organizer()
    theirs = make_event_at_the_door(title="Their gala", organization_id=OrganizationFactory().pk)
    ours = make_event_at_the_door(title="Our other day", organization_id=event.organization_id)
    for_theirs = confirmed(theirs, email="t@example.org")
    for_ours = confirmed(ours, email="o@example.org")

    outsider = attendance.check_in(page_id=event.pk, scanned=checkin_token(for_theirs), actor=organizer)
    insider = attendance.check_in(page_id=event.pk, scanned=checkin_token(for_ours), actor=organizer)

    assert outsider.outcome == Outcome.WRONG_EVENT and not outsider.admitted
    assert outsider.message == "This ticket is for another event." and outsider.registration is None
    assert insider.outcome == Outcome.WRONG_EVENT and not insider.admitted
    assert insider.message == "This registration is for another event: Our other day."
    assert insider.registration == for_ours
    assert not Attendance.objects.exists()


def test_only_the_events_organizers_and_staff_admins_check_people_in():
    event, organizer = run_by_organizer()
    registration = confirmed(event)
    other_organizer = UserFactory(in_roles=[Role.ORGANIZER])
    Membership.objects.create(user=other_organizer, organization=OrganizationFactory(), role=Membership.Role.ORGANIZER)
    member = UserFactory(in_roles=[Role.ATTENDEE])
    Membership.objects.create(user=member, organization_id=event.organization_id, role=Membership.Role.MEMBER)
    no_permission = UserFactory()
    Membership.objects.create(user=no_permission, organization_id=event.organization_id, role=Membership.Role.ORGANIZER)

    for outsider in (None, other_organizer, member, no_permission):
        with pytest.raises(NotAllowed):
            attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=outsider)
    assert not Attendance.objects.exists()

    assert attendance.check_in(page_id=event.pk, scanned=registration.code, actor=StaffFactory()).admitted


def test_organizers_of_an_inactive_organization_no_longer_check_people_in():
    event, organizer = run_by_organizer()
    registration = confirmed(event)
    Organization.objects.filter(pk=event.organization_id).update(is_active=False)

    with pytest.raises(NotAllowed):
        attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=organizer)
    assert not Attendance.objects.exists()


def after_the_end_of(event, by: timedelta):
    """The clock at `by` after the event's end (it was registered for while still upcoming)."""
    return time_machine.travel(event.ends_at + by, tick=False)


@override_settings(CHECKIN_CLOSES_AFTER_END_MINUTES=120)
def test_a_ticket_expires_at_the_door_some_time_after_its_event_ends():
    event, organizer = run_by_organizer()
    registration = confirmed(event)

    with after_the_end_of(event, timedelta(minutes=119)):
        latecomer = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=organizer)
    Attendance.objects.all().delete()
    with after_the_end_of(event, timedelta(minutes=121)):
        too_late = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=organizer)

    assert latecomer.outcome == Outcome.CHECKED_IN
    assert too_late.outcome == Outcome.EXPIRED and not too_late.admitted
    assert too_late.message.startswith("This ticket has expired: the event ended on ")
    assert not Attendance.objects.exists()


def test_an_attendance_sheet_uploaded_after_the_event_still_records_who_came():
    event, organizer = run_by_organizer()
    registration = confirmed(event)

    with after_the_end_of(event, timedelta(days=2)):
        result = attendance.check_in(
            page_id=event.pk, scanned=registration.code, actor=organizer, method=Attendance.Method.UPLOAD
        )

    assert result.outcome == Outcome.CHECKED_IN


def test_cancelled_and_waitlisted_people_are_not_admitted():
    event, organizer = run_by_organizer(capacity=1)
    holder = confirmed(event)
    waiting = confirmed(event, email="w@example.org")
    service.registration_cancel(registration=holder, actor=holder.user)

    for registration in (holder, waiting):
        registration.refresh_from_db()
        result = attendance.check_in(page_id=event.pk, scanned=checkin_token(registration), actor=organizer)
        assert result.outcome == Outcome.NOT_CONFIRMED
        assert registration.get_status_display().lower() in result.message


def test_a_session_that_is_not_the_events_is_refused():
    event, organizer = run_by_organizer()
    registration = confirmed(event)

    result = attendance.check_in(page_id=event.pk, scanned=registration.code, actor=organizer, session=999)

    assert result.outcome == Outcome.WRONG_SESSION


@pytest.mark.django_db(transaction=True)
def test_two_devices_scanning_the_same_ticket_at_once_admit_it_once():
    event, organizer = run_by_organizer()
    registration = confirmed(event)
    token = checkin_token(registration)
    barrier = threading.Barrier(2)
    outcomes = []

    def scan():
        try:
            barrier.wait()
            outcomes.append(attendance.check_in(page_id=event.pk, scanned=token, actor=organizer).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([Outcome.CHECKED_IN, Outcome.ALREADY])
    assert Attendance.objects.filter(registration=registration).count() == 1


def test_eligibility_needs_the_events_share_of_sessions():
    event = make_event_at_the_door()
    record = EventRecord.objects.get(page_id=event.pk)
    record.session_ids = [11, 12, 13, 14]
    record.attendance_threshold = 75
    record.save()
    keen, partial = confirmed(event), confirmed(event, email="p@example.org")
    for session in (11, 12, 13):
        Attendance.objects.create(registration=keen, session=session)
    for session in (11, 12):
        Attendance.objects.create(registration=partial, session=session)

    assert list(eligible_registrations(event.pk)) == [keen]


def test_without_sessions_arriving_is_enough():
    event = make_event_at_the_door()
    came, missed = confirmed(event), confirmed(event, email="m@example.org")
    Attendance.objects.create(registration=came)

    assert list(eligible_registrations(event.pk)) == [came]
    assert missed.status == RegistrationStatus.CONFIRMED


def staff_client(client, **extra):
    staff = StaffFactory(is_superuser=True, **extra)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    return staff


def test_the_checkin_page_answers_scans_as_json(client):
    event = make_event_at_the_door(title="Demo day")
    registration = confirmed(event)
    staff_client(client)

    page = client.get(f"/staff/registry/eventrecord/{event.pk}/checkin/")
    assert page.status_code == 200 and b"jsQR.js" in page.content

    url = f"/staff/registry/eventrecord/{event.pk}/checkin/scan/"
    first = client.post(url, {"code": checkin_token(registration)}).json()
    again = client.post(url, {"code": registration.code, "typed": "1"}).json()
    empty = client.post(url, {"code": ""})

    assert first["outcome"] == "checked_in" and first["progress"] == {"confirmed": 1, "checked_in": 1}
    assert again["outcome"] == "already_checked_in"
    assert empty.status_code == 400


def test_organizers_cannot_open_check_in_for_another_organizations_event(client):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    event = make_event_at_the_door(organization_id=theirs.pk)
    confirmed(event)
    organizer = UserFactory(is_staff=True, in_roles=["organizer"])
    organizer.user_permissions.add(*Permission.objects.filter(codename__in=["add_attendance", "view_eventrecord"]))
    Membership.objects.create(user=organizer, organization=ours, role=Membership.Role.ORGANIZER)
    otp.backup_codes_regenerate(organizer, codes=["code-o"])
    client.post("/accounts/login/", {"login": organizer.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-o", "next": "/staff/"})

    assert client.get(f"/staff/registry/eventrecord/{event.pk}/checkin/").status_code == 404


def organizer_client(client, organizer):
    """The organizer signed in to the back office with their second factor."""
    organizer.is_staff = True
    organizer.save(update_fields=["is_staff"])
    otp.backup_codes_regenerate(organizer, codes=["code-u"])
    client.post("/accounts/login/", {"login": organizer.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-u", "next": "/staff/"})
    return organizer


def upload(client, event, csv: bytes):
    return client.post(
        "/staff/registry/attendance/import/",
        {
            "event": event.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("attendance.csv", csv, content_type="text/csv"),
        },
    )


def test_bulk_attendance_upload_previews_per_row_errors_and_writes_nothing(client):
    event = make_event_at_the_door(title="Upload day")
    ada = confirmed(event)
    cancelled = confirmed(event, email="c@example.org")
    service.registration_cancel(registration=cancelled, actor=cancelled.user)
    other_event = make_event_at_the_door(title="Elsewhere")
    stranger = confirmed(other_event, email="s@example.org")
    staff_client(client)
    csv = (
        f"code,email,session\n{ada.code},,\n{stranger.code},,\n,nobody@example.org,\n"
        f"{cancelled.code},,\n{ada.code},,7\n"
    ).encode()

    response = client.post(
        "/staff/registry/attendance/import/",
        {
            "event": event.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("attendance.csv", csv, content_type="text/csv"),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{stranger.code} is a registration for another event." in html
    assert "Nobody at this event has the email address nobody@example.org." in html
    assert "Not admitted: this registration is cancelled." in html
    assert "That session does not belong to this event." in html
    assert "nothing will be written" in html and "confirm_form" not in response.context
    assert Attendance.objects.count() == 0


def test_bulk_attendance_upload_by_email_checks_people_in_after_confirming(client):
    event = make_event_at_the_door(title="Upload day")
    ada, bob = confirmed(event), confirmed(event, email="bob@example.org")
    staff = staff_client(client)
    csv = b"email\na@example.org\nBOB@example.org\n"

    preview = client.post(
        "/staff/registry/attendance/import/",
        {
            "event": event.pk,
            "format": "0",
            "resource": "0",
            "import_file": SimpleUploadedFile("attendance.csv", csv, content_type="text/csv"),
        },
    )
    assert Attendance.objects.count() == 0
    confirm = preview.context["confirm_form"]
    response = client.post(
        "/staff/registry/attendance/process_import/",
        {**confirm.initial, "event": event.pk},
    )

    assert response.status_code == 302
    assert set(Attendance.objects.values_list("registration_id", "method", "checked_in_by")) == {
        (ada.pk, "upload", staff.pk),
        (bob.pk, "upload", staff.pk),
    }


def test_organizers_upload_sheets_only_for_their_events_and_people_are_checked_in_as_them(client):
    event, organizer = run_by_organizer(title="Our day")
    theirs = make_event_at_the_door(title="Their day", organization_id=OrganizationFactory().pk)
    ada = confirmed(event)
    organizer_client(client, organizer)

    form = client.get("/staff/registry/attendance/import/").context["form"]
    assert list(form.fields["event"].queryset.values_list("title", flat=True)) == ["Our day"]
    refused = upload(client, theirs, b"email\na@example.org\n")
    assert "confirm_form" not in refused.context and refused.context["form"].errors["event"]

    preview = upload(client, event, b"email\na@example.org\n")
    response = client.post(
        "/staff/registry/attendance/process_import/", {**preview.context["confirm_form"].initial, "event": event.pk}
    )

    assert response.status_code == 302
    assert list(Attendance.objects.values_list("registration_id", "method", "checked_in_by")) == [
        (ada.pk, "upload", organizer.pk)
    ]


def test_an_uploaded_sheet_never_overwrites_a_check_in_at_the_door(client):
    event, organizer = run_by_organizer(title="Upload day")
    ada, bob = confirmed(event), confirmed(event, email="bob@example.org")
    at_the_door = attendance.check_in(page_id=event.pk, scanned=checkin_token(ada), actor=organizer).attendance
    staff = staff_client(client)

    preview = upload(client, event, b"email\na@example.org\nbob@example.org\n")
    assert "0 updated · 1 unchanged" in preview.content.decode()
    response = client.post(
        "/staff/registry/attendance/process_import/", {**preview.context["confirm_form"].initial, "event": event.pk}
    )

    assert response.status_code == 302
    assert set(Attendance.objects.values_list("registration_id", "method", "checked_in_by")) == {
        (ada.pk, "scan", organizer.pk),
        (bob.pk, "upload", staff.pk),
    }
    assert Attendance.objects.get(registration=ada).checked_in_at == at_the_door.checked_in_at
