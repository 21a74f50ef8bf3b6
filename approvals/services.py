"""Writes for hall bookings. Every front end (pages, admin, import, inbox, signals, tasks) calls these.

The rules: a request gets its first-choice hall if it is free, else its second
choice, else it waits for a hall admin with its conflicts listed. Nobody decides
on their own request; organizers decide only for halls their organization
manages. Two approved bookings of one hall never overlap: the service checks,
and on PostgreSQL the exclusion constraint refuses whatever slips past.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil import rrule
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.actors import person
from registry.models import EventRecord, Organization, User, Venue
from registry.selectors import managed_organization_ids
from registry.services import DomainError, NotAllowed

from . import emails, selectors
from .models import ACTIVE_STATUSES, NO_OVERLAP_CONSTRAINT, BookingSeries, BookingStatus, Frequency, HallBooking

MAX_BOOKING_LENGTH = timedelta(days=14)
MAX_SERIES_OCCURRENCES = 200
EVENT_PART = "event"


def when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%a %d %b %Y, %H:%M}"


def conflict_message(clash: HallBooking) -> str:
    span = f"from {when(clash.starts_at)} to {when(clash.ends_at)}"
    return f"{clash.venue.name} is already booked {span} (booking #{clash.pk})."


# --- validation -----------------------------------------------------------


def booking_validate(
    *,
    primary_venue: Venue,
    secondary_venue: Venue | None = None,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int,
) -> None:
    """Raise a DomainError for a request no hall admin could grant."""
    if ends_at == starts_at:
        raise DomainError("The booking has no length: it starts and ends at the same time.")
    if ends_at < starts_at:
        raise DomainError("The booking ends before it starts; check the times.")
    if ends_at - starts_at > MAX_BOOKING_LENGTH:
        raise DomainError("A single booking can last at most 14 days; use a recurring request instead.")
    if starts_at < timezone.now():
        raise DomainError("Bookings cannot start in the past.")
    if attendees < 1:
        raise DomainError("Expected attendees must be at least 1.")
    if secondary_venue is not None and secondary_venue.pk == primary_venue.pk:
        raise DomainError("Choose a different hall as the second choice, or leave it empty.")
    for venue in filter(None, [primary_venue, secondary_venue]):
        if not venue.is_active:
            raise DomainError(f"{venue.name} is not available for booking.")
        if attendees > venue.capacity:
            raise DomainError(f"{venue.name} holds {venue.capacity} people; {attendees} are expected.")


def _ensure_can_request(requester: User, organization: Organization | None) -> None:
    if selectors.is_hall_admin(requester):
        return
    if organization is None:
        raise NotAllowed("Choose the organization you are booking for.")
    if organization.pk not in managed_organization_ids(requester):
        raise NotAllowed(f"Only organizers of {organization.name} can book halls for it.")


def _ensure_can_decide(booking: HallBooking, actor: User) -> None:
    if actor.pk is not None and booking.requester_id == actor.pk:
        raise NotAllowed("You cannot decide on your own request; another approver must.")
    if selectors.is_hall_admin(actor):
        return
    managed_by = booking.venue.managed_by_id
    if managed_by is None or managed_by not in managed_organization_ids(actor):
        raise NotAllowed(
            f"You can only decide on bookings for halls your organization manages, not {booking.venue.name}."
        )


def _ensure_can_cancel(booking: HallBooking, actor: User) -> None:
    if (actor.pk is not None and booking.requester_id == actor.pk) or selectors.is_hall_admin(actor):
        return
    organizations = managed_organization_ids(actor)
    if booking.organization_id in organizations or booking.venue.managed_by_id in organizations:
        return
    raise NotAllowed("Only the requester, their organization's organizers or a hall admin can cancel this booking.")


# --- holding a hall -------------------------------------------------------


def _save_approved(booking: HallBooking) -> None:
    """Save `booking` as approved; a clash found now or refused by the database becomes a DomainError."""
    clash = selectors.conflicts_for(
        venue=booking.venue, starts_at=booking.starts_at, ends_at=booking.ends_at, exclude=booking
    ).first()
    if clash is not None:
        raise DomainError(conflict_message(clash))
    booking.status = BookingStatus.APPROVED
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        if NO_OVERLAP_CONSTRAINT not in str(error):
            raise
        if booking._state.adding:
            booking.pk = None
        clash = selectors.conflicts_for(
            venue=booking.venue, starts_at=booking.starts_at, ends_at=booking.ends_at, exclude=booking
        ).first()
        raise DomainError(
            conflict_message(clash) if clash else f"{booking.venue.name} was just booked by someone else."
        ) from error


def _place(booking: HallBooking, *, queue_on_conflict: bool) -> HallBooking:
    """First choice, then second choice; otherwise queue with the conflicts listed (or refuse)."""
    clashes = []
    for venue in filter(None, [booking.primary_venue, booking.secondary_venue]):
        booking.venue = venue
        booking.queue_note = ""
        booking.reason = f"{venue.name} was free, so the booking was approved automatically."
        booking.decided_at, booking.decided_by = timezone.now(), None
        try:
            _save_approved(booking)
        except DomainError as error:
            clashes.append(str(error))
            continue
        return booking
    if not queue_on_conflict:
        raise DomainError(" ".join(clashes))
    booking.venue = booking.primary_venue
    booking.status = BookingStatus.REQUESTED
    booking.queue_note = "Waiting for a hall admin: " + " ".join(clashes)
    booking.decided_at = None
    booking.reason = ""
    booking.save()
    return booking


def _notify(booking: HallBooking) -> None:
    """Tell the requester about the booking's new state, in this transaction (the email goes after commit)."""
    history_id = booking.history.values_list("history_id", flat=True).first()
    emails.booking_state_tell(booking_id=booking.pk, history_id=history_id)


def _request(
    *,
    requester: User,
    organization: Organization | None,
    title: str,
    primary_venue: Venue,
    secondary_venue: Venue | None,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int,
    description: str = "",
    page_id: int | None = None,
    page_part: str = "",
    series: BookingSeries | None = None,
    queue_on_conflict: bool = True,
) -> HallBooking:
    title = title.strip()
    if not title:
        raise DomainError("Say what the hall is for.")
    booking_validate(
        primary_venue=primary_venue,
        secondary_venue=secondary_venue,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees,
    )
    booking = HallBooking(
        requester=requester,
        organization=organization,
        title=title,
        description=description,
        page_id=page_id,
        page_part=page_part,
        primary_venue=primary_venue,
        secondary_venue=secondary_venue,
        venue=primary_venue,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees,
        series=series,
    )
    _place(booking, queue_on_conflict=queue_on_conflict)
    if series is None:
        _notify(booking)
    return booking


@transaction.atomic
def booking_request(
    *,
    requester: User,
    organization: Organization | None,
    title: str,
    primary_venue: Venue,
    secondary_venue: Venue | None = None,
    starts_at: datetime,
    ends_at: datetime,
    attendees: int,
    description: str = "",
    queue_on_conflict: bool = True,
) -> HallBooking:
    """Ask for a hall. Approved at once if the first or second choice is free; else queued.

    With `queue_on_conflict=False` (timetable imports) a clash is an error instead.
    """
    _ensure_can_request(requester, organization)
    return _request(
        requester=requester,
        organization=organization,
        title=title,
        primary_venue=primary_venue,
        secondary_venue=secondary_venue,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees,
        description=description,
        queue_on_conflict=queue_on_conflict,
    )


def _locked(booking: HallBooking) -> HallBooking:
    return HallBooking.objects.select_for_update().select_related("venue", "requester").get(pk=booking.pk)


@transaction.atomic
def booking_approve(*, booking: HallBooking, actor: User, venue: Venue | None = None) -> HallBooking:
    """Approve a waiting request, optionally in another hall; refused if it would overlap an approved booking."""
    booking = _locked(booking)
    _ensure_can_decide(booking, actor)
    if booking.status != BookingStatus.REQUESTED:
        raise DomainError(
            f"Booking #{booking.pk} is {booking.get_status_display().lower()}; only waiting requests can be approved."
        )
    if venue is not None and venue.pk != booking.venue_id:
        if not venue.is_active:
            raise DomainError(f"{venue.name} is not available for booking.")
        if booking.attendees > venue.capacity:
            raise DomainError(f"{venue.name} holds {venue.capacity} people; {booking.attendees} are expected.")
        booking.venue = venue
    if booking.ends_at <= timezone.now():
        raise DomainError(f"Booking #{booking.pk} has already ended; reject or cancel it instead.")
    booking.decided_by = person(actor)
    booking.decided_at = timezone.now()
    booking.reason = ""
    _save_approved(booking)
    _notify(booking)
    return booking


@transaction.atomic
def booking_reject(*, booking: HallBooking, actor: User, reason: str) -> HallBooking:
    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason for the rejection; the requester will see it.")
    booking = _locked(booking)
    _ensure_can_decide(booking, actor)
    if booking.status != BookingStatus.REQUESTED:
        raise DomainError(
            f"Booking #{booking.pk} is {booking.get_status_display().lower()}; only waiting requests can be rejected."
        )
    booking.status = BookingStatus.REJECTED
    booking.decided_by, booking.decided_at, booking.reason = person(actor), timezone.now(), reason
    booking.save()
    _notify(booking)
    return booking


def _cancel(booking: HallBooking, actor, reason: str) -> HallBooking:
    booking.status = BookingStatus.CANCELLED
    booking.decided_by, booking.decided_at, booking.reason = person(actor), timezone.now(), reason
    booking.save()
    if person(actor) is None or actor.pk != booking.requester_id:
        _notify(booking)
    return booking


@transaction.atomic
def booking_cancel(*, booking: HallBooking, actor: User, reason: str = "") -> HallBooking:
    """Release a waiting or approved booking."""
    booking = _locked(booking)
    _ensure_can_cancel(booking, actor)
    if not booking.is_active:
        raise DomainError(f"Booking #{booking.pk} is already {booking.get_status_display().lower()}.")
    return _cancel(booking, actor, reason.strip() or f"Cancelled by {actor}.")


# --- recurring requests ---------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime
    ends_at: datetime
    venue: Venue | None  # the hall it would get at once; None when it would wait
    conflicts: list[HallBooking] = field(default_factory=list)

    @property
    def day(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def clashes(self) -> bool:
        return self.venue is None


def series_dates(
    *,
    starts_at: datetime,
    ends_at: datetime,
    frequency: str,
    until: date,
    weekdays: list[int] | tuple[int, ...] = (),
    interval: int = 1,
) -> list[tuple[datetime, datetime]]:
    """Start and end of every occurrence, in local wall-clock time (daylight saving kept right)."""
    if frequency not in Frequency.values:
        raise DomainError(f"Unknown repetition {frequency!r}; use daily, weekly or monthly.")
    if interval < 1:
        raise DomainError("Repeat at least every 1 day, week or month.")
    if ends_at <= starts_at:
        raise DomainError("The booking ends before it starts; check the times.")
    first = timezone.localtime(starts_at).replace(tzinfo=None)
    length = timezone.localtime(ends_at).replace(tzinfo=None) - first
    if until < first.date():
        raise DomainError("The repetition must end on or after the first day.")
    if any(day not in range(7) for day in weekdays):
        raise DomainError("Weekdays are numbered 0 (Monday) to 6 (Sunday).")
    weekly_on = sorted(set(weekdays)) if frequency == Frequency.WEEKLY and weekdays else None
    rule = rrule.rrule(
        {Frequency.DAILY: rrule.DAILY, Frequency.WEEKLY: rrule.WEEKLY, Frequency.MONTHLY: rrule.MONTHLY}[frequency],
        dtstart=first,
        interval=interval,
        until=datetime.combine(until, time.max),
        byweekday=weekly_on,
    )
    starts = list(islice(rule, MAX_SERIES_OCCURRENCES + 1))
    if len(starts) > MAX_SERIES_OCCURRENCES:
        raise DomainError(
            f"A series can have at most {MAX_SERIES_OCCURRENCES} occurrences; choose an earlier end date."
        )
    return [(timezone.make_aware(start), timezone.make_aware(start + length)) for start in starts]


def series_preview(
    *,
    primary_venue: Venue,
    secondary_venue: Venue | None = None,
    starts_at: datetime,
    ends_at: datetime,
    frequency: str,
    until: date,
    weekdays: list[int] | tuple[int, ...] = (),
    interval: int = 1,
    attendees: int,
) -> list[Occurrence]:
    """Every occurrence with the hall it would get, or the clashes that would make it wait."""
    dates = series_dates(
        starts_at=starts_at, ends_at=ends_at, frequency=frequency, until=until, weekdays=weekdays, interval=interval
    )
    for occurrence_start, occurrence_end in dates:
        booking_validate(
            primary_venue=primary_venue,
            secondary_venue=secondary_venue,
            starts_at=occurrence_start,
            ends_at=occurrence_end,
            attendees=attendees,
        )
    venues = [v for v in (primary_venue, secondary_venue) if v is not None]
    approved = list(
        HallBooking.objects.filter(
            venue__in=venues, status=BookingStatus.APPROVED, starts_at__lt=dates[-1][1], ends_at__gt=dates[0][0]
        ).select_related("venue", "organization")
    )
    occurrences = []
    for occurrence_start, occurrence_end in dates:
        conflicts, granted = [], None
        for venue in venues:
            clashing = [
                b
                for b in approved
                if b.venue_id == venue.pk and b.starts_at < occurrence_end and b.ends_at > occurrence_start
            ]
            if not clashing:
                granted = venue
                break
            conflicts.extend(clashing)
        occurrences.append(Occurrence(occurrence_start, occurrence_end, granted, [] if granted else conflicts))
    return occurrences


@transaction.atomic
def series_request(
    *,
    requester: User,
    organization: Organization | None,
    title: str,
    primary_venue: Venue,
    secondary_venue: Venue | None = None,
    starts_at: datetime,
    ends_at: datetime,
    frequency: str,
    until: date,
    weekdays: list[int] | tuple[int, ...] = (),
    interval: int = 1,
    attendees: int,
    description: str = "",
    skip: list[date] | tuple[date, ...] = (),
) -> BookingSeries:
    """Request every occurrence not in `skip`; each is placed (or queued) by the single-booking rules."""
    _ensure_can_request(requester, organization)
    dates = series_dates(
        starts_at=starts_at, ends_at=ends_at, frequency=frequency, until=until, weekdays=weekdays, interval=interval
    )
    skip = set(skip)
    wanted = [(s, e) for s, e in dates if timezone.localdate(s) not in skip]
    if not wanted:
        raise DomainError("Every occurrence was skipped; there is nothing to request.")
    series = BookingSeries.objects.create(
        requester=requester,
        organization=organization,
        title=title.strip(),
        frequency=frequency,
        interval=interval,
        weekdays=sorted(set(weekdays)) if frequency == Frequency.WEEKLY else [],
        first_starts_at=starts_at,
        first_ends_at=ends_at,
        until=until,
        skipped=sorted(d.isoformat() for d in skip if any(timezone.localdate(s) == d for s, _ in dates)),
    )
    for occurrence_start, occurrence_end in wanted:
        _request(
            requester=requester,
            organization=organization,
            title=title,
            primary_venue=primary_venue,
            secondary_venue=secondary_venue,
            starts_at=occurrence_start,
            ends_at=occurrence_end,
            attendees=attendees,
            description=description,
            series=series,
        )
    emails.series_summary_tell(series_id=series.pk)
    return series


# --- event pages ----------------------------------------------------------


def _event_parts(page) -> dict[str, tuple[Venue, datetime, datetime, str]]:
    """What a published event page needs: its hall for its times, and each session's own room."""
    if not getattr(page, "venue", None) or EventRecord.objects.filter(page_id=page.pk, is_cancelled=True).exists():
        return {}
    if not (page.starts_at and page.ends_at and page.ends_at > page.starts_at):
        return {}
    parts = {EVENT_PART: (page.venue, page.starts_at, page.ends_at, page.title)}
    sessions = getattr(page, "sessions", None)
    for session in sessions.all() if sessions is not None else []:
        room = getattr(session, "room", None)
        if not isinstance(room, Venue) or not (session.starts_at and session.ends_at):
            continue
        inside_event = page.starts_at <= session.starts_at and session.ends_at <= page.ends_at
        if room.pk == page.venue.pk and inside_event:
            continue  # already covered by the event's own booking
        label = getattr(session, "title", "") or "Session"
        parts[f"session:{session.pk}"] = (room, session.starts_at, session.ends_at, f"{page.title} — {label}")
    now = timezone.now()
    return {part: spec for part, spec in parts.items() if spec[1] > now}


@transaction.atomic
def event_bookings_sync(*, page, actor: User) -> list[HallBooking]:
    """Make the page's bookings match its venue, times and sessions' rooms (duck-typed on RegistrableEvent).

    New parts are requested by the usual rules; moved parts are re-placed in place
    (approved if the hall is free at the new time, else waiting); parts no longer
    wanted are released. Bookings that have already started are left alone.
    """
    wanted = _event_parts(page)
    now = timezone.now()
    current = {
        booking.page_part: booking
        for booking in HallBooking.objects.select_for_update()
        .filter(page_id=page.pk, status__in=ACTIVE_STATUSES, starts_at__gt=now)
        .select_related("venue")
    }
    for part, booking in current.items():
        if part not in wanted:
            _cancel(booking, actor, "The event no longer needs this hall (cancelled, moved online or unpublished).")
    attendees_wanted = getattr(page, "capacity", None)
    result = []
    for part, (venue, starts_at, ends_at, title) in wanted.items():
        attendees = min(attendees_wanted or venue.capacity, venue.capacity)
        booking = current.get(part)
        if booking is None:
            booking = _request(
                requester=actor,
                organization=getattr(page, "organization", None),
                title=title,
                primary_venue=venue,
                secondary_venue=None,
                starts_at=starts_at,
                ends_at=ends_at,
                attendees=attendees,
                page_id=page.pk,
                page_part=part,
            )
        elif (booking.venue_id, booking.starts_at, booking.ends_at) != (venue.pk, starts_at, ends_at):
            booking.primary_venue = booking.venue = venue
            booking.secondary_venue = None
            booking.starts_at, booking.ends_at, booking.attendees, booking.title = starts_at, ends_at, attendees, title
            _place(booking, queue_on_conflict=True)
            _notify(booking)
        result.append(booking)
    return result


@transaction.atomic
def event_bookings_release(*, page, actor: User | None, reason: str) -> int:
    """Release every future booking of an event page (unpublished, deleted or cancelled)."""
    bookings = HallBooking.objects.select_for_update().filter(
        page_id=page.pk, status__in=ACTIVE_STATUSES, starts_at__gt=timezone.now()
    )
    released = 0
    for booking in bookings:
        _cancel(booking, actor, reason)
        released += 1
    return released
