"""The permission checks write services share: a role's permission, an organization's scope, one's own record.

Each raises `NotAllowed`, whose message says who may do it instead.
"""

from ..selectors.scope import manages_event, sees_everything
from ..tokens import LinkHolder
from .errors import NotAllowed


def require_permission(actor, permission: str, message: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm(permission):
        raise NotAllowed(message)


def require_event_manager(actor, page_id: int, *, permission: str | None = None, doing: str = "do this") -> None:
    """The actor runs this event: an organizer of its organization (with `permission`) or a staff admin."""
    allowed = actor is not None and actor.is_authenticated and (permission is None or actor.has_perm(permission))
    if not (allowed and manages_event(actor, page_id)):
        raise NotAllowed(f"Only organizers of this event's organization and staff admins can {doing}.")


def is_registrant(actor, registration) -> bool:
    """The person the registration is for: by their account, or a guest registration under their verified address."""
    if isinstance(actor, LinkHolder):
        return actor.code == registration.code
    if actor is None or not actor.is_authenticated or actor.pk is None:
        return False
    if registration.user_id is not None:
        return registration.user_id == actor.pk
    return bool(actor.email) and registration.email.lower() == actor.email.lower()


def require_registrant_or_manager(actor, registration, *, doing: str) -> None:
    if is_registrant(actor, registration) or sees_everything(actor):
        return
    organizer = actor is not None and actor.is_authenticated and actor.has_perm("registry.change_registration")
    if organizer and manages_event(actor, registration.page_id):
        return
    raise NotAllowed(f"Only the person registered and the event's organizers can {doing}.")
