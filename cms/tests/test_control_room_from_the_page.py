"""An event page leads to its control room in the back office: the page editor's "Control room" button, for those
who run the event; and the control room reads the page's sessions by name (attendance sheets name sessions)."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from cms.tests import factories
from registry.models import Attendance
from registry.services import registrations
from registry.tests.api import organizer
from registry.tests.factories import OrganizationFactory, StaffFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_event():
    club = OrganizationFactory(name="Coding Club")
    page = factories.event("Hack night", organization=club, starts_in=timedelta(minutes=30), sessions=2)
    return club, page


def staff_organizer(club):
    person = organizer(club)
    person.is_staff = True
    person.save()
    return person


def test_the_page_editor_offers_the_control_room_to_those_who_run_the_event(client, club_event):
    _, page = club_event
    room = f"/staff/events/{page.pk}/"

    signed_in(client, StaffFactory(is_superuser=True))
    assert room in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    signed_in(client, editor)
    editing = client.get(f"/admin/pages/{page.pk}/edit/")
    assert editing.status_code == 200 and room not in editing.content.decode()  # edits pages, runs no event


def test_an_attendance_sheet_names_the_events_sessions(client, club_event):
    club, page = club_event
    first = page.sessions.first()
    person = UserFactory()
    registration = registrations.registration_create(page=page, email=person.email, full_name="Ada", user=person)
    signed_in(client, staff_organizer(club))
    upload = io.BytesIO(f"Code,Session\n{registration.code},{first.title.upper()}\n".encode())
    upload.name = "sheet.csv"

    preview = client.post(f"/staff/events/{page.pk}/attendance/", {"sheet": upload})

    [row] = preview.context["preview"]["rows"]
    assert (row["line"].name, row["session"], row["line"].state) == ("Ada", "Session 1", "new")
    assert "Session 1" in preview.content.decode()
    client.post(f"/staff/events/{page.pk}/attendance/check-in/", {"chosen": row["line"].choice})
    assert Attendance.objects.get(registration=registration).session == first.pk
