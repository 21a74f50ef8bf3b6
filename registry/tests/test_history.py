import pytest

from registry import otp
from registry.tests.factories import PASSWORD, StaffFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_history_records_who_changed_a_venue_in_the_back_office(client):
    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    venue = VenueFactory(name="Seminar Hall", code="seminar", capacity=100)

    response = client.post(
        f"/staff/registry/venue/{venue.pk}/change/",
        {
            "name": "Seminar Hall",
            "code": "seminar",
            "capacity": 150,
            "building": "Main Block",
            "floor": "",
            "location": "",
            "description": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content
    latest = venue.history.latest()
    assert latest.history_user == staff
    assert latest.capacity == 150
    delta = latest.diff_against(latest.prev_record)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [("capacity", 100, 150)]
    history_page = client.get(f"/staff/registry/venue/{venue.pk}/history/")
    assert str(staff).encode() in history_page.content
