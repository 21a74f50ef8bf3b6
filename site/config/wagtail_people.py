"""Wagtail's users and groups screens write accounts and roles around registry's services; only superusers use them.

Everyone else manages people in the back office (/staff/), where every change goes through a service.
"""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import BasePermissionPolicy


class SuperusersOnly(BasePermissionPolicy):
    def user_has_permission(self, user, action) -> bool:
        return bool(user.is_authenticated and user.is_active and user.is_superuser)

    def user_has_any_permission(self, user, actions) -> bool:
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)
