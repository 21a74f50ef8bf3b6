"""Becoming an organizer: a person asks, the organization's head or a staff admin decides, approval grants it."""

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ..actors import person
from ..models import Membership, MessageKind, Organization, OrganizerRequest, Role, User
from ..selectors.organizer_requests import may_decide_organizer_request
from . import messages
from .errors import DomainError, NotAllowed

Status = OrganizerRequest.Status


def organizer_request_create(*, actor, organization: Organization, message: str = "") -> OrganizerRequest:
    """Ask to organize for an active organization; one open request per organization."""
    if actor is None or not actor.is_authenticated or getattr(actor, "pk", None) is None:
        raise NotAllowed("Sign in to ask to organize.")
    if not organization.is_active:
        raise DomainError(f"{organization} no longer takes new organizers.")
    if Membership.objects.filter(
        user=actor, organization=organization, role__in=[Membership.Role.ORGANIZER, Membership.Role.HEAD]
    ).exists():
        raise DomainError(f"You already organize for {organization}.")
    try:
        with transaction.atomic():
            return OrganizerRequest.objects.create(user=actor, organization=organization, message=message.strip())
    except IntegrityError:
        raise DomainError(f"You have already asked to organize for {organization}; it waits for a decision.") from None


@transaction.atomic
def organizer_request_decide(
    *, request: OrganizerRequest, actor, approve: bool, reason: str = "", now=None
) -> OrganizerRequest:
    """The head of the organization (or a staff admin) decides; approving makes the person one of its organizers."""
    request = OrganizerRequest.objects.select_for_update().select_related("organization", "user").get(pk=request.pk)
    if getattr(actor, "pk", None) is not None and actor.pk == request.user_id:
        raise NotAllowed("You cannot decide on your own request.")
    if not may_decide_organizer_request(actor, request):
        raise NotAllowed(f"Only the head of {request.organization} or a staff admin can decide on this request.")
    if request.status != Status.PENDING:
        raise DomainError(f"This request is already {request.get_status_display().lower()}.")
    if not approve and not reason.strip():
        raise DomainError("Give a reason; the person will see it.")
    request.status = Status.APPROVED if approve else Status.REJECTED
    request.decided_by, request.decided_at, request.reason = person(actor), now or timezone.now(), reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    if approve:
        _make_organizer(request.user, request.organization)
    _tell_decision(request)
    return request


def _make_organizer(user: User, organization: Organization) -> None:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": Membership.Role.ORGANIZER}
    )
    if not created and membership.role == Membership.Role.MEMBER:
        membership.role = Membership.Role.ORGANIZER
        membership.save(update_fields=["role"])
    user.groups.add(Group.objects.get_or_create(name=Role.ORGANIZER)[0])
    if not user.is_staff:
        user.is_staff = True  # the back office is where organizers run their events
        user.save(update_fields=["is_staff"])


def _tell_decision(request: OrganizerRequest) -> None:
    approved = request.status == Status.APPROVED
    messages.notify(
        kind=MessageKind.ORGANIZER_REQUEST_DECIDED,
        template="notice:organizer_request_decided",
        subject=f"{'You now organize for' if approved else 'Not approved: organizing for'} {request.organization}",
        recipient=request.user,
        body=(
            f"You can now run {request.organization}'s events: sign in to the back office with a second factor."
            if approved
            else f"Your request to organize for {request.organization} was not approved. {request.reason}"
        ).strip(),
        url=reverse("organizer_requests"),
        about=f"organizer-request:{request.pk}",
        data={"action": "See your requests"},
        once_key=f"organizer-request:{request.pk}:{request.status}",
    )
