"""Mentor–mentee assignments come from a CSV of mentor_email plus the student's email or USN."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry import otp
from registry.models import MentorProfile, Role, StudentProfile
from registry.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/staff/registry/studentprofile/import/"


@pytest.fixture
def staff_client():
    client = Client()
    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    return client


@pytest.fixture
def people():
    mentor = UserFactory(email="meera@example.edu")
    MentorProfile.objects.create(user=mentor, employee_id="EMP-1")
    other_mentor = UserFactory(email="omar@example.edu")
    other_mentor.groups.add(Group.objects.get(name=Role.MENTOR))
    with_usn = StudentProfile.objects.create(user=UserFactory(email="sam@example.edu"), usn="1CS001")
    without_profile = UserFactory(email="nia@example.edu")
    return {"mentor": mentor, "other_mentor": other_mentor, "with_usn": with_usn, "without_profile": without_profile}


def upload(client, text: str):
    file = SimpleUploadedFile("mentors.csv", text.encode(), content_type="text/csv")
    return client.post(IMPORT_URL, {"import_file": file, "format": "0"})


def test_assignments_by_usn_or_email_are_previewed_then_written(staff_client, people):
    response = upload(
        staff_client,
        "mentor_email,student_email,usn\nmeera@example.edu,,1cs001\nOMAR@example.edu,nia@example.edu,\n",
    )

    assert [row.import_type for row in response.context["result"].rows] == ["update", "update"]
    assert StudentProfile.objects.get(usn="1CS001").mentor is None, "the preview writes nothing"
    staff_client.post(
        "/staff/registry/studentprofile/process_import/", response.context["confirm_form"].initial, follow=True
    )

    assert StudentProfile.objects.get(usn="1CS001").mentor == people["mentor"]
    assert StudentProfile.objects.get(user=people["without_profile"]).mentor == people["other_mentor"]


def test_unknown_people_non_mentors_and_repeats_are_row_errors(staff_client, people):
    response = upload(
        staff_client,
        "mentor_email,student_email,usn\n"
        "meera@example.edu,ghost@example.edu,\n"
        "sam@example.edu,nia@example.edu,\n"
        "meera@example.edu,,1CS001\n"
        "omar@example.edu,sam@example.edu,\n"
        "meera@example.edu,,\n",
    )

    assert "confirm_form" not in response.context
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert errors[1] == {"student": ["Unknown student “ghost@example.edu”."]}
    assert "Unknown mentor" in errors[2]["mentor_email"][0]
    assert errors[4] == {"student": ["This student is already on row 3."]}
    assert errors[5] == {"student": ["Give the student's email or USN."]}
    assert 3 not in errors
    assert StudentProfile.objects.get(usn="1CS001").mentor is None
