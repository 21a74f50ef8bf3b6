"""Whose data a person may see and act on: the one answer every screen, service, import and API call asks.

A person manages the *active* organizations where they are an organizer or the head; staff admins (the
`see_all_organizations` permission, which superusers have too) and the scheduler's system actor see every
organization. Rows that belong to no organization (an event nobody owns) are for those who see everything.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet

from ..models import EventRecord, Membership

MANAGING_ROLES = (Membership.Role.ORGANIZER, Membership.Role.HEAD)
# Who writes an organization's event pages: those who run its events, and its page editors (who run nothing else).
PAGE_EDITING_ROLES = (*MANAGING_ROLES, Membership.Role.EDITOR)
_NO_EVENT = ()


def sees_everything(user) -> bool:
    """Staff admins, superusers and the system actor: a permission, answered from the permissions already loaded."""
    return bool(user is not None and user.is_authenticated and user.has_perm("registry.see_all_organizations"))


def _active_organization_ids(user, roles, kept_as: str) -> frozenset[int]:
    """The active organizations where this person holds one of `roles`; read once per request (kept on the person
    as `kept_as`, which remembered API callers arrive with already)."""
    if user is None or not user.is_authenticated or not user.is_active or user.pk is None:
        return frozenset()
    if not hasattr(user, kept_as):
        found = Membership.objects.filter(user_id=user.pk, role__in=roles, organization__is_active=True).values_list(
            "organization_id", flat=True
        )
        setattr(user, kept_as, frozenset(found))
    return getattr(user, kept_as)


def managed_organization_ids(user) -> frozenset[int]:
    """The active organizations this person organizes or heads."""
    return _active_organization_ids(user, MANAGING_ROLES, "_managed_organization_ids")


def page_organization_ids(user) -> frozenset[int]:
    """The active organizations whose event pages this person writes: those they run and those they edit pages for."""
    return _active_organization_ids(user, PAGE_EDITING_ROLES, "_page_organization_ids")


def manages_any_organization(user) -> bool:
    return sees_everything(user) or bool(managed_organization_ids(user))


def manages_organization(user, organization_id: int | None) -> bool:
    """Whether the person may act on rows of this organization (None: rows of no organization)."""
    if sees_everything(user):
        return True
    return organization_id is not None and organization_id in managed_organization_ids(user)


def scope_to_organizations(queryset: QuerySet, user, organization_path: str) -> QuerySet:
    """Only rows of the person's organizations (`organization_path` leads from a row to its organization)."""
    if sees_everything(user):
        return queryset
    return queryset.filter(**{f"{organization_path}__in": managed_organization_ids(user)})


def event_key(page_id: int) -> str:
    return f"access:event-organization:{page_id}"


def event_organization(page_id: int) -> tuple:
    """`(organization_id,)` of an event's record, `()` when there is no such event; remembered with a shared cache."""
    remembering = settings.ACCESS_CACHE_SECONDS > 0
    found = cache.get(event_key(page_id)) if remembering else None
    if found is None:
        found = tuple(EventRecord.objects.filter(page_id=page_id).values_list("organization_id", flat=True)[:1])
        if remembering:
            cache.set(event_key(page_id), found, settings.ACCESS_CACHE_SECONDS)
    return found


def manages_event(user, page_id: int) -> bool:
    """Whether the event exists and this person may run it: it is one of their organizations', or they see all.

    Answers are kept on the person's object for the rest of the request (a view and the service it calls both ask).
    """
    known = getattr(user, "_managed_events", None) if getattr(user, "pk", None) is not None else None
    if known is not None and page_id in known:
        return known[page_id]
    found = event_organization(page_id)
    answer = found != _NO_EVENT and manages_organization(user, found[0])
    if getattr(user, "pk", None) is not None:
        if known is None:
            known = user._managed_events = {}
        known[page_id] = answer
    return answer


def people_visible_to(user) -> QuerySet:
    """The accounts a person may look up in the back office: everyone for staff admins; otherwise themselves,
    the members of their organizations, the people registered for their organizations' events, and their mentees."""
    from ..models import User

    people = User.objects.all()
    if sees_everything(user):
        return people
    organizations = managed_organization_ids(user)
    visible = (
        Q(pk=user.pk)
        | Q(memberships__organization_id__in=organizations)
        | Q(registrations__page__event_record__organization_id__in=organizations)
        | Q(student_profile__mentor_id=user.pk)
    )
    return people.filter(pk__in=User.objects.filter(visible).values("pk"))
