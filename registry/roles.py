"""Role groups and their permissions, kept in code so every database gets the same ones."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

from .models import Role

# app_label -> codenames (or "*" for every permission of a model list) per role.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ATTENDEE: [],
    Role.MENTOR: [
        "registry.view_studentprofile",
        "registry.view_creditentry",
        "registry.change_creditentry",
        "registry.view_user",
    ],
    Role.ORGANIZER: [
        "wagtailadmin.access_admin",
        "registry.view_venue",
        "registry.view_organization",
        "registry.view_membership",
        "registry.view_user",
        "registry.view_eventrecord",
        "registry.cancel_event",
        "registry.view_registration",
        "registry.change_registration",
        "registry.view_attendance",
        "registry.add_attendance",
        "registry.view_certificate",
        "registry.view_message",
        "registry.view_organizerrequest",
    ],
    Role.STAFF_ADMIN: [
        "wagtailadmin.access_admin",
        "registry.see_all_organizations",
        "registry.add_user",
        "registry.change_user",
        "registry.view_user",
        "registry.add_organization",
        "registry.change_organization",
        "registry.view_organization",
        "registry.add_membership",
        "registry.change_membership",
        "registry.delete_membership",
        "registry.view_membership",
        "registry.add_studentprofile",
        "registry.change_studentprofile",
        "registry.view_studentprofile",
        "registry.add_mentorprofile",
        "registry.change_mentorprofile",
        "registry.view_mentorprofile",
        "registry.add_venue",
        "registry.change_venue",
        "registry.view_venue",
        "registry.add_facility",
        "registry.change_facility",
        "registry.view_facility",
        "registry.view_eventrecord",
        "registry.cancel_event",
        "registry.view_registration",
        "registry.change_registration",
        "registry.view_attendance",
        "registry.add_attendance",
        "registry.change_attendance",
        "registry.view_creditcategory",
        "registry.add_creditcategory",
        "registry.change_creditcategory",
        "registry.view_creditentry",
        "registry.change_creditentry",
        "registry.view_certificate",
        "registry.change_certificate",
        "registry.view_certificatetemplate",
        "registry.add_certificatetemplate",
        "registry.change_certificatetemplate",
        "registry.view_certificatebatch",
        "registry.add_certificatebatch",
        "registry.view_message",
        "registry.view_organizerrequest",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
    ],
}

# Apps whose later issues extend these lists register extra grants here.
EXTRA_PERMISSIONS: dict[str, list[str]] = {}


def grant(role: str, *perms: str) -> None:
    """Let a higher app add permissions to a role without registry importing it."""
    EXTRA_PERMISSIONS.setdefault(role, []).extend(perms)


def sync_role_groups(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Create the role groups and set exactly their permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    counts = {}
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = ROLE_PERMISSIONS[role] + EXTRA_PERMISSIONS.get(role, [])
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
        counts[role.value] = len(perms)
    return counts


def sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    sync_role_groups(using=using)
