"""An event's control room at /staff/events/<page_id>/: its organizers and staff admins see its figures and
registrations over time, find participants and check someone in by name, upload an attendance sheet and tick
the rows to check in, issue certificates or send one person theirs again, and read the messages sent about it.
Anyone else finds nothing there."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    EventRecord,
    Membership,
    Message,
    RegistrationStatus,
    Role,
)
from registry.services import certificates as certificate_services
from registry.services import registrations as registration_services
from registry.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
    make_event,
    make_event_at_the_door,
    signed_in,
)

pytestmark = pytest.mark.django_db

SECTIONS = (
    "staff_event_control_room",
    "staff_event_participants",
    "staff_event_participants_csv",
    "staff_event_attendance",
    "staff_event_certificates",
    "staff_event_messages",
)


def organizer_of(organization, **names):
    user = UserFactory(is_staff=True, in_roles=[Role.ORGANIZER], **names)
    MembershipFactory(user=user, organization=organization, role=Membership.Role.ORGANIZER)
    return user


def url(name: str, event) -> str:
    return reverse(name, args=[event.pk])


def client_for(user) -> Client:
    return signed_in(Client(), user)


def held(event) -> None:
    """The event took place: it started and ended earlier today."""
    now = timezone.now()
    EventRecord.objects.filter(page_id=event.pk).update(
        starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=1)
    )


@pytest.fixture
def campus():
    """The coding club's hack night is under way with five people registered (one already through the door);
    the robotics club runs a race of its own."""
    coding, robotics = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Robotics Club")
    hack_night = make_event_at_the_door(title="Hack Night", organization_id=coding.pk, capacity=10)
    robot_race = make_event_at_the_door(title="Robot Race", organization_id=robotics.pk)
    door = organizer_of(coding, first_name="Door", last_name="Keeper")
    people = {
        "ada": RegistrationFactory(page_id=hack_night.pk, full_name="Ada Lovelace", email="ada@example.org"),
        "grace": RegistrationFactory(page_id=hack_night.pk, full_name="Grace Hopper", email="grace@example.org"),
        "alan": RegistrationFactory(page_id=hack_night.pk, full_name="Alan Turing", email="alan@example.org"),
        "edsger": RegistrationFactory(
            page_id=hack_night.pk, full_name="Edsger Dijkstra", status=RegistrationStatus.WAITLISTED
        ),
        "barbara": RegistrationFactory(
            page_id=hack_night.pk, full_name="Barbara Liskov", status=RegistrationStatus.PENDING
        ),
    }
    Attendance.objects.create(registration=people["grace"], checked_in_by=door, method=Attendance.Method.SCAN)
    EventRecord.objects.filter(page_id=hack_night.pk).update(seats_taken=4)
    racer = RegistrationFactory(page_id=robot_race.pk, full_name="Racer Elsewhere")
    return {
        "hack_night": hack_night,
        "robot_race": robot_race,
        "people": people,
        "racer": racer,
        "organizer": organizer_of(coding, first_name="Olga", last_name="Organizer"),
        "door": door,
        "robotics_organizer": organizer_of(robotics),
        "staff_admin": StaffFactory(first_name="Sam", last_name="Admin"),
    }


# --- who gets in ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
def test_the_events_organizer_and_a_staff_admin_open_every_section(campus, section):
    for person in (campus["organizer"], campus["staff_admin"]):
        response = client_for(person).get(url(section, campus["hack_night"]))
        assert response.status_code == 200, (person, section)


@pytest.mark.parametrize("section", SECTIONS)
def test_another_organizations_organizer_and_a_mentor_find_nothing_there(campus, section):
    mentor = UserFactory(is_staff=True, in_roles=[Role.MENTOR])
    for person in (campus["robotics_organizer"], mentor):
        assert client_for(person).get(url(section, campus["hack_night"])).status_code == 404


def test_another_organizations_organizer_cannot_check_in_upload_issue_or_resend(campus):
    outsider = client_for(campus["robotics_organizer"])
    ada = campus["people"]["ada"]
    event = campus["hack_night"]

    answers = [
        outsider.post(url("staff_event_check_in_by_name", event), {"code": ada.code}).status_code,
        outsider.post(url("staff_event_attendance_commit", event), {"chosen": f"{ada.code}:0"}).status_code,
        outsider.post(url("staff_event_certificates_issue", event)).status_code,
        outsider.post(url("staff_event_certificate_reissue", event), {"code": "ANY"}).status_code,
    ]

    assert answers == [404, 404, 404, 404]
    assert not Attendance.objects.filter(registration=ada).exists()
    assert not CertificateBatch.objects.exists()


def test_signing_in_without_the_second_factor_is_sent_to_give_it(campus):
    client = signed_in(Client(), campus["organizer"], second_factor=False)
    response = client.get(url("staff_event_control_room", campus["hack_night"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_my_events_and_the_event_records_admin_link_to_the_control_room(campus):
    client = client_for(campus["organizer"])
    room = url("staff_event_control_room", campus["hack_night"])
    assert room in client.get(reverse("staff_my_events")).content.decode()
    record = EventRecord.objects.get(page_id=campus["hack_night"].pk)
    staff = client_for(campus["staff_admin"])
    assert room in staff.get(reverse("admin:registry_eventrecord_change", args=[record.pk])).content.decode()
    assert room in staff.get(reverse("admin:registry_eventrecord_changelist")).content.decode()


# --- overview: figures and registrations over time ----------------------------------------------------------------


def test_the_overview_counts_registrations_and_charts_them_per_day_on_labelled_axes(campus):
    event = campus["hack_night"]
    three_days_ago = timezone.now() - timedelta(days=3)
    RegistrationFactory.create_batch(2, page_id=event.pk, created_at=three_days_ago)

    response = client_for(campus["organizer"]).get(url("staff_event_control_room", event))

    figures = response.context["event"]
    assert (figures.registered, figures.confirmed, figures.waitlisted, figures.pending, figures.checked_in) == (
        7,
        5,
        1,
        1,
        1,
    )
    assert figures.seats_left == 6
    chart = response.context["chart"]
    assert chart["per"] == "day" and chart["total"] == 7
    assert [bar["count"] for bar in chart["bars"]] == [2, 0, 0, 5]
    page = response.content.decode()
    for words in ("Awaiting approval", "Seats left", "Registrations over time", ">Registrations</text>", ">Day</text>"):
        assert words in page
    content = page.split('id="content-main"')[1]
    assert "<svg" in content and "<script" not in content.split("</svg>")[0], "the chart is drawn on the server"


def test_a_long_registration_history_is_charted_per_week(campus):
    event = campus["hack_night"]
    RegistrationFactory(page_id=event.pk, created_at=timezone.now() - timedelta(days=80))

    chart = client_for(campus["organizer"]).get(url("staff_event_control_room", event)).context["chart"]

    assert chart["per"] == "week" and chart["total"] == 6
    assert len(chart["bars"]) in (12, 13)


# --- participants ---------------------------------------------------------------------------------------------------


def names(response) -> list[str]:
    return [registration.full_name for registration in response.context["page_obj"]]


def test_participants_are_found_by_name_email_or_ticket_code_and_filtered_by_status(campus):
    client = client_for(campus["organizer"])
    participants = url("staff_event_participants", campus["hack_night"])
    alan = campus["people"]["alan"]

    assert names(client.get(participants)) == [
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
        "Edsger Dijkstra",
        "Barbara Liskov",
    ]
    assert names(client.get(participants, {"q": "hopper"})) == ["Grace Hopper"]
    assert names(client.get(participants, {"q": "ada@example"})) == ["Ada Lovelace"]
    assert names(client.get(participants, {"q": alan.code.lower()})) == ["Alan Turing"]
    assert names(client.get(participants, {"status": "waitlisted"})) == ["Edsger Dijkstra"]
    assert names(client.get(participants, {"q": "Racer"})) == []  # another event's participant


def test_participants_are_listed_25_a_page(campus):
    RegistrationFactory.create_batch(30, page_id=campus["hack_night"].pk)
    client = client_for(campus["organizer"])
    participants = url("staff_event_participants", campus["hack_night"])

    first, second = client.get(participants), client.get(participants, {"page": 2})

    assert len(names(first)) == 25 and len(names(second)) == 10
    assert "Page 1 of 2" in first.content.decode()


def test_checking_in_by_name_goes_through_the_check_in_service_and_records_method_and_steward(campus):
    client = client_for(campus["organizer"])
    ada = campus["people"]["ada"]
    check_in = url("staff_event_check_in_by_name", campus["hack_night"])

    response = client.post(check_in, {"code": ada.code, "q": "ada"}, follow=True)

    arrival = Attendance.objects.get(registration=ada)
    assert (arrival.method, arrival.checked_in_by, arrival.session) == (
        Attendance.Method.BY_NAME,
        campus["organizer"],
        Attendance.WHOLE_EVENT,
    )
    assert response.redirect_chain[-1][0] == url("staff_event_participants", campus["hack_night"]) + "?q=ada"
    page = response.content.decode()
    assert "Ada Lovelace is checked in." in page
    assert "by Olga Organizer (By name)" in page

    again = client.post(check_in, {"code": ada.code}, follow=True).content.decode()

    assert "Ada Lovelace: Already checked in at" in again and "by Olga Organizer (by name)" in again
    assert Attendance.objects.filter(registration=ada).count() == 1


def test_someone_checked_in_at_the_door_shows_when_and_by_whom_and_has_no_button(campus):
    page = client_for(campus["organizer"]).get(url("staff_event_participants", campus["hack_night"]), {"q": "Grace"})
    text = page.content.decode()
    assert "by Door Keeper (QR scan)" in text
    assert "Check in<span" not in text


def test_checking_in_by_name_refuses_who_the_door_would_refuse(campus):
    client = client_for(campus["organizer"])
    edsger = campus["people"]["edsger"]

    response = client.post(
        url("staff_event_check_in_by_name", campus["hack_night"]), {"code": edsger.code}, follow=True
    )

    assert "Not admitted: this registration is waitlisted." in response.content.decode()
    assert not Attendance.objects.filter(registration=edsger).exists()


def test_the_participants_download_has_every_participant_under_readable_headings(campus):
    response = client_for(campus["organizer"]).get(url("staff_event_participants_csv", campus["hack_night"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Ticket code", "Event", "Name"]
    assert "Checked in at" in rows[0] and "Status" in rows[0]
    assert not any("_" in header for header in rows[0])
    by_name = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert sorted(by_name) == ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Grace Hopper"]
    assert by_name["Edsger Dijkstra"]["Status"] == "Waitlisted"
    assert by_name["Grace Hopper"]["Checked in at"] and not by_name["Ada Lovelace"]["Checked in at"]


# --- attendance sheet -----------------------------------------------------------------------------------------------


def sheet(*rows: str, header: str = "Code,Session") -> io.BytesIO:
    upload = io.BytesIO(("\n".join([header, *rows]) + "\n").encode())
    upload.name = "attendance.csv"
    return upload


def test_the_attendance_preview_shows_names_sessions_and_what_changes_and_lists_unknown_codes_apart(campus):
    people, racer = campus["people"], campus["racer"]
    upload = sheet(
        f"{people['ada'].code},",
        f"{people['grace'].code},",
        f"{people['edsger'].code},",
        "NOSUCHCODE1,",
        f"{racer.code},",
    )

    response = client_for(campus["organizer"]).post(
        url("staff_event_attendance", campus["hack_night"]), {"sheet": upload}
    )

    preview = response.context["preview"]
    rows = {row["line"].name: (row["session"], row["line"].state) for row in preview["rows"]}
    assert rows == {
        "Ada Lovelace": ("Whole event", "new"),
        "Grace Hopper": ("Whole event", "already"),
        "Edsger Dijkstra": ("Whole event", "problem"),
    }
    assert [row["line"].code for row in preview["unknown"]] == ["NOSUCHCODE1", racer.code]
    page = response.content.decode()
    assert "Will be checked in" in page and "Already checked in at" in page and "Left as it is." in page
    assert "Not admitted: this registration is waitlisted." in page
    assert "Not found at this event" in page
    # Only the row that would check someone in can be ticked; nothing is written by the preview.
    assert page.count('name="chosen"') == 1
    assert not Attendance.objects.filter(registration=people["ada"]).exists()


def test_committing_checks_in_only_the_ticked_rows_and_never_touches_a_door_check_in(campus):
    people = campus["people"]
    client = client_for(campus["organizer"])
    EventRecord.objects.filter(page_id=campus["hack_night"].pk).update(session_ids=[])

    response = client.post(
        url("staff_event_attendance_commit", campus["hack_night"]),
        {"chosen": [f"{people['ada'].code}:0", f"{people['grace'].code}:0"]},
        follow=True,
    )

    assert "Checked in 1 person from the sheet; 1 was already checked in." in response.content.decode()
    ada = Attendance.objects.get(registration=people["ada"])
    assert (ada.method, ada.checked_in_by) == (Attendance.Method.UPLOAD, campus["organizer"])
    grace = Attendance.objects.get(registration=people["grace"])
    assert (grace.method, grace.checked_in_by) == (Attendance.Method.SCAN, campus["door"])
    assert not Attendance.objects.filter(registration=people["alan"]).exists()  # not ticked


def test_a_ticked_row_that_can_no_longer_be_checked_in_means_nothing_is_checked_in(campus):
    people = campus["people"]
    registration_services.registration_cancel(registration=people["alan"], actor=campus["staff_admin"])

    response = client_for(campus["organizer"]).post(
        url("staff_event_attendance_commit", campus["hack_night"]),
        {"chosen": [f"{people['ada'].code}:0", f"{people['alan'].code}:0"]},
        follow=True,
    )

    assert "Nothing was checked in: Not admitted: this registration is cancelled." in response.content.decode()
    assert not Attendance.objects.filter(registration__in=[people["ada"], people["alan"]]).exists()


def test_an_excel_sheet_by_email_is_previewed_too(campus):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Email"])
    workbook.active.append(["ALAN@example.org"])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "sheet.xlsx"

    response = client_for(campus["organizer"]).post(
        url("staff_event_attendance", campus["hack_night"]), {"sheet": upload}
    )

    [row] = response.context["preview"]["rows"]
    assert (row["line"].name, row["line"].state) == ("Alan Turing", "new")


def test_a_sheet_without_a_code_or_email_column_says_which_columns_it_found(campus):
    upload = sheet("Ada", header="Person")
    response = client_for(campus["organizer"]).post(
        url("staff_event_attendance", campus["hack_night"]), {"sheet": upload}
    )
    assert "its columns: Person" in response.content.decode()
    assert response.context["preview"] is None


# --- certificates -------------------------------------------------------------------------------------------------


@pytest.fixture
def workshop_held(campus, django_capture_on_commit_callbacks):
    """The hack night is over: Ada and Grace came, so both get a certificate."""
    event = campus["hack_night"]
    held(event)
    Attendance.objects.create(registration=campus["people"]["ada"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_batch_start(page_id=event.pk, actor=campus["staff_admin"])
    return event


def test_the_certificates_section_counts_who_is_eligible_before_issuing(campus):
    event = campus["hack_night"]
    held(event)

    response = client_for(campus["organizer"]).get(url("staff_event_certificates", event))

    assert (response.context["eligible"], response.context["waiting"], response.context["valid"]) == (1, 1, 0)
    assert "Issue 1 certificate" in response.content.decode()


def test_issuing_starts_the_batch_and_opens_its_progress_page(campus, django_capture_on_commit_callbacks):
    event = campus["hack_night"]
    held(event)

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(campus["organizer"]).post(url("staff_event_certificates_issue", event))

    batch = CertificateBatch.objects.get(page_id=event.pk)
    assert response["Location"] == reverse("admin:registry_certificatebatch_progress", args=[batch.pk])
    assert batch.requested_by == campus["organizer"]


def test_sending_one_person_their_certificate_again_replaces_it_and_emails_it(
    campus, workshop_held, django_capture_on_commit_callbacks
):
    ada = campus["people"]["ada"]
    before = Certificate.objects.get(registration=ada)
    ada.full_name = "Augusta Ada King"
    ada.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(campus["organizer"]).post(
            url("staff_event_certificate_reissue", workshop_held), {"code": before.code}, follow=True
        )

    after = Certificate.objects.get(registration=ada)
    assert (after.code, after.holder_name) == (before.code, "Augusta Ada King")
    assert after.sha256 != before.sha256 and after.pdf.name != before.pdf.name
    assert "Augusta Ada King's certificate was made again and is on its way to ada@example.org." in (
        html.unescape(response.content.decode())
    )
    [email] = mail.outbox
    assert email.to == ["ada@example.org"] and email.attachments[0][0] == f"certificate-{before.code}.pdf"
    assert (
        Message.objects.filter(registration=ada, channel="email", template__startswith="certificate_issued").count()
        == 2
    )
    assert CertificateBatch.objects.count() == 1  # one person, no new batch


def test_a_revoked_certificate_is_not_sent_again(campus, workshop_held):
    certificate = Certificate.objects.get(registration=campus["people"]["grace"])
    certificate_services.certificate_revoke(certificate=certificate, actor=campus["staff_admin"], reason="Mistake")

    response = client_for(campus["organizer"]).post(
        url("staff_event_certificate_reissue", workshop_held), {"code": certificate.code}, follow=True
    )

    assert "was revoked on" in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).sha256 == certificate.sha256


def test_the_certificates_section_shows_the_latest_batch_and_each_holder(campus, workshop_held):
    response = client_for(campus["organizer"]).get(url("staff_event_certificates", workshop_held))
    page = response.content.decode()
    assert "Done: 2 of 2 made" in page
    assert 'Send again<span class="visually-hidden"> to Ada Lovelace' in page
    assert response.context["waiting"] == 0


# --- messages -------------------------------------------------------------------------------------------------------


def test_the_messages_section_lists_what_was_sent_about_this_event_only(campus, django_capture_on_commit_callbacks):
    hack_night, robot_race = campus["hack_night"], campus["robot_race"]
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.registration_create(page=hack_night, email="new@example.org", full_name="New Person")
        registration_services.registration_create(page=robot_race, email="racer@example.org", full_name="Racer")

    response = client_for(campus["organizer"]).get(url("staff_event_messages", hack_night))

    addresses = [message.address for message in response.context["page_obj"]]
    assert addresses == ["new@example.org"]
    assert "Email" in response.content.decode()


# --- cost: pages do not grow with the number of participants -------------------------------------------------------


def queries_for(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_control_room_and_participants_cost_the_same_for_3_or_30_people():
    organization = OrganizationFactory()
    organizer = organizer_of(organization)
    steward = organizer_of(organization)
    small, large = (make_event(organization_id=organization.pk, capacity=None) for _ in range(2))
    for event, n in ((small, 3), (large, 30)):
        for index, registration in enumerate(RegistrationFactory.create_batch(n, page_id=event.pk)):
            if index % 2 == 0:  # both events have people checked in (an empty list would skip a query)
                Attendance.objects.create(registration=registration, checked_in_by=steward)
        RegistrationFactory(page_id=event.pk, status=RegistrationStatus.WAITLISTED)
    client = client_for(organizer)

    for section in ("staff_event_control_room", "staff_event_participants", "staff_event_participants_csv"):
        for event in (small, large):  # warm caches (permissions, content types, site paths) for both addresses
            queries_for(client, url(section, event))
        assert queries_for(client, url(section, small)) == queries_for(client, url(section, large)), section


# --- the services refuse whoever does not run the event, whatever screen asks -----------------------------------


def test_the_services_behind_the_control_room_refuse_another_organizations_organizer(campus, workshop_held):
    from registry.services import NotAllowed
    from registry.services import attendance as attendance_services

    outsider = campus["robotics_organizer"]
    ada = campus["people"]["ada"]
    certificate = Certificate.objects.get(registration=ada)

    with pytest.raises(NotAllowed):
        certificate_services.certificate_reissue(certificate=certificate, actor=outsider)
    with pytest.raises(NotAllowed):
        attendance_services.attendance_sheet_commit(actor=outsider, page_id=workshop_held.pk, chosen=[(ada.code, 0)])
    with pytest.raises(NotAllowed):
        attendance_services.attendance_sheet_preview(
            actor=outsider, page_id=workshop_held.pk, lines=[(ada.code, "", "0")]
        )
    assert Certificate.objects.get(pk=certificate.pk).sha256 == certificate.sha256
