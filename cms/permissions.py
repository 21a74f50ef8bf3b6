"""Editors and moderators work on speakers and partners; both go through the moderation workflow.

Kept in code and applied after every migrate, so every database gets the same grants (as registry does
for its role groups).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

SNIPPET_MODELS = ("speaker", "partner")
GROUP_ACTIONS = {
    "Editors": ("add", "change", "delete", "lock", "unlock"),
    "Moderators": ("add", "change", "delete", "publish", "lock", "unlock"),
}
WORKFLOW_NAME = "Moderators approval"
# Moderators review every organization's events and may place one under any organization (or none); site-wide
# editors write the rest of the site (cms.sections), organizers and page editors only their organization's events.
REGISTRY_GRANTS = {"Moderators": ("place_events_anywhere",)}


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
