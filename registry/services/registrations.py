"""Registration: seats, waitlist, confirmation, cancellation, approval decisions.

Capacity is guarded by one conditional UPDATE on the event's `EventRecord`
(`seats_taken < capacity`). PostgreSQL re-checks the condition after waiting
on the row lock, and SQLite runs IMMEDIATE transactions, so two writers can
never both take the last seat on either backend.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import ACTIVE, EventRecord, Registration, RegistrationStatus, User
from ..selectors import registration_closed_reason, scope_to_organizations
from .errors import DomainError

Status = RegistrationStatus
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AlreadyRegistered(DomainError):
    """This person already has an active registration for the event."""

    def __init__(self, registration: Registration):
        super().__init__("You are already registered for this event.")
        self.registration = registration


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _enqueue_email(registration: Registration, kind: str) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.send_registration_email(registration.pk, kind))


def _enqueue_promotion(page_id: int) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.promote_waitlist(page_id))


def event_record_sync(*, page) -> EventRecord:
    """Copy a registrable page's schedule and settings into registry's record of it.

    Seats already taken are kept; lowering the capacity below them keeps those
    registrations (the capacity is clamped) and only stops new ones.
    """
    with transaction.atomic():
        record, created = EventRecord.objects.select_for_update().get_or_create(
            page_id=page.pk,
            defaults={"title": page.title, "starts_at": page.starts_at, "ends_at": page.ends_at},
        )
        grew = record.capacity is not None and (page.capacity is None or page.capacity > record.capacity)
        record.title = page.title
        record.starts_at = page.starts_at
        record.ends_at = page.ends_at
        record.capacity = None if page.capacity is None else max(page.capacity, record.seats_taken)
        record.waitlist_enabled = page.waitlist_enabled
        record.requires_approval = page.requires_approval
        record.is_cancelled = page.is_cancelled
        record.organization_id = page.organization_id
        sessions = getattr(page, "sessions", None)
        record.session_ids = (
            sorted(session.pk for session in sessions.all() if session.pk) if sessions is not None else []
        )
        record.attendance_threshold = page.attendance_threshold
        record.credit_category_id = page.credit_category_id
        record.credit_points = page.credit_points
        record.issue_certificates_automatically = page.issue_certificates_automatically
        record.save()
        if grew and not created:
            _enqueue_promotion(page.pk)
    return record


def event_record_for(page) -> EventRecord:
    record = EventRecord.objects.filter(page_id=page.pk).first()
    return record or event_record_sync(page=page)


def _take_seat(record: EventRecord) -> bool:
    taken = (
        EventRecord.objects.filter(pk=record.pk)
        .filter(Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")))
        .update(seats_taken=F("seats_taken") + 1)
    )
    return taken == 1


def _release_seat(page_id: int) -> None:
    EventRecord.objects.filter(page_id=page_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def registration_create(
    *,
    page,
    email: str,
    full_name: str,
    user: User | None = None,
    phone: str = "",
    attendance_mode: str = "",
    answers: dict | None = None,
    now=None,
) -> Registration:
    """Register a person: a seat if one is free, else the waitlist, else a clear refusal.

    Account holders (whose address is verified) are confirmed at once; guests
    hold the seat until they open the emailed link. Events that need approval
    hold the seat as "pending".
    """
    now = now or timezone.now()
    email = User.objects.normalize_email(email).strip().lower()
    closed = registration_closed_reason(page, now=now)
    if closed:
        raise DomainError(closed)
    record = event_record_for(page)
    if user is None:
        seated = Status.AWAITING_CONFIRMATION
        hold_expires_at = min(now + timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES), page.starts_at)
    else:
        seated, hold_expires_at = (Status.PENDING if record.requires_approval else Status.CONFIRMED), None
    fields = {
        "page_id": page.pk,
        "user": user,
        "email": email,
        "full_name": full_name.strip(),
        "phone": phone.strip(),
        "attendance_mode": attendance_mode,
        "answers": answers or {},
        "created_at": now,
    }
    try:
        with transaction.atomic():
            # The seat is taken last: the event's row stays locked from that UPDATE to the commit
            # only, not across the inserts, so concurrent registrations queue for less time.
            without_seat = transaction.savepoint()
            registration = Registration.objects.create(
                **fields,
                status=seated,
                code=_new_code(),
                hold_expires_at=hold_expires_at,
                confirmed_at=now if seated == Status.CONFIRMED else None,
            )
            if not _take_seat(record):
                transaction.savepoint_rollback(without_seat)
                if not record.waitlist_enabled:
                    raise DomainError("Sorry, this event is full.")
                registration = Registration.objects.create(**fields, status=Status.WAITLISTED, code=_new_code())
    except IntegrityError as exc:
        # The person is registered already (or a concurrent request for them won): the unique
        # constraint decides, before any seat is taken.
        existing = Registration.objects.filter(page_id=page.pk, email=email, status__in=ACTIVE).first()
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from exc
    _enqueue_email(registration, _status_email(registration))
    return registration


def _status_email(registration: Registration) -> str:
    return {
        Status.AWAITING_CONFIRMATION: "confirm_request",
        Status.CONFIRMED: "confirmed",
        Status.WAITLISTED: "waitlisted",
        Status.PENDING: "pending",
    }[registration.status]


MAX_CONFIRMATION_SENDS = 4


def confirmation_resend(*, registration: Registration) -> None:
    """Send the confirmation link again, a few times at most (each send is its own once-only kind)."""
    if registration.status != Status.AWAITING_CONFIRMATION:
        raise DomainError("This registration does not need confirming.")
    sent = registration.sent_emails.filter(kind__startswith="confirm_request").count()
    if sent >= MAX_CONFIRMATION_SENDS:
        raise DomainError("We have already sent the link several times. Please check your spam folder.")
    _enqueue_email(registration, f"confirm_request:{sent + 1}")


def duplicate_attempt_notify(*, registration: Registration) -> None:
    """Someone registered an address that already has a registration; only its owner hears about it.

    A guest who lost their confirmation link gets it again; anyone else gets an
    "already registered" note. The page shows every guest the same response.
    """
    if registration.status == Status.AWAITING_CONFIRMATION:
        try:
            confirmation_resend(registration=registration)
        except DomainError:
            return
    else:
        _enqueue_email(registration, "already_registered")


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration.pk)


def registration_confirm(*, registration: Registration, now=None) -> Registration:
    """A guest opened their link: the held seat becomes theirs (or pending approval)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status in (Status.CONFIRMED, Status.PENDING):
            return registration
        if registration.status != Status.AWAITING_CONFIRMATION:
            raise DomainError(
                f"This registration can no longer be confirmed: it is {registration.get_status_display()}."
            )
        hold_lapsed = registration.hold_expires_at is not None and registration.hold_expires_at <= now
        if hold_lapsed:
            _expire(registration, now)
        else:
            requires_approval = EventRecord.objects.filter(
                page_id=registration.page_id, requires_approval=True
            ).exists()
            registration.status = Status.PENDING if requires_approval else Status.CONFIRMED
            registration.confirmed_at = now
            registration.hold_expires_at = None
            registration.save(update_fields=["status", "confirmed_at", "hold_expires_at"])
            _enqueue_email(registration, _status_email(registration))
    if hold_lapsed:
        # Refused only after the release has committed.
        raise DomainError("Your seat was held for a limited time and has been released. Please register again.")
    return registration


def registration_cancel(*, registration: Registration, now=None) -> Registration:
    """The attendee cancels; a held seat goes to the first person on the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status == Status.CANCELLED:
            return registration
        if not registration.is_active:
            raise DomainError(f"This registration is already {registration.get_status_display().lower()}.")
        freed = registration.holds_seat
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.hold_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "hold_expires_at"])
        if freed:
            _release_seat(registration.page_id)
            _enqueue_promotion(registration.page_id)
        _enqueue_email(registration, "cancelled")
    return registration


def registration_decide(*, registration: Registration, actor: User, approve: bool, reason: str = "") -> Registration:
    """An organizer approves or rejects a registration on an approval-required event."""
    if registration.user_id and registration.user_id == actor.pk:
        raise DomainError("You cannot decide on your own registration.")
    in_scope = scope_to_organizations(Registration.objects.all(), actor, "page__event_record__organization")
    if not in_scope.filter(pk=registration.pk).exists():
        raise DomainError("Only organizers of this event's organization can decide on its registrations.")
    if not approve and not reason.strip():
        raise DomainError("Give a reason for the rejection; the person will see it.")
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status != Status.PENDING:
            raise DomainError(
                f"Only pending registrations can be decided; this one is {registration.get_status_display().lower()}."
            )
        registration.decision_reason = reason.strip()
        if approve:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = timezone.now()
        else:
            registration.status = Status.REJECTED
            _release_seat(registration.page_id)
            _enqueue_promotion(registration.page_id)
        registration.save(update_fields=["status", "confirmed_at", "decision_reason"])
        _enqueue_email(registration, "confirmed" if approve else "rejected")
    return registration


def _expire(registration: Registration, now) -> None:
    registration.status = Status.EXPIRED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    _release_seat(registration.page_id)
    _enqueue_promotion(registration.page_id)
    _enqueue_email(registration, "expired")


def holds_expire(*, now=None) -> int:
    """Release seats whose holders did not confirm in time; returns how many."""
    now = now or timezone.now()
    due = Registration.objects.filter(status=Status.AWAITING_CONFIRMATION, hold_expires_at__lte=now)
    expired = 0
    for registration in due.only("pk"):
        with transaction.atomic():
            registration = _locked(registration)
            if registration.status == Status.AWAITING_CONFIRMATION and registration.hold_expires_at <= now:
                _expire(registration, now)
                expired += 1
    return expired


def waitlist_promote(*, page_id: int, now=None) -> list[Registration]:
    """Offer freed seats to the waitlist in order; each offer must be confirmed in time."""
    now = now or timezone.now()
    promoted = []
    while True:
        with transaction.atomic():
            record = EventRecord.objects.select_for_update().filter(page_id=page_id).first()
            if record is None or record.is_cancelled or record.starts_at <= now:
                break
            candidate = (
                Registration.objects.select_for_update()
                .filter(page_id=page_id, status=Status.WAITLISTED)
                .order_by("created_at", "pk")
                .first()
            )
            if candidate is None or not _take_seat(record):
                break
            candidate.status = Status.AWAITING_CONFIRMATION
            candidate.hold_expires_at = min(now + timedelta(hours=settings.WAITLIST_OFFER_HOURS), record.starts_at)
            candidate.save(update_fields=["status", "hold_expires_at"])
            _enqueue_email(candidate, "promoted")
        promoted.append(candidate)
    return promoted
