"""Back-office lists cost the same number of queries however many rows they show."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry import otp
from registry.models import Registration, RegistrationStatus, Role
from registry.tests.factories import PASSWORD, MembershipFactory, StaffFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client():
    client = Client()
    staff = StaffFactory(is_superuser=True)
    otp.backup_codes_regenerate(staff, codes=["code-a"])
    client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"})
    return client


def queries_for(client, url: str) -> int:
    client.get(url)  # warm caches (content types, site, permissions) so both counts measure the same work
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_registrations(n: int) -> None:
    for i in range(n):
        event = make_event(title=f"Event {Registration.objects.count()}")
        person = UserFactory()
        Registration.objects.create(
            page_id=event.pk,
            user=person,
            email=person.email,
            full_name=f"Person {i}",
            status=RegistrationStatus.CONFIRMED,
            code=f"Q{Registration.objects.count():08d}",
        )


def add_people(n: int) -> None:
    attendee = Group.objects.get(name=Role.ATTENDEE)
    for _ in range(n):
        person = UserFactory()
        person.groups.add(attendee)
        MembershipFactory(user=person)


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [("/staff/registry/registration/", add_registrations), ("/staff/registry/user/", add_people)],
)
def test_changelist_query_count_does_not_grow_with_rows(staff_client, url, add_rows):
    add_rows(5)
    with_five = queries_for(staff_client, url)

    add_rows(45)
    with_fifty = queries_for(staff_client, url)

    assert with_fifty == with_five
