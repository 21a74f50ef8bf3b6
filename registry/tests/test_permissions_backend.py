"""Permissions come from a person's groups and their own grants, read once per request in one query."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from registry.models import Role, User
from registry.roles import sync_role_groups
from registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def test_an_organizer_has_their_roles_and_their_own_permissions_from_one_query(django_assert_num_queries):
    sync_role_groups()
    organizer = UserFactory(in_roles=[Role.ORGANIZER])
    organizer.user_permissions.add(Permission.objects.get(codename="delete_venue"))
    organizer = fresh(organizer)

    with django_assert_num_queries(1):
        granted = [organizer.has_perm(name) for name in ("registry.add_attendance", "registry.delete_venue")]
        refused = organizer.has_perm("registry.delete_certificate")

    assert granted == [True, True] and refused is False


def test_superusers_have_every_permission_and_inactive_people_none():
    superuser = fresh(UserFactory(is_superuser=True))
    inactive = UserFactory(in_roles=[Role.ORGANIZER], is_active=False)

    assert superuser.has_perm("registry.delete_certificate")
    assert not fresh(inactive).has_perm("registry.add_attendance")


def test_the_one_query_grants_exactly_what_djangos_own_backend_grants():
    sync_role_groups()
    person = UserFactory(in_roles=[Role.ORGANIZER, Role.MENTOR])
    person.user_permissions.add(*Permission.objects.filter(codename__in=["delete_venue", "view_attendance"]))
    nobody = UserFactory()

    for user in (person, nobody):
        assert fresh(user).get_all_permissions() == ModelBackend().get_all_permissions(fresh(user))
    assert "registry.delete_venue" in fresh(person).get_all_permissions()
