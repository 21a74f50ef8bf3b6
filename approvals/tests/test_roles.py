import pytest
from django.contrib.auth.models import Group

from registry.models import Role

pytestmark = pytest.mark.django_db


def test_role_groups_get_the_approvals_permissions(role_groups):
    def perms(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__app_label="approvals")
            .values_list("codename", flat=True)
        )

    assert {"view_hallbooking", "change_hallbooking", "decide_hallbooking"} <= perms(Role.STAFF_ADMIN)
    assert perms(Role.ORGANIZER) == {"view_hallbooking", "view_bookingseries"}
    assert perms(Role.ATTENDEE) == set()
