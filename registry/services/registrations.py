"""Registration: seats, waitlist, confirmation, cancellation, approval decisions.

Capacity is guarded by one conditional UPDATE on the event's `EventRecord`
(`seats_taken < capacity`). PostgreSQL re-checks the condition after waiting
on the row lock, and SQLite runs IMMEDIATE transactions, so two writers can
never both take the last seat on either backend.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from .. import selectors
from ..actors import SYSTEM
from ..codes import CODE_ALPHABET
from ..models import ACTIVE, AttendanceMode, EventRecord, Message, Registration, RegistrationStatus, User
from ..selectors import page_organization_ids, registration_closed_reason, sees_everything
from . import messages
from .errors import DomainError, NotAllowed
from .guards import require_event_manager, require_registrant_or_manager

Status = RegistrationStatus


class AlreadyRegistered(DomainError):
    """This person already has an active registration for the event."""

    def __init__(self, registration: Registration):
        super().__init__("You are already registered for this event.")
        self.registration = registration


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def _enqueue_email(registration: Registration, template: str, *, title: str | None = None) -> None:
    """Tell the registrant in the caller's transaction; the email is sent after commit."""
    messages.tell_registrant(registration=registration, template=template, title=title)


def places_events_anywhere(actor) -> bool:
    """Staff admins and site-wide editors may put an event under any organization, or none."""
    return sees_everything(actor) or actor.has_perm("registry.place_events_anywhere")


def event_organization_check(*, actor, current_organization_id: int | None, organization_id: int | None) -> None:
    """Who may put an event under an organization: its organizers and page editors (never moving one out of
    another's), and staff admins and moderators. Events under no organization are for those who place events
    anywhere."""
    if places_events_anywhere(actor):
        return
    if current_organization_id is not None and organization_id == current_organization_id:
        return  # staying where it is; whether this person may edit it at all is the page permissions' answer
    if organization_id is None:
        raise NotAllowed("Only staff admins and the site's moderators publish events for no organization.")
    writable = page_organization_ids(actor)
    if current_organization_id is not None and current_organization_id not in writable:
        raise NotAllowed("This event belongs to an organization you do not organize; you cannot move it.")
    if organization_id not in writable:
        raise NotAllowed("You can only put events under organizations you organize.")


def _what_changed(record: EventRecord, page) -> list[str]:
    """What registrants must hear about, in their words: the time, the place, how to attend, the online link."""
    changes = []
    if (record.starts_at, record.ends_at) != (page.starts_at, page.ends_at):
        starts, ends = timezone.localtime(page.starts_at), timezone.localtime(page.ends_at)
        changes.append(f"It now runs from {starts:%a %d %b %Y, %H:%M} to {ends:%a %d %b %Y, %H:%M}.")
    if record.venue_id != page.venue_id:
        venue = getattr(page, "venue", None)
        changes.append(f"It now takes place at {venue.name}." if venue else "It no longer takes place in a hall.")
    if record.attendance_mode != page.attendance_mode:
        changes.append(f"It is now {AttendanceMode(page.attendance_mode).label.lower()}.")
    if record.online_url != page.online_url:
        changes.append("Its online link changed." if page.online_url else "It no longer has an online link.")
    return changes


def event_record_sync(*, page, actor=SYSTEM, change_key: str | None = None) -> EventRecord:
    """Copy a registrable page's schedule and settings into registry's record of it.

    Seats already taken are kept; lowering the capacity below them keeps those
    registrations (the capacity is clamped) and only stops new ones. Moving the
    event to another organization is checked against the actor. Registrants hear
    once per publish (`change_key`, the revision) that changes when, where or how
    it happens. Cancellation is not the page's to set (see `events.event_cancel`).
    """
    with transaction.atomic():
        record, created = EventRecord.objects.select_for_update().get_or_create(
            page_id=page.pk,
            defaults={"title": page.title, "starts_at": page.starts_at, "ends_at": page.ends_at},
        )
        if not created and record.organization_id != page.organization_id:
            event_organization_check(
                actor=actor, current_organization_id=record.organization_id, organization_id=page.organization_id
            )
        grew = record.capacity is not None and (page.capacity is None or page.capacity > record.capacity)
        changes = [] if created or record.is_cancelled else _what_changed(record, page)
        record.title = page.title
        record.starts_at = page.starts_at
        record.ends_at = page.ends_at
        record.capacity = None if page.capacity is None else max(page.capacity, record.seats_taken)
        record.registration_opens_at = page.registration_opens_at
        record.registration_closes_at = page.registration_closes_at
        record.attendance_mode = page.attendance_mode
        record.venue_id = page.venue_id
        record.online_url = page.online_url
        record.waitlist_enabled = page.waitlist_enabled
        record.requires_approval = page.requires_approval
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
            _offer_freed_seats(page.pk, timezone.now())
        if changes:
            messages.tell_registrants_event_changed(
                record=record, changes=changes, change_key=change_key or timezone.now().isoformat()
            )
    return record


def _record(page_id: int) -> EventRecord:
    record = EventRecord.objects.filter(page_id=page_id).first()
    if record is None:
        raise DomainError("This event is not open for registration: it has not been published.")
    return record


def _take_seat(record: EventRecord) -> bool:
    taken = (
        EventRecord.objects.filter(pk=record.pk)
        .filter(Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")))
        .update(seats_taken=F("seats_taken") + 1)
    )
    return taken == 1


def _release_seat(page_id: int) -> None:
    EventRecord.objects.filter(page_id=page_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


@dataclass(frozen=True)
class Submission:
    """What registering did. For guests `registration` is None: whether the address was registered before is
    the owner's business, told by email, so every guest sees the same answer."""

    registration: Registration | None

    @property
    def is_guest(self) -> bool:
        return self.registration is None


MAX_ANSWERS_BYTES = 10_000


class RateLimited(DomainError):
    """Too many registrations from one address or for one email; the API answers 429."""


def _over_limit(scope: str, *, client_address: str, email: str) -> bool:
    """Every window (minute, hour, day) per client address and per email address; any one exceeded blocks."""
    limits = settings.REGISTRATION_RATE_LIMITS
    checks = [(client_address, rate) for rate in limits["ip"] if client_address]
    checks += [(email.lower(), rate) for rate in limits["email"] if email]
    return any(
        is_ratelimited(
            None, group=f"{scope}:{index}", key=lambda _group, _request, v=value: v, rate=rate, increment=True
        )
        for index, (value, rate) in enumerate(checks)
    )


def _checked_answers(answers: dict | None) -> dict:
    answers = answers or {}
    if not isinstance(answers, dict) or not all(isinstance(key, str) for key in answers):
        raise DomainError("Answers must be given per question.")
    if len(json.dumps(answers, default=str).encode()) > MAX_ANSWERS_BYTES:
        raise DomainError("Your answers are too long. Please shorten them.")
    return answers


def registration_submit(
    *,
    actor,
    page,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    attendance_mode: str = "",
    answers: dict | None = None,
    consent: bool = False,
    client_address: str = "",
    now=None,
) -> Submission:
    """The one front door for registering, for the event page's form and the API alike.

    Account holders register as themselves (their address and, unless they give one, their name); guests give
    both. Limits per client address and per email address apply to everyone. A hybrid event needs to know how
    the person will attend. A guest whose address is already registered gets the same answer as a new guest,
    and the address's owner an email. Nobody registers without agreeing that the organizers may use their
    details to run the event (`consent`); when they agreed is kept on the registration.
    """
    if consent is not True:
        raise DomainError("Agree that the organizers may use your details to run this event.")
    now = now or timezone.now()
    person = actor if actor is not None and actor.is_authenticated and actor.pk is not None else None
    if person is not None:
        email = person.email
        full_name = (full_name or "").strip() or person.get_full_name() or person.email
    else:
        email = User.objects.normalize_email(email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError("Give a valid email address: the confirmation link goes there.") from exc
        if not (full_name or "").strip():
            raise DomainError("Give your full name.")
    if _over_limit("register", client_address=client_address, email=email):
        raise RateLimited("Too many registrations from here or for this address; please try again later.")
    record = _record(page.pk)
    if record.attendance_mode == AttendanceMode.HYBRID:
        if attendance_mode not in (AttendanceMode.ON_SITE, AttendanceMode.ONLINE):
            raise DomainError("Choose how you will attend this hybrid event: in person or online.")
    else:
        attendance_mode = ""
    try:
        registration = registration_create(
            page=page,
            email=email,
            full_name=full_name,
            user=person,
            phone=phone,
            attendance_mode=attendance_mode,
            answers=_checked_answers(answers),
            consent_given_at=now,
            now=now,
        )
    except AlreadyRegistered as exc:
        if person is not None:
            raise
        duplicate_attempt_notify(registration=exc.registration)
        return Submission(registration=None)
    return Submission(registration=None if person is None else registration)


def registration_create(
    *,
    page,
    email: str,
    full_name: str,
    user: User | None = None,
    phone: str = "",
    attendance_mode: str = "",
    answers: dict | None = None,
    consent_given_at=None,
    now=None,
) -> Registration:
    """Register a person: a seat if one is free, else the waitlist, else a clear refusal.

    Account holders (whose address is verified) are confirmed at once; guests
    hold the seat until they open the emailed link. Events that need approval
    hold the seat as "pending". Front ends call `registration_submit`, which
    decides who is registering; this is also what the demo loader uses.
    """
    now = now or timezone.now()
    email = User.objects.normalize_email(email).strip().lower()
    record = _record(page.pk)
    closed = registration_closed_reason(record, now=now)
    if closed:
        raise DomainError(closed)
    if user is None:
        seated = Status.AWAITING_CONFIRMATION
        hold_expires_at = min(now + timedelta(minutes=settings.REGISTRATION_HOLD_MINUTES), record.starts_at)
    else:
        seated, hold_expires_at = (Status.PENDING if record.requires_approval else Status.CONFIRMED), None
    fields = {
        "page_id": page.pk,
        "user": user,
        "email": email,
        "full_name": full_name.strip()[:200],
        "phone": phone.strip()[:32],
        "attendance_mode": attendance_mode,
        "answers": answers or {},
        "created_at": now,
        "consent_given_at": consent_given_at,
    }
    try:
        with transaction.atomic():
            # The seat is taken last: the event's row stays locked from that UPDATE to the commit
            # only, not across the inserts (the registration and its messages), so concurrent
            # registrations queue for less time. Without a seat, both are rolled back and redone.
            without_seat = transaction.savepoint()
            registration = Registration.objects.create(
                **fields,
                status=seated,
                code=_new_code(),
                hold_expires_at=hold_expires_at,
                confirmed_at=now if seated == Status.CONFIRMED else None,
            )
            _enqueue_email(registration, _status_email(registration), title=record.title)
            if not _take_seat(record):
                transaction.savepoint_rollback(without_seat)
                if not record.waitlist_enabled:
                    raise DomainError("Sorry, this event is full.")
                registration = Registration.objects.create(**fields, status=Status.WAITLISTED, code=_new_code())
                _enqueue_email(registration, "waitlisted", title=record.title)
    except IntegrityError as exc:
        # The person is registered already (or a concurrent request for them won): the unique
        # constraint decides, before any seat is taken.
        existing = Registration.objects.filter(page_id=page.pk, email=email, status__in=ACTIVE).first()
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from exc
    return registration


def _status_email(registration: Registration) -> str:
    if registration.is_waitlist_offer:
        return "promoted"
    return {
        Status.AWAITING_CONFIRMATION: "confirm_request",
        Status.CONFIRMED: "confirmed",
        Status.WAITLISTED: "waitlisted",
        Status.PENDING: "pending",
    }[registration.status]


MAX_CONFIRMATION_SENDS = 4
RESENDABLE = [Status.AWAITING_CONFIRMATION, Status.CONFIRMED, Status.PENDING, Status.WAITLISTED]


def confirmation_resend(*, registration: Registration, actor) -> None:
    """Send the registration's latest email again — the link to confirm a held seat, the offer of a seat, the
    ticket, the waitlist place — a few times at most (each send is its own once-only message)."""
    require_registrant_or_manager(actor, registration, doing="have the confirmation sent again")
    if registration.status not in RESENDABLE:
        raise DomainError(
            f"This registration is {registration.get_status_display().lower()}: there is nothing to send."
        )
    template = _status_email(registration)
    sent = registration.messages.filter(channel=Message.Channel.EMAIL, template__startswith=template).count()
    if sent >= MAX_CONFIRMATION_SENDS:
        raise DomainError("We have already sent it several times. Please check your spam folder.")
    messages.tell_registrant(registration=registration, template=f"{template}:{sent + 1}", email_only=True)


def duplicate_attempt_notify(*, registration: Registration) -> None:
    """Someone registered an address that already has a registration; only its owner hears about it.

    A guest who lost their confirmation link gets it again; anyone else gets an
    "already registered" note. The page shows every guest the same response.
    """
    if registration.status == Status.AWAITING_CONFIRMATION:
        try:
            confirmation_resend(registration=registration, actor=SYSTEM)
        except DomainError:
            return
    else:
        _enqueue_email(registration, "already_registered")


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration.pk)


def registration_confirm(*, registration: Registration, actor, now=None) -> Registration:
    """A guest opened their link: the held seat becomes theirs (or pending approval)."""
    require_registrant_or_manager(actor, registration, doing="confirm this seat")
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
        if registration.offered_at is not None:
            deadline = timezone.localtime(registration.hold_expires_at)
            raise DomainError(
                f"This offer ended at {deadline:%H:%M %Z on %d %b %Y}, so the seat went to the next person waiting."
            )
        raise DomainError("Your seat was held for a limited time and has been released. Please register again.")
    return registration


def waitlist_offer_accept(*, registration: Registration, actor, now=None) -> Registration:
    """Someone offered a freed seat from the waitlist takes it, before the offer's deadline."""
    require_registrant_or_manager(actor, registration, doing="accept this seat")
    registration.refresh_from_db(fields=["status", "offered_at", "hold_expires_at"])
    if registration.status in (Status.CONFIRMED, Status.PENDING) and registration.offered_at is not None:
        return registration
    if registration.status == Status.WAITLISTED:
        raise DomainError("No seat has been offered to you yet; we will email you when one opens.")
    if not registration.is_waitlist_offer and registration.status != Status.EXPIRED:
        raise DomainError("There is no offer of a seat to accept for this registration.")
    if registration.status == Status.EXPIRED:
        raise DomainError("This offer has ended, so the seat went to the next person waiting.")
    return registration_confirm(registration=registration, actor=actor, now=now)


def registration_cancel(*, registration: Registration, actor, now=None) -> Registration:
    """The attendee (or the event's organizers) cancel; a held seat goes to the first person on the waitlist."""
    require_registrant_or_manager(actor, registration, doing="cancel this registration")
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
            _offer_freed_seats(registration.page_id, now)
        _enqueue_email(registration, "cancelled")
    return registration


def registration_update(
    *, actor, registration: Registration, full_name: str, phone: str = "", attendance_mode: str = ""
) -> Registration:
    """The event's organizers correct a registrant's details; status and answers change only by their own services."""
    require_event_manager(
        actor, registration.page_id, permission="registry.change_registration", doing="change its registrations"
    )
    full_name = full_name.strip()
    if not full_name:
        raise DomainError("Give the person's full name.")
    record = _record(registration.page_id)
    if record.attendance_mode != AttendanceMode.HYBRID:
        attendance_mode = ""
    elif attendance_mode not in (AttendanceMode.ON_SITE, AttendanceMode.ONLINE):
        raise DomainError("For a hybrid event, say whether the person attends in person or online.")
    with transaction.atomic():
        registration = _locked(registration)
        registration.full_name, registration.phone = full_name[:200], phone.strip()[:32]
        registration.attendance_mode = attendance_mode
        registration.save(update_fields=["full_name", "phone", "attendance_mode"])
    return registration


def registration_answers_change(*, actor, registration: Registration, answers: dict) -> Registration:
    """The person registered (or the event's organizers) change the answers to the event's questions, while the
    registration is active and the event has not started. Front ends validate answers with the event's own form."""
    require_registrant_or_manager(actor, registration, doing="change the answers")
    answers = _checked_answers(answers)
    with transaction.atomic():
        registration = _locked(registration)
        if not registration.is_active:
            raise DomainError(
                f"This registration is {registration.get_status_display().lower()}; its answers are kept."
            )
        record = _record(registration.page_id)
        if record.starts_at <= timezone.now():
            raise DomainError("The event has started; answers can no longer be changed.")
        registration.answers = answers
        registration.save(update_fields=["answers"])
    return registration


def registration_links_send(*, email: str, client_address: str = "", now=None) -> None:
    """Email an address the links to its registrations' own pages, if it has any whose links still open.

    Anyone may ask: the links reach only the address's owner, and whoever asks is told the same either way.
    Limits per client address and per email address apply (`RateLimited`).
    """
    now = now or timezone.now()
    email = User.objects.normalize_email(email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError("Give a valid email address.") from exc
    if _over_limit("registration-links", client_address=client_address, email=email):
        raise RateLimited("Too many requests from here or for this address; please try again later.")
    registrations = list(selectors.registrations_with_open_links(email, now=now).values_list("pk", flat=True))
    if registrations:
        messages.tell_registration_links(address=email, registration_ids=registrations)


def registration_decide(*, registration: Registration, actor: User, approve: bool, reason: str = "") -> Registration:
    """An organizer approves or rejects a registration on an approval-required event."""
    if registration.user_id and registration.user_id == actor.pk:
        raise NotAllowed("You cannot decide on your own registration.")
    require_event_manager(
        actor, registration.page_id, permission="registry.change_registration", doing="decide on its registrations"
    )
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
            _offer_freed_seats(registration.page_id, timezone.now())
        registration.save(update_fields=["status", "confirmed_at", "decision_reason"])
        _enqueue_email(registration, "confirmed" if approve else "rejected")
    return registration


def _expire(registration: Registration, now) -> None:
    registration.status = Status.EXPIRED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    _release_seat(registration.page_id)
    _offer_freed_seats(registration.page_id, now)
    _enqueue_email(registration, "expired")


def _require_sweeper(actor) -> None:
    if not sees_everything(actor):
        raise NotAllowed("Only the scheduler and staff admins run this sweep.")


def holds_expire(*, actor=SYSTEM, now=None) -> int:
    """Release seats whose holders did not confirm in time; returns how many."""
    _require_sweeper(actor)
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


def _offer_freed_seats(page_id: int, now) -> list[Registration]:
    """Offer every free seat to the waitlist in order, inside the transaction that freed it.

    The event's row stays locked until that transaction commits, so nobody registering meanwhile can take a
    seat ahead of the people waiting; each offer must be confirmed before its deadline (the email is sent
    after commit).
    """
    offers = []
    record = EventRecord.objects.select_for_update().filter(page_id=page_id).first()
    if record is None or record.is_cancelled or record.starts_at <= now or record.seats_left == 0:
        return offers
    waiting = (
        Registration.objects.select_for_update()
        .filter(page_id=page_id, status=Status.WAITLISTED)
        .order_by("created_at", "pk")
    )
    for candidate in waiting if record.seats_left is None else waiting[: record.seats_left]:
        if not _take_seat(record):
            break
        candidate.status = Status.AWAITING_CONFIRMATION
        candidate.offered_at = now
        candidate.hold_expires_at = min(now + timedelta(hours=settings.WAITLIST_OFFER_HOURS), record.starts_at)
        candidate.save(update_fields=["status", "offered_at", "hold_expires_at"])
        _enqueue_email(candidate, "promoted")
        offers.append(candidate)
    return offers
