"""One approval inbox: every kind of decision is a `DecisionSource` registered here.

A source says what waits for a given approver (`pending`) and how to decide one
item (`approve`, `reject`), each by calling its app's service, which enforces
who may decide. Adding a kind of decision is one `register(DecisionSource(...))`
call from `approvals.apps.ApprovalsConfig.ready()`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse

from registry import selectors as registry_selectors
from registry.services import DomainError
from registry.services import credits as credit_services
from registry.services import organizer_requests as organizer_request_services
from registry.services import registrations as registration_services

from . import selectors, services


@dataclass(frozen=True)
class InboxItem:
    kind: str  # the source's kind, e.g. "hall_booking"
    pk: int
    summary: str
    requested_by: Any  # registry.User or None
    created_at: datetime
    url: str  # where the approver opens it
    obj: Any  # what approve/reject receive
    details: list[str] = field(default_factory=list)  # e.g. the conflicts, one line each

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


@dataclass(frozen=True)
class DecisionSource:
    kind: str
    label: str
    pending: Callable[[Any], Iterable[InboxItem]]  # approver -> what waits for them
    approve: Callable[[Any, Any], Any]  # (obj, actor)
    reject: Callable[[Any, Any, str], Any]  # (obj, actor, reason)


_sources: dict[str, DecisionSource] = {}


def register(source: DecisionSource) -> None:
    _sources[source.kind] = source


def sources() -> list[DecisionSource]:
    return list(_sources.values())


def pending_for(user, *, kind: str = "", search: str = "") -> list[InboxItem]:
    """What waits for `user`, oldest first, optionally of one kind or matching a search."""
    items = [item for source in sources() if kind in ("", source.kind) for item in source.pending(user)]
    if search:
        needle = search.casefold()
        items = [
            item
            for item in items
            if needle in item.summary.casefold() or needle in str(item.requested_by or "").casefold()
        ]
    return sorted(items, key=lambda item: item.created_at)


@dataclass
class Outcome:
    done: list[InboxItem] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key or summary, safe message)


def decide(*, actor, keys: Iterable[str], decision: str, reason: str = "") -> Outcome:
    """Approve or reject each chosen item through its source; one item's refusal does not stop the rest."""
    if decision not in ("approve", "reject"):
        raise DomainError("Choose approve or reject.")
    if decision == "reject" and not reason.strip():
        raise DomainError("Give a reason for the rejection; the requester will see it.")
    waiting = {item.key: item for item in pending_for(actor)}
    outcome = Outcome()
    for key in keys:
        item = waiting.get(key)
        if item is None:
            outcome.failed.append((key, "It no longer waits for your decision."))
            continue
        source = _sources[item.kind]
        try:
            if decision == "approve":
                source.approve(item.obj, actor)
            else:
                source.reject(item.obj, actor, reason)
        except DomainError as error:
            outcome.failed.append((item.summary, str(error)))
        else:
            outcome.done.append(item)
    return outcome


# --- hall bookings --------------------------------------------------------


def _hall_booking_items(user) -> list[InboxItem]:
    waiting = list(selectors.bookings_waiting_for(user))
    conflicts = selectors.conflicts_by_booking(waiting)
    return [
        InboxItem(
            kind="hall_booking",
            pk=booking.pk,
            summary=(
                f"Hall booking #{booking.pk}: {booking.title} — {booking.venue.name}, "
                f"{services.when(booking.starts_at)} to {services.when(booking.ends_at)}"
                + (f" ({booking.organization.name})" if booking.organization else "")
            ),
            requested_by=booking.requester,
            created_at=booking.created_at,
            url=reverse("admin:approvals_hallbooking_change", args=[booking.pk]),
            obj=booking,
            details=[services.conflict_message(clash) for clash in conflicts.get(booking.pk, [])]
            or ["No conflicts now: the clashing booking was released."],
        )
        for booking in waiting
    ]


hall_booking_source = DecisionSource(
    kind="hall_booking",
    label="Hall bookings",
    pending=_hall_booking_items,
    approve=lambda booking, actor: services.booking_approve(booking=booking, actor=actor),
    reject=lambda booking, actor, reason: services.booking_reject(booking=booking, actor=actor, reason=reason),
)


# --- credit claims (mentors) and registrations (organizers) ----------------


def _credit_items(user) -> list[InboxItem]:
    return [
        InboxItem(
            kind="credit_claim",
            pk=entry.pk,
            summary=f"{entry.points} {entry.category} points for {entry.user}: {entry.description}",
            requested_by=entry.user,
            created_at=entry.created_at,
            url=reverse("admin:registry_creditentry_change", args=[entry.pk]),
            obj=entry,
            details=[
                f"Category limits: at least {entry.category.min_points}, at most {entry.category.max_points or '—'}"
            ],
        )
        for entry in registry_selectors.credit_entries_decidable_by(user)
    ]


def _registration_items(user) -> list[InboxItem]:
    return [
        InboxItem(
            kind="registration",
            pk=registration.pk,
            summary=f"Registration of {registration.full_name} <{registration.email}> for {registration.page.title}",
            requested_by=registration.user or registration.full_name,
            created_at=registration.created_at,
            url=reverse("admin:registry_registration_change", args=[registration.pk]),
            obj=registration,
        )
        for registration in registry_selectors.registrations_decidable_by(user).select_related("page", "user")
    ]


credit_claim_source = DecisionSource(
    kind="credit_claim",
    label="Credit claims",
    pending=_credit_items,
    approve=lambda entry, actor: credit_services.credit_decide(entry=entry, actor=actor, approve=True),
    reject=lambda entry, actor, reason: credit_services.credit_decide(
        entry=entry, actor=actor, approve=False, reason=reason
    ),
)

registration_source = DecisionSource(
    kind="registration",
    label="Registrations awaiting approval",
    pending=_registration_items,
    approve=lambda registration, actor: registration_services.registration_decide(
        registration=registration, actor=actor, approve=True
    ),
    reject=lambda registration, actor, reason: registration_services.registration_decide(
        registration=registration, actor=actor, approve=False, reason=reason
    ),
)


# --- requests to organize (heads of organizations) -------------------------


def _organizer_request_items(user) -> list[InboxItem]:
    return [
        InboxItem(
            kind="organizer_request",
            pk=request.pk,
            summary=f"{request.user.get_full_name() or request.user} asks to organize for {request.organization}",
            requested_by=request.user,
            created_at=request.created_at,
            url=reverse("admin:registry_organizerrequest_change", args=[request.pk]),
            obj=request,
            details=[request.message] if request.message else [],
        )
        for request in registry_selectors.organizer_requests_decidable_by(user)
    ]


organizer_request_source = DecisionSource(
    kind="organizer_request",
    label="Requests to organize",
    pending=_organizer_request_items,
    approve=lambda request, actor: organizer_request_services.organizer_request_decide(
        request=request, actor=actor, approve=True
    ),
    reject=lambda request, actor, reason: organizer_request_services.organizer_request_decide(
        request=request, actor=actor, approve=False, reason=reason
    ),
)
