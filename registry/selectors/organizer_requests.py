"""Who may decide on a request to organize, and what waits for them."""

from django.db.models import QuerySet

from ..models import Membership, OrganizerRequest
from .scope import sees_everything


def _headed_organization_ids(user) -> QuerySet:
    return Membership.objects.filter(user_id=user.pk, role=Membership.Role.HEAD, organization__is_active=True).values(
        "organization_id"
    )


def may_decide_organizer_request(user, request: OrganizerRequest) -> bool:
    """Staff admins, and the heads of the organization asked about."""
    if user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        return sees_everything(user) if user is not None else False
    if sees_everything(user):
        return True
    return Membership.objects.filter(
        user_id=user.pk, organization_id=request.organization_id, role=Membership.Role.HEAD
    ).exists()


def organizer_requests_decidable_by(user) -> QuerySet[OrganizerRequest]:
    """Pending requests this person may decide, oldest first; never their own."""
    pending = OrganizerRequest.objects.filter(status=OrganizerRequest.Status.PENDING).select_related(
        "user", "organization"
    )
    if user is None or not user.is_authenticated:
        return pending.none()
    if not sees_everything(user):
        pending = pending.filter(organization_id__in=_headed_organization_ids(user))
    return pending.exclude(user_id=user.pk).order_by("created_at", "pk")
