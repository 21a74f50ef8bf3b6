import pytest
from django.contrib.auth.models import Group

from registry.models import Role
from registry.roles import sync_role_groups
from registry.tests.factories import StaffFactory


@pytest.fixture
def hall_admin(db):
    """A staff admin: decides bookings for every hall through the role group's permission."""
    sync_role_groups()
    return StaffFactory(email="hall.admin@example.org")


@pytest.fixture
def second_admin(db):
    sync_role_groups()
    return StaffFactory(email="second.admin@example.org")


@pytest.fixture
def role_groups(db):
    sync_role_groups()
    return {group.name: group for group in Group.objects.filter(name__in=Role.values)}


@pytest.fixture
def staff_client(client):
    """Sign a staff member in and past the second factor; returns a function taking the user."""
    from registry import otp
    from registry.tests.factories import PASSWORD

    def sign_in(user):
        otp.backup_codes_regenerate(user, codes=["code-a"])
        assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
        assert client.post("/accounts/2fa/", {"token": "code-a", "next": "/staff/"}).status_code == 302
        return client

    return sign_in
