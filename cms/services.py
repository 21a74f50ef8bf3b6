"""Writing event pages outside Wagtail's editor (the API, duplicating): the same revisions and the same rules.

Who may add, edit, publish or delete a page is Wagtail's page-permission answer for the acting person (their
organization's group on its section, see `cms.sections`), the very check the page editor makes; where an event
may sit is registry's `event_organization_check`. Each write saves a revision as the editor does, then leaves it
a draft, submits it to the section's workflow, or publishes it.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from registry.models import ACTIVE, Organization, Registration
from registry.services import DomainError, NotAllowed
from registry.services.registrations import event_organization_check

from . import sections
from .models import EventIndexPage, EventPage, EventSession


class EventInvalid(DomainError):
    """The event as sent breaks a rule of its own (an end before its start, a hall too small): per field."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))


class Publication(StrEnum):
    DRAFT = "draft"
    SUBMIT = "submit"
    PUBLISH = "publish"


@dataclass(frozen=True)
class SessionInput:
    title: str
    starts_at: object
    ends_at: object
    description: str = ""


def _section_for(organization: Organization | None) -> Page:
    if organization is None:
        index = EventIndexPage.objects.first()
        if index is None:
            raise DomainError("The site has no events index yet.")
        return index
    section = sections.section_of(organization) or sections.sync_organization(organization)
    if section is None:
        raise DomainError("The site has no events index yet.")
    return section


def _invalid(error: ValidationError) -> EventInvalid:
    if not hasattr(error, "error_dict"):
        return EventInvalid({"non_field_errors": error.messages})
    return EventInvalid({"non_field_errors" if f == "__all__" else f: m for f, m in error.message_dict.items()})


def _validated(page: EventPage) -> None:
    try:
        page.full_clean()
    except ValidationError as error:
        raise _invalid(error) from error


def _set_sessions(page: EventPage, sessions: list[SessionInput] | None) -> None:
    if sessions is None:
        return
    page.sessions = [
        EventSession(title=s.title, starts_at=s.starts_at, ends_at=s.ends_at, description=s.description)
        for s in sessions
    ]
    for session in sessions:
        if session.ends_at <= session.starts_at:
            raise EventInvalid({"sessions": [f"Session {session.title!r} must end after it starts."]})
        if session.starts_at < page.starts_at or session.ends_at > page.ends_at:
            raise EventInvalid({"sessions": [f"Session {session.title!r} must fall within the event's start and end."]})


def _finish(page: EventPage, *, actor, publication: Publication) -> EventPage:
    """Save a revision as the editor does, then publish it or submit it to the section's workflow."""
    permissions = page.permissions_for_user(actor)
    if publication == Publication.PUBLISH and not permissions.can_publish():
        raise NotAllowed("Your organization's events are reviewed before they go live: submit it instead.")
    try:
        revision = page.save_revision(user=actor, log_action=True)  # validates the page as the editor's save does
    except ValidationError as error:
        raise _invalid(error) from error
    if publication == Publication.PUBLISH:
        revision.publish(user=actor)
    elif publication == Publication.SUBMIT:
        workflow = page.get_workflow()
        if workflow is None:
            raise DomainError("Events here are not reviewed; publish it instead.")
        if page.workflow_in_progress:
            raise DomainError("This event is already waiting for review.")
        workflow.start(page, actor)
    return EventPage.objects.get(pk=page.pk)


@transaction.atomic
def event_page_create(
    *,
    actor,
    organization: Organization | None,
    fields: dict,
    sessions: list[SessionInput] | None = None,
    publication: Publication = Publication.DRAFT,
) -> EventPage:
    """A new event in the organization's section (straight under /events/ for none), as a draft, submitted or
    published."""
    parent = _section_for(organization)
    if not parent.permissions_for_user(actor).can_add_subpage():
        raise NotAllowed("You can only add events to your own organization's section.")
    event_organization_check(
        actor=actor, current_organization_id=None, organization_id=organization.pk if organization else None
    )
    page = EventPage(**fields, organization=organization, live=False, owner=actor)
    page.slug = _free_slug(parent, slugify(page.title)[:80] or "event", suffix="")
    _set_sessions(page, sessions)
    try:
        parent.add_child(instance=page)  # Wagtail validates the page (its clean and fields) as it saves it
    except ValidationError as error:
        raise _invalid(error) from error
    return _finish(page, actor=actor, publication=publication)


@transaction.atomic
def event_page_update(
    *,
    actor,
    page: EventPage,
    fields: dict,
    sessions: list[SessionInput] | None = None,
    publication: Publication = Publication.DRAFT,
) -> EventPage:
    """Change an event (its latest revision, draft or not) and save a new revision; its organization stays."""
    if not page.permissions_for_user(actor).can_edit():
        raise NotAllowed("Only the event's organization's organizers and page editors can change it.")
    if page.locked and page.locked_by_id != getattr(actor, "pk", None):
        raise DomainError("Someone is editing this event in the admin and has locked it; try again later.")
    latest = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(latest, name, value)
    _set_sessions(latest, sessions)
    _validated(latest)
    return _finish(latest, actor=actor, publication=publication)


def event_page_deletion_check(*, page: Page) -> None:
    """An event people are registered or waiting for is cancelled, so they are told, never deleted."""
    if Registration.objects.filter(page_id=page.pk, status__in=ACTIVE).exists():
        raise DomainError("People are registered for this event: cancel it instead, so that they are told.")


@transaction.atomic
def event_page_delete(*, actor, page: EventPage) -> None:
    if not page.permissions_for_user(actor).can_delete():
        raise NotAllowed("Only the event's organization can delete it, and only those who may publish a live one.")
    event_page_deletion_check(page=page)
    page.delete(user=actor)


@transaction.atomic
def event_page_duplicate(*, actor, page: EventPage, offset: timedelta, title: str = "") -> EventPage:
    """A draft copy in the same section with every date moved by `offset`: its sessions and questions come along;
    registrations, bookings and cancellation belong to the original and do not."""
    parent = page.get_parent()
    if not parent.permissions_for_user(actor).can_add_subpage():
        raise NotAllowed("You can only duplicate events into your own organization's section.")
    event_organization_check(actor=actor, current_organization_id=None, organization_id=page.organization_id)
    source = page.get_latest_revision_as_object()
    new_title = title.strip() or source.title
    slug = _free_slug(parent, source.slug)

    def shifted(value):
        try:
            return value + offset if value else value
        except OverflowError as error:
            raise EventInvalid({"days": ["That moves the event's dates beyond the calendar."]}) from error

    copy = source.copy(
        to=parent,
        update_attrs={
            "title": new_title,
            "slug": slug,
            "live": False,
            "owner": actor,
            "starts_at": shifted(source.starts_at),
            "ends_at": shifted(source.ends_at),
            "registration_opens_at": shifted(source.registration_opens_at),
            "registration_closes_at": shifted(source.registration_closes_at),
        },
        keep_live=False,
        user=actor,
        log_action="wagtail.copy",
        copy_revisions=False,
        reset_translation_key=True,
    )
    copy = EventPage.objects.get(pk=copy.pk)
    for session in copy.sessions.all():
        session.starts_at, session.ends_at = shifted(session.starts_at), shifted(session.ends_at)
        session.save(update_fields=["starts_at", "ends_at"])
    copy.save_revision(user=actor, log_action=True)
    return copy


def _free_slug(parent: Page, slug: str, *, suffix: str = "-copy") -> str:
    """`slug` with `suffix`, numbered if its section already has a page at that address."""
    taken = set(Page.objects.child_of(parent).values_list("slug", flat=True))
    candidate, number = f"{slug}{suffix}", 2
    while candidate in taken:
        candidate, number = f"{slug}{suffix}-{number}", number + 1
    return candidate
