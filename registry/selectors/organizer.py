"""Reads for organizers running their own events: "My events", one row per event of their organizations.

Every figure is an annotation on the one query that lists the events, so a page of any length costs the same.
"""

from datetime import datetime

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from ..models import ACTIVE, EventRecord, EventStatus, RegistrationStatus
from .scope import scope_to_organizations

UPCOMING, PAST = "upcoming", "past"
WHEN_CHOICES = [(UPCOMING, "Upcoming and happening now"), (PAST, "Past or cancelled")]

_REGISTRATIONS = "page__registrations"


def _counted(status_filter: Q | None = None) -> Count:
    """Registrations of the event (distinct: the check-in join repeats a registration once per session)."""
    return Count(_REGISTRATIONS, filter=status_filter, distinct=True)


def with_figures(events: QuerySet, *, now: datetime) -> QuerySet:
    """My events' figures (and `status`) annotated on a queryset of event records; the control room shares them."""
    status = f"{_REGISTRATIONS}__status"
    return events.annotate(
        registered=_counted(Q(**{f"{status}__in": ACTIVE})),
        confirmed=_counted(Q(**{status: RegistrationStatus.CONFIRMED})),
        waitlisted=_counted(Q(**{status: RegistrationStatus.WAITLISTED})),
        pending=_counted(Q(**{status: RegistrationStatus.PENDING})),
        checked_in=_counted(Q(**{f"{_REGISTRATIONS}__attendances__isnull": False})),
        status=Case(
            When(is_cancelled=True, then=Value(EventStatus.CANCELLED.value)),
            When(ends_at__lte=now, then=Value(EventStatus.COMPLETED.value)),
            When(starts_at__lte=now, then=Value(EventStatus.ONGOING.value)),
            default=Value(EventStatus.SCHEDULED.value),
            output_field=CharField(),
        ),
    )


def organizer_events(*, user, when: str = UPCOMING, q: str = "", now: datetime | None = None) -> QuerySet[EventRecord]:
    """The events of the person's organizations (every event for staff admins), with their figures.

    `when="upcoming"`: events not over yet and not cancelled, soonest first (so those happening now lead).
    `when="past"`: events that ended or were cancelled, latest first. `q` searches the title.

    Each row carries `status` (an `EventStatus` value), `registered` (every active registration: confirmed,
    waitlisted, awaiting email confirmation, awaiting approval), `confirmed`, `waitlisted`, `pending` (awaiting
    approval), `checked_in` (registrations with at least one check-in) and, from the record, `seats_left`
    (None: no limit).
    """
    if when not in (UPCOMING, PAST):
        raise ValueError(f"`when` is {UPCOMING!r} or {PAST!r}, not {when!r}.")
    now = now or timezone.now()
    events = scope_to_organizations(EventRecord.objects.all(), user, "organization")
    if when == UPCOMING:
        events = events.filter(ends_at__gt=now, is_cancelled=False).order_by("starts_at", "pk")
    else:
        events = events.filter(Q(ends_at__lte=now) | Q(is_cancelled=True)).order_by("-starts_at", "-pk")
    if q.strip():
        events = events.filter(title__icontains=q.strip())
    return with_figures(events.select_related("organization"), now=now)
