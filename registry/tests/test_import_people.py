"""Staff import people from CSV/XLSX at /staff/: a preview first, then all rows or none."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from registry import otp
from registry.models import Membership, MentorProfile, Organization, Role, StudentProfile, User
from registry.tests.factories import PASSWORD, OrganizationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/staff/registry/user/import/"
CONFIRM_URL = "/staff/registry/user/process_import/"
HEADER = "email,first_name,last_name,role,organization,membership_role,usn,department,semester,employee_id,mentor_email"
CSV, XLSX = "0", "1"


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    assert client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD}).status_code == 302
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    client.staff = staff
    return client


@pytest.fixture
def campus(db):
    return {
        "club": OrganizationFactory(name="Coding Club", slug="coding-club"),
        "cse": OrganizationFactory(
            name="Department of Computer Science", slug="cse", kind=Organization.Kind.DEPARTMENT
        ),
    }


def csv_file(*lines: str, header: str = HEADER, encoding: str = "utf-8", name: str = "people.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *lines]).encode(encoding), content_type="text/csv")


def preview(client, upload, fmt: str = CSV, url: str = IMPORT_URL):
    return client.post(url, {"import_file": upload, "format": fmt, "resource": "0"})


def confirm(client, response, url: str = CONFIRM_URL):
    return client.post(url, response.context["confirm_form"].initial, follow=True)


MENTOR = "mentor@example.edu,Meera,Iyer,mentor,,,,Department of Computer Science,,EMP-1,"
STUDENT = (
    "stu@example.edu,Sam,Shah,attendee,Coding Club,member,1cs21001,Department of Computer Science,5,,mentor@example.edu"
)


def test_preview_writes_nothing_and_confirming_creates_people_with_roles_memberships_and_profiles(
    staff_client, campus, django_capture_on_commit_callbacks
):
    people_before = User.objects.count()

    response = preview(staff_client, csv_file(MENTOR, STUDENT))

    assert response.status_code == 200
    assert [row.import_type for row in response.context["result"].rows] == ["new", "new"]
    assert b"2 new" in response.content
    assert User.objects.count() == people_before
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(staff_client, response)

    assert b"Import finished: 2 new, 0 updated, 0 unchanged." in done.content
    student = User.objects.get(email="stu@example.edu")
    assert not student.has_usable_password()
    assert student.roles == {Role.ATTENDEE}
    assert Membership.objects.get(user=student).organization == campus["club"]
    profile = StudentProfile.objects.get(user=student)
    assert (profile.usn, profile.semester, profile.department, profile.mentor.email) == (
        "1CS21001",
        5,
        campus["cse"],
        "mentor@example.edu",
    )
    assert MentorProfile.objects.get(employee_id="EMP-1").user.roles == {Role.MENTOR}
    assert student.history.first().history_user == staff_client.staff
    assert sorted(message.to[0] for message in mail.outbox) == ["mentor@example.edu", "stu@example.edu"]
    assert "set your password" in mail.outbox[0].subject


def test_existing_people_are_updated_by_email_in_any_case_and_unchanged_rows_are_reported(staff_client, campus):
    existing = UserFactory(email="stu@example.edu", first_name="Old", last_name="Name")
    existing.groups.add(Group.objects.get(name=Role.ATTENDEE))
    same = UserFactory(email="same@example.edu", first_name="Sue", last_name="Same")
    same.groups.add(Group.objects.get(name=Role.ATTENDEE))

    response = preview(
        staff_client,
        csv_file(
            "STU@Example.edu,Sam,Shah,attendee,,,,,,,",
            "same@example.edu,Sue,Same,attendee,,,,,,,",
        ),
    )
    assert [row.import_type for row in response.context["result"].rows] == ["update", "skip"]
    assert b"1 updated" in response.content
    assert b"1 unchanged" in response.content

    confirm(staff_client, response)

    assert User.objects.filter(email__iexact="stu@example.edu").count() == 1
    existing.refresh_from_db()
    assert (existing.first_name, existing.last_name) == ("Sam", "Shah")
    assert existing.has_usable_password(), "updating a person keeps their password"


def test_rows_with_errors_are_listed_per_row_and_nothing_is_written(staff_client, campus):
    other = UserFactory(email="other@example.edu")
    StudentProfile.objects.create(user=other, usn="1CS00001")
    lines = [
        "not-an-email,A,B,attendee,,,,,,,",
        "a@example.edu,A,B,wizard,,,,,,,",
        "b@example.edu,B,B,attendee,Chess Club,,,,,,",
        "c@example.edu,C,C,attendee,,,,Department of Magic,,,",
        "d@example.edu,D,D,attendee,,,1CS1,,13,,",
        "e@example.edu,E,E,attendee,,,1CS2,,,,nobody@example.edu",
        'f@example.edu,=HYPERLINK("http://x"),F,attendee,,,,,,,',
        "g@example.edu,G,G,attendee,,,1cs00001,,,,",
        "h@example.edu,H,H,attendee,,,,,,,",
        "H@example.edu,H,H,attendee,,,,,,,",
        "i@example.edu,I,I,attendee,,,,,,,",
    ]
    people_before = User.objects.count()

    response = preview(staff_client, csv_file(*lines))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert errors[1] == {"email": ["“not-an-email” is not a valid email address."]}
    assert "Unknown role “wizard”" in errors[2]["role"][0]
    assert errors[3] == {"organization": ["Unknown organization “Chess Club”."]}
    assert errors[4] == {"department": ["Unknown department “Department of Magic”."]}
    assert "from 1 to 12" in errors[5]["semester"][0]
    assert "Unknown mentor" in errors[6]["mentor_email"][0]
    assert errors[7] == {"first_name": ["This cell looks like a formula; remove the leading =, +, - or @."]}
    assert errors[8] == {"usn": ["USN 1CS00001 belongs to other@example.edu."]}
    assert errors[10] == {"email": ["This person is already on row 9 of the file."]}
    assert set(errors) == {1, 2, 3, 4, 5, 6, 7, 8, 10}
    assert b"9 with errors" in response.content
    assert b"cell looks like a formula" in response.content
    assert User.objects.count() == people_before


@pytest.mark.parametrize("value", ["+1", "-1", "@SUM(A1)", " =1+1"])
def test_every_formula_prefix_is_refused(staff_client, campus, value):
    response = preview(staff_client, csv_file(f"a@example.edu,{value},B,attendee,,,,,,,"))

    (row,) = response.context["result"].invalid_rows
    assert "looks like a formula" in row.error_dict["first_name"][0]


def test_an_employee_id_of_someone_else_is_a_row_error(staff_client, campus):
    MentorProfile.objects.create(user=UserFactory(email="boss@example.edu"), employee_id="EMP-9")

    response = preview(staff_client, csv_file("new@example.edu,N,M,mentor,,,,,,EMP-9,"))

    (row,) = response.context["result"].invalid_rows
    assert row.error_dict == {"employee_id": ["Employee id EMP-9 belongs to boss@example.edu."]}


def test_missing_and_unknown_columns_are_named(staff_client):
    response = preview(staff_client, csv_file("a@example.edu,A,attendee,x", header="email,first_name,role,colour"))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    content = response.content.decode()
    assert "missing required column(s): last_name" in content
    assert "unknown column(s): colour" in content
    assert "Traceback" not in content
    assert not response.context["result"].rows


def test_a_latin1_file_gets_a_clear_message(staff_client):
    response = preview(staff_client, csv_file("jose@example.edu,José,Núñez,attendee,,,,,,,", encoding="latin-1"))

    assert response.status_code == 200
    assert "not UTF-8 text" in response.context["form"].errors["import_file"][0]


def test_an_oversized_file_is_refused_before_reading(staff_client, settings):
    upload = SimpleUploadedFile("big.csv", b"x" * (settings.IMPORT_MAX_UPLOAD_BYTES + 1), content_type="text/csv")

    response = preview(staff_client, upload)

    assert response.status_code == 200
    assert "files up to 5 MB can be imported" in response.context["form"].errors["import_file"][0]


def test_an_xlsx_file_imports_like_a_csv(staff_client, campus):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(MENTOR.split(","))
    row = STUDENT.split(",")
    row[8] = 5  # a number cell, as Excel stores it
    book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())

    response = preview(staff_client, upload, fmt=XLSX)
    assert [row.import_type for row in response.context["result"].rows] == ["new", "new"]
    confirm(staff_client, response)

    assert StudentProfile.objects.get(user__email="stu@example.edu").semester == 5


def test_a_file_that_went_wrong_after_the_preview_writes_nothing(staff_client, campus):
    response = preview(staff_client, csv_file(MENTOR, STUDENT))
    StudentProfile.objects.create(user=UserFactory(email="fast@example.edu"), usn="1CS21001")
    people_before = User.objects.count()

    done = confirm(staff_client, response)

    assert b"Nothing was imported" in done.content
    assert User.objects.count() == people_before


def test_organizers_cannot_import_people(client):
    organizer = UserFactory(is_staff=True, in_roles=[Role.ORGANIZER])
    otp.backup_codes_regenerate(organizer, codes=["code-o"])
    client.post("/accounts/login/", {"login": organizer.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-o", "next": "/staff/"})

    assert client.get(IMPORT_URL).status_code == 403
