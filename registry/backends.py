"""The login backend: allauth's, reading a person's permissions in one query instead of two."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class AuthenticationBackend(AllauthBackend):
    """Django reads a person's own permissions and their groups' permissions separately; every API call
    and admin page asks for both (who may use an admin, who may check in), so one query serves both."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list("content_type__app_label", "codename")
            }
        return user_obj._perm_cache
