"""Editors and moderators work on speakers and partners; both go through the moderation workflow.

Kept in code and applied after every migrate, so every database gets the same grants (as registry does
for its role groups).
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from registry.selectors import managed_organization_ids, manages_organization
from registry.selectors.scope import MANAGING_ROLES
from registry.services.registrations import places_events_anywhere

SNIPPET_MODELS = ("speaker", "partner")
GROUP_ACTIONS = {
    "Editors": ("add", "change", "delete", "lock", "unlock"),
    "Moderators": ("add", "change", "delete", "publish", "lock", "unlock"),
}
WORKFLOW_NAME = "Moderators approval"
# Site-wide editors and moderators are not bound to one organization: they keep every speaker and partner, and
# may place an event under any organization (or none) where their page permissions let them write at all, which for
# editors is the rest of the site and for moderators every section (cms.sections).
REGISTRY_GRANTS = {"Editors": ("place_events_anywhere",), "Moderators": ("place_events_anywhere",)}


def sync_snippet_permissions_and_workflow(using: str = DEFAULT_DB_ALIAS) -> None:
    """Grant Wagtail's Editors and Moderators groups their snippet permissions and send speaker and
    partner changes through the default "Moderators approval" workflow. Idempotent; leaves a workflow
    an administrator chose in place."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Workflow, WorkflowContentType
    from wagtail.snippets.models import create_extra_permissions

    # Both run later in the same migrate (their apps come after cms); the grants below need their rows now.
    app_config = global_apps.get_app_config("cms")
    create_permissions(app_config, verbosity=0, using=using)
    create_permissions(global_apps.get_app_config("registry"), verbosity=0, using=using)
    create_extra_permissions(app_config, using=using)
    for group_name, actions in GROUP_ACTIONS.items():
        group = Group.objects.using(using).filter(name=group_name).first()
        if group is None:
            continue
        codenames = [f"{action}_{model}" for action in actions for model in SNIPPET_MODELS]
        group.permissions.add(
            *Permission.objects.using(using).filter(content_type__app_label="cms", codename__in=codenames),
            *Permission.objects.using(using).filter(
                content_type__app_label="registry", codename__in=REGISTRY_GRANTS.get(group_name, ())
            ),
        )
    workflow = Workflow.objects.using(using).filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is None:
        return
    for model in SNIPPET_MODELS:
        content_type, _ = ContentType.objects.db_manager(using).get_or_create(app_label="cms", model=model)
        WorkflowContentType.objects.using(using).get_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )


def sync_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    sync_snippet_permissions_and_workflow(using=using)


# --- Speakers and partners kept by organizations ---------------------------------------------------------------
# Organizers add speakers and partners for the organizations they manage and change only those; entries of no
# organization or another one stay with site-wide editors and moderators (and staff admins), who keep everything.
# Wagtail asks this policy on every snippet screen, bulk action and chooser (registered in wagtail_hooks).

ORGANIZER_SNIPPET_ACTIONS = ("add", "change", "delete")
# Actions on one entry that only its keepers may take; viewing and choosing one for an event stay open to all.
KEEPER_ACTIONS = frozenset({"change", "delete", "publish", "unpublish", "lock", "unlock"})


def keeps_every_entry(user) -> bool:
    """Site-wide editors, moderators and staff admins: they place events under any organization, and keep
    every speaker and partner."""
    return bool(user is not None and user.is_authenticated and places_events_anywhere(user))


def may_keep(user, organization_id: int | None) -> bool:
    """Whether this person may change an entry kept by this organization (None: kept site-wide)."""
    if keeps_every_entry(user):
        return True
    return organization_id is not None and manages_organization(user, organization_id)


def organizations_one_may_keep_for(user):
    """The organizations this person may put a new entry under; None when any (or none) will do."""
    return None if keeps_every_entry(user) else managed_organization_ids(user)


class KeptByOrganizationPolicy(ModelPermissionPolicy):
    """Django's model permissions say what a group may do with speakers (or partners) at all; the entry's
    `owner_organization` says whose they are to change."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return action not in KEEPER_ACTIONS or may_keep(user, instance.owner_organization_id)

    def instances_user_has_any_permission_for(self, user, actions):
        objects = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return objects.none()
        if not set(actions) <= KEEPER_ACTIONS or keeps_every_entry(user):
            return objects
        return objects.filter(owner_organization_id__in=organizations_one_may_keep_for(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = self.users_with_any_permission(actions)
        if not set(actions) <= KEEPER_ACTIONS:
            return users
        everywhere = ("place_events_anywhere", "see_all_organizations")
        keepers = (
            Q(is_superuser=True)
            | Q(groups__permissions__content_type__app_label="registry", groups__permissions__codename__in=everywhere)
            | Q(user_permissions__content_type__app_label="registry", user_permissions__codename__in=everywhere)
        )
        if instance.owner_organization_id is not None:
            keepers |= Q(
                memberships__organization_id=instance.owner_organization_id,
                memberships__organization__is_active=True,
                memberships__role__in=MANAGING_ROLES,
            )
        return users.filter(pk__in=get_user_model().objects.filter(keepers).values("pk"))
