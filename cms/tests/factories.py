"""Builders for the public site's pages and snippets, under one HomePage that is the default site's root."""

import io
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, GroupPagePermission, Site, Workflow, WorkflowPage, WorkflowTask

from cms import permissions, sections
from cms.models import (
    EventIndexPage,
    EventKind,
    EventPage,
    EventPartner,
    EventSession,
    EventSpeaker,
    HomePage,
    OrganizationEventsPage,
    Partner,
    SessionSpeaker,
    Speaker,
    StandardPage,
)
from registry import otp
from registry.actors import SYSTEM
from registry.services.events import event_cancel
from registry.tests.factories import UserFactory, page_tree_root

_counter = iter(range(1, 1_000_000))


def _n() -> int:
    return next(_counter)


def moderation() -> Group:
    """Wagtail's Moderators group, with its page permissions on the root and the "Moderators approval" workflow, as
    Wagtail's migrations make them (rebuilt after a transactional test flushed the tables)."""
    root = page_tree_root()
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for action in ("add", "change", "publish", "lock", "unlock"):
        GroupPagePermission.objects.get_or_create(
            group=moderators, page=root, permission=Permission.objects.get(codename=f"{action}_page")
        )
    workflow = Workflow.objects.filter(name=permissions.WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=permissions.WORKFLOW_NAME)
        task = GroupApprovalTask.objects.create(name="Moderators approval")
        task.groups.set([moderators])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.get_or_create(page=root, defaults={"workflow": workflow})
    permissions.sync_snippet_permissions_and_workflow()
    return moderators


def home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        home = page_tree_root().add_child(instance=HomePage(title="Convene", slug=f"home-{_n()}"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    return home


def event_index() -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        index = home_page().add_child(instance=EventIndexPage(title="Events", slug="events"))
    return index


def section(organization) -> OrganizationEventsPage:
    """The organization's section of /events/ (made with the events index if need be)."""
    event_index()
    return sections.sync_organization(organization)


def standard_page(title: str = "About", **fields) -> StandardPage:
    return home_page().add_child(instance=StandardPage(title=title, **fields))


def image(title: str = "Picture", description: str = "", size=(64, 36)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0b5cad").save(buffer, "PNG")
    Image = get_image_model()
    return Image.objects.create(
        title=title, description=description, file=ImageFile(buffer, name=f"picture-{_n()}.png")
    )


def speaker(name: str | None = None, *, live: bool = True, **fields) -> Speaker:
    obj = Speaker(name=name or f"Speaker {_n()}", live=live, **fields)
    obj.save()
    return obj


def partner(name: str | None = None, *, live: bool = True, **fields) -> Partner:
    obj = Partner(name=name or f"Partner {_n()}", live=live, **fields)
    obj.save()
    return obj


def event(
    title: str | None = None,
    *,
    starts_in: timedelta = timedelta(days=7),
    duration: timedelta = timedelta(hours=3),
    speakers=(),
    partners=(),
    sessions: int = 0,
    session_speakers=(),
    live: bool = True,
    cancelled: bool = False,
    **fields,
) -> EventPage:
    """A published event starting `starts_in` from now; `sessions` evenly split its time; `cancelled` by its
    organizers once published."""
    number = _n()
    starts_at = timezone.now().replace(second=0, microsecond=0) + starts_in
    page = EventPage(
        title=title or f"Event {number}",
        slug=f"event-{number}",
        summary=fields.pop("summary", "A good event."),
        starts_at=starts_at,
        ends_at=starts_at + duration,
        kind=fields.pop("kind", EventKind.EVENT),
        live=live,
        **fields,
    )
    page.event_speakers = [EventSpeaker(speaker=obj, sort_order=n) for n, obj in enumerate(speakers)]
    page.event_partners = [EventPartner(partner=obj, sort_order=n) for n, obj in enumerate(partners)]
    step = duration / max(sessions, 1)
    page.sessions = []
    for k in range(sessions):
        session = EventSession(
            title=f"Session {k + 1}", starts_at=starts_at + step * k, ends_at=starts_at + step * (k + 1)
        )
        session.session_speakers = [SessionSpeaker(speaker=obj, sort_order=n) for n, obj in enumerate(session_speakers)]
        page.sessions.add(session)
    index, organization = event_index(), fields.get("organization")
    parent = sections.sync_organization(organization) if organization else index
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    if cancelled:
        event_cancel(page_id=page.pk, actor=SYSTEM, reason="Rained out.")
    return page


def verified_admin_client(client, user=None):
    """A client signed in as a superuser who has passed the second factor, as both admins require."""
    user = user or UserFactory(is_staff=True, is_superuser=True)
    otp.backup_codes_regenerate(user, codes=["test-code-1"])
    client.force_login(user, backend="registry.backends.AuthenticationBackend")
    response = client.post("/accounts/2fa/", {"token": "test-code-1", "next": "/admin/"})
    assert response.status_code == 302, "the backup code should verify the session"
    return client
