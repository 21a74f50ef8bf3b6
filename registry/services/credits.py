"""The credit ledger: attendance earns pending points; a mentor (or staff admin) decides."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..actors import SYSTEM, person
from ..models import CreditEntry, EventRecord, MessageKind, User
from ..selectors import eligible_registrations, sees_everything
from . import messages
from .errors import DomainError, NotAllowed
from .guards import require_event_manager


def credits_award_for_event(*, page_id: int, actor) -> int:
    """Create a pending entry for each eligible attendee with an account; safe to run again.

    The event's organizers (and staff admins, and the sweep) award; the person's mentor decides.
    """
    require_event_manager(actor, page_id, doing="award its credits")
    record = EventRecord.objects.select_related("credit_category").get(page_id=page_id)
    if not record.credit_category_id or not record.credit_points:
        return 0
    created = 0
    users_by_email = {}
    candidates = eligible_registrations(page_id).filter(credit_entry__isnull=True).select_related("user")
    guest_emails = [r.email for r in candidates if r.user_id is None]
    if guest_emails:
        users_by_email = {u.email.lower(): u for u in User.objects.filter(email__in=guest_emails)}
    for registration in candidates:
        person = registration.user or users_by_email.get(registration.email.lower())
        if person is None:
            continue
        try:
            with transaction.atomic():
                CreditEntry.objects.create(
                    user=person,
                    category=record.credit_category,
                    points=record.credit_points,
                    registration=registration,
                    description=f"Attended {record.title}",
                )
            created += 1
        except IntegrityError:
            continue  # another run awarded this registration meanwhile
    return created


AWARD_LOOKBACK = timedelta(days=30)


def credits_award_due(*, actor=SYSTEM, now=None) -> int:
    """The periodic sweep: pending points for everyone who qualified at an event that ended recently.

    Attendance sheets uploaded after the event are picked up by the next run; the award itself
    is once-only per registration, so reruns create nothing twice.
    """
    now = now or timezone.now()
    ended = EventRecord.objects.filter(
        is_cancelled=False,
        credit_category__isnull=False,
        credit_points__gt=0,
        ends_at__lte=now,
        ends_at__gt=now - AWARD_LOOKBACK,
    )
    return sum(
        credits_award_for_event(page_id=page_id, actor=actor) for page_id in ended.values_list("page_id", flat=True)
    )


def can_decide_credit(actor: User, entry: CreditEntry) -> bool:
    """The person's mentor decides; staff admins may decide for anyone. Never one's own."""
    if actor is None or not actor.is_authenticated or actor.pk == entry.user_id:
        return False
    if sees_everything(actor):
        return True
    profile = getattr(entry.user, "student_profile", None)
    return profile is not None and profile.mentor_id == actor.pk


def credit_decide(*, entry: CreditEntry, actor: User, approve: bool, reason: str = "") -> CreditEntry:
    """Approve or reject a pending entry; approval may not push the person past the category's maximum."""
    if getattr(actor, "pk", None) is not None and actor.pk == entry.user_id:
        raise NotAllowed("You cannot decide on your own credits.")
    if not can_decide_credit(actor, entry):
        raise NotAllowed("Only this person's mentor or a staff admin can decide on their credits.")
    if not approve and not reason.strip():
        raise DomainError("Give a reason for the rejection; the person will see it.")
    with transaction.atomic():
        # Lock the person's entries in this category so two approvals cannot both fit under the limit.
        locked = list(
            CreditEntry.objects.select_for_update().filter(user_id=entry.user_id, category_id=entry.category_id)
        )
        entry = next(e for e in locked if e.pk == entry.pk)
        if entry.status != CreditEntry.Status.PENDING:
            raise DomainError(f"This entry is already {entry.get_status_display().lower()}.")
        if approve and entry.category.max_points is not None:
            approved = sum(e.points for e in locked if e.status == CreditEntry.Status.APPROVED)
            if approved + entry.points > entry.category.max_points:
                raise DomainError(
                    f"Approving would exceed the {entry.category} limit of {entry.category.max_points} points "
                    f"({approved} already approved)."
                )
        entry.status = CreditEntry.Status.APPROVED if approve else CreditEntry.Status.REJECTED
        entry.decided_by = person(actor)
        entry.decided_at = timezone.now()
        entry.reason = reason.strip()
        entry.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        _tell_decision(entry)
    return entry


def _tell_decision(entry: CreditEntry) -> None:
    from django.urls import reverse

    approved = entry.status == CreditEntry.Status.APPROVED
    body = f"{entry.description}: {entry.points} {entry.category} points " + (
        "approved." if approved else f"not approved. {entry.reason}"
    )
    messages.notify(
        kind=MessageKind.CREDIT_DECIDED,
        template="notice:credit_decided",
        subject=f"{entry.category} points {'approved' if approved else 'not approved'}",
        recipient=entry.user,
        body=body.strip(),
        url=reverse("my_credits"),
        about=f"credit:{entry.pk}",
        data={"action": "See your credits"},
        once_key=f"credit:{entry.pk}:{entry.status}",
    )
