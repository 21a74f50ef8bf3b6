"""Helpers for API tests: clients signed in with a JWT, and the people of the permission matrix."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from registry.models import Membership, Role
from registry.roles import sync_role_groups
from registry.tests.factories import OrganizationFactory, StaffFactory, UserFactory


def jwt_client(user=None, *, otp_verified: bool = True) -> APIClient:
    """An API client carrying an access token, as the token endpoint would issue it."""
    client = APIClient()
    if user is not None:
        refresh = RefreshToken.for_user(user)
        refresh["otp_verified"] = otp_verified
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    return client


def organizer(organization, **kwargs):
    user = UserFactory(in_roles=[Role.ORGANIZER], **kwargs)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ORGANIZER)
    return user


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")
    return body


@pytest.fixture
def people(db):
    """Everyone in the permission matrix, around one organization (`own`) and another (`other`)."""
    sync_role_groups()
    own, other = OrganizationFactory(), OrganizationFactory()
    return {
        "own": own,
        "other": other,
        "attendee": UserFactory(in_roles=[Role.ATTENDEE]),
        "mentor": UserFactory(in_roles=[Role.MENTOR]),
        "organizer_own": organizer(own),
        "organizer_other": organizer(other),
        "staff_admin": StaffFactory(),
    }
