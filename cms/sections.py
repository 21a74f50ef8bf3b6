"""Each organization's section of /events/, and who may write there, in Wagtail's own terms.

An organization has one section page under the events index and one Wagtail group. The group holds the
organization's page permissions on that section (add, edit, lock, unlock; publish too when the organization
publishes without review) and its members are the people registry says write its pages: organizers, heads and
page editors. Sections of organizations whose events are reviewed send them through the moderators' workflow.

Everything here is derived from registry's organizations and memberships and kept in step by `sync_*`
(after every migrate, and whenever an organization or a membership is saved or removed), so no screen needs to
edit a group by hand. Site-wide editors keep the rest of the site: their page permissions are granted on the
home page's other sections, never on an organization's.
"""

import logging

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupPagePermission, Page, Workflow, WorkflowPage
from wagtail.signals import page_published

from registry.models import Membership, Organization
from registry.selectors import PAGE_EDITING_ROLES
from registry.signals import memberships_changed

from .models import EventIndexPage, EventPage, HomePage, OrganizationEventsPage

logger = logging.getLogger(__name__)

GROUP_PREFIX = "Events of "
WRITING = ("add", "change", "lock", "unlock")
PUBLISHING = ("publish",)
SITE_EDITORS = "Editors"
SITE_EDITOR_ACTIONS = ("add", "change", "lock", "unlock")
MODERATION_WORKFLOW = "Moderators approval"


def group_name(organization: Organization) -> str:
    return f"{GROUP_PREFIX}{organization.name}"[:150]


def _page_permissions(actions) -> list[Permission]:
    return list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=[f"{a}_page" for a in actions])
    )


def _set_page_permissions(group: Group, page: Page, actions) -> None:
    wanted = {permission.pk: permission for permission in _page_permissions(actions)}
    existing = GroupPagePermission.objects.filter(group=group, page=page)
    existing.exclude(permission_id__in=wanted).delete()
    have = set(existing.values_list("permission_id", flat=True))
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=page, permission=wanted[pk]) for pk in wanted.keys() - have
    )


def section_of(organization: Organization) -> OrganizationEventsPage | None:
    return OrganizationEventsPage.objects.filter(organization=organization).first()


def group_of(organization: Organization) -> Group | None:
    section = section_of(organization)
    if section is None:
        return None
    return (
        Group.objects.filter(page_permissions__page=section).distinct().first()
        or Group.objects.filter(name=group_name(organization)).first()
    )


@transaction.atomic
def sync_organization(organization: Organization) -> OrganizationEventsPage | None:
    """The organization's section (created and published the first time), its group, grants, workflow and members.

    Nothing happens before the site has an events index (a fresh database before the demo is loaded).
    """
    index = EventIndexPage.objects.first()
    if index is None:
        return None
    section = section_of(organization)
    if section is None:
        slug = organization.slug
        if Page.objects.child_of(index).filter(slug=slug).exists():
            slug = f"{slug}-events"
        section = OrganizationEventsPage(title=organization.name, slug=slug, organization=organization, live=True)
        index.add_child(instance=section)
        section.save_revision().publish()
    group = group_of(organization)
    if group is None:
        group, _ = Group.objects.get_or_create(name=group_name(organization))
    elif group.name != group_name(organization):
        group.name = group_name(organization)
        group.save(update_fields=["name"])
    group.permissions.add(*Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"))
    actions = WRITING + PUBLISHING if organization.publishes_events_directly else WRITING
    _set_page_permissions(group, section, actions if organization.is_active else ())
    _sync_workflow(section, reviewed=not organization.publishes_events_directly)
    _sync_members(organization, group)
    return section


def _sync_workflow(section: Page, *, reviewed: bool) -> None:
    """Reviewed sections go through the moderators' workflow; a workflow an administrator chose for a section stays."""
    assigned = WorkflowPage.objects.filter(page=section).select_related("workflow").first()
    if not reviewed:
        if assigned is not None and assigned.workflow.name == MODERATION_WORKFLOW:
            assigned.delete()
        return
    if assigned is None:
        workflow = Workflow.objects.filter(name=MODERATION_WORKFLOW, active=True).first()
        if workflow is not None:
            WorkflowPage.objects.create(page=section, workflow=workflow)


def _sync_members(organization: Organization, group: Group) -> None:
    writers = set(
        Membership.objects.filter(
            organization=organization, role__in=PAGE_EDITING_ROLES, organization__is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    current = set(group.user_set.values_list("pk", flat=True))
    if current - writers:
        group.user_set.remove(*(current - writers))
    if writers - current:
        group.user_set.add(*(writers - current))


def sync_site_editors() -> None:
    """Site-wide editors write the home page's other sections (about, policies…), not organizations' events."""
    editors = Group.objects.filter(name=SITE_EDITORS).first()
    home = HomePage.objects.first()
    if editors is None or home is None:
        return
    GroupPagePermission.objects.filter(group=editors, page__depth__lte=home.depth).delete()
    for page in Page.objects.child_of(home).not_type(EventIndexPage):
        _set_page_permissions(editors, page, SITE_EDITOR_ACTIONS)


@transaction.atomic
def move_events_into_sections() -> int:
    """Events published straight under /events/ for an organization move into its section; their old address
    redirects to the new one. Returns how many moved."""
    index = EventIndexPage.objects.first()
    if index is None:
        return 0
    moved = 0
    for event in EventPage.objects.child_of(index).filter(organization__isnull=False).select_related("organization"):
        section = section_of(event.organization) or sync_organization(event.organization)
        old_path = Redirect.normalise_path(event.url or f"/{event.slug}/")
        if (
            OrganizationEventsPage.objects.filter(pk=section.pk).exists()
            and not Page.objects.child_of(section).filter(slug=event.slug).exists()
        ):
            event.move(section, pos="last-child")
            event.refresh_from_db()
            if old_path and event.url and Redirect.normalise_path(event.url) != old_path:
                Redirect.objects.update_or_create(
                    old_path=old_path, site=event.get_site(), defaults={"redirect_page": event, "is_permanent": True}
                )
            moved += 1
        else:
            logger.warning("Event %s stays under /events/: its section already has a page at %r", event.pk, event.slug)
    return moved


def sync_all() -> None:
    for organization in Organization.objects.all():
        sync_organization(organization)
    move_events_into_sections()
    sync_site_editors()


def sync_after_migrate(sender, **kwargs) -> None:
    sync_all()


def _index_published(sender, instance, **kwargs) -> None:
    if isinstance(instance.specific, EventIndexPage):
        sync_all()


def _organization_saved(sender, instance: Organization, **kwargs) -> None:
    if not kwargs.get("raw"):
        sync_organization(instance)


def _sync_writers(organization: Organization) -> None:
    group = group_of(organization)
    if group is None:
        sync_organization(organization)
    else:
        _sync_members(organization, group)


def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    if not kwargs.get("raw"):
        _sync_writers(instance.organization)


def _memberships_changed_in_bulk(sender, organization_ids, **kwargs) -> None:
    for organization in Organization.objects.filter(pk__in=organization_ids):
        _sync_writers(organization)


def connect() -> None:
    page_published.connect(_index_published, sender=EventIndexPage, dispatch_uid="cms-sections-index")
    post_save.connect(_organization_saved, sender=Organization, dispatch_uid="cms-sections-organization")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="cms-sections-membership-saved")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="cms-sections-membership-removed")
    memberships_changed.connect(_memberships_changed_in_bulk, dispatch_uid="cms-sections-memberships-imported")
