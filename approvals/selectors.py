"""Reads for hall bookings, shaped so a page's query count does not grow with its rows."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary
from django.db import connection
from django.db.models import BigIntegerField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone

from registry.models import Venue
from registry.selectors import managed_organization_ids

from .models import ACTIVE_STATUSES, BookingStatus, HallBooking


class TsTzRange(Func):
    """`tstzrange(starts_at, ends_at, '[)')`: the expression the exclusion constraint indexes."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def overlapping(bookings: QuerySet, starts_at: datetime, ends_at: datetime) -> QuerySet:
    """Bookings whose `[starts_at, ends_at)` overlaps the given range (touching ends do not overlap).

    On PostgreSQL the filter is written as the exclusion constraint's own range
    expression, so approved-booking lookups use its GiST index.
    """
    if connection.vendor == "postgresql":
        return bookings.alias(span=TsTzRange(F("starts_at"), F("ends_at"), RangeBoundary())).filter(
            span__overlap=(starts_at, ends_at)
        )
    return bookings.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


def conflicts_for(
    *, venue: Venue, starts_at: datetime, ends_at: datetime, exclude: HallBooking | None = None
) -> QuerySet:
    """Approved bookings of `venue` that a booking over this range would clash with."""
    if connection.vendor == "postgresql":
        # A bigint comparison, so the exclusion constraint's GiST index (btree_gist int8 ops) serves both columns.
        bookings = HallBooking.objects.filter(venue_id=Cast(Value(venue.pk), BigIntegerField()))
    else:
        bookings = HallBooking.objects.filter(venue=venue)
    bookings = bookings.filter(status=BookingStatus.APPROVED)
    if exclude is not None and exclude.pk:
        bookings = bookings.exclude(pk=exclude.pk)
    return overlapping(bookings, starts_at, ends_at).select_related("venue", "organization").order_by("starts_at")


def conflicts_by_booking(bookings: list[HallBooking]) -> dict[int, list[HallBooking]]:
    """Approved bookings clashing with each of `bookings`, keyed by booking id, in one query."""
    if not bookings:
        return {}
    clashes = reduce(or_, (Q(venue_id=b.venue_id, starts_at__lt=b.ends_at, ends_at__gt=b.starts_at) for b in bookings))
    approved = list(
        HallBooking.objects.filter(clashes, status=BookingStatus.APPROVED)
        .select_related("venue", "organization")
        .order_by("starts_at")
    )
    found = defaultdict(list)
    for booking in bookings:
        for other in approved:
            if (
                other.pk != booking.pk
                and other.venue_id == booking.venue_id
                and other.starts_at < booking.ends_at
                and other.ends_at > booking.starts_at
            ):
                found[booking.pk].append(other)
    return dict(found)


def halls_available(*, starts_at: datetime, ends_at: datetime, attendees: int = 1) -> QuerySet:
    """Active halls big enough for `attendees` with no approved booking in the range, smallest first."""
    busy = overlapping(
        HallBooking.objects.filter(venue=OuterRef("pk"), status=BookingStatus.APPROVED), starts_at, ends_at
    )
    return (
        Venue.objects.filter(is_active=True, capacity__gte=attendees)
        .exclude(Exists(busy))
        .prefetch_related("facilities")
        .order_by("capacity", "name")
    )


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """Local midnight on `week_start` to local midnight seven days later."""
    start = timezone.make_aware(datetime.combine(week_start, time.min))
    return start, timezone.make_aware(datetime.combine(week_start + timedelta(days=7), time.min))


def hall_week(*, venue: Venue, week_start: date) -> QuerySet:
    """Approved and waiting bookings of one hall overlapping the week that begins on `week_start`."""
    start, end = week_bounds(week_start)
    return (
        HallBooking.objects.filter(venue=venue, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start)
        .select_related("organization")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class HallUsage:
    venue: Venue
    hours: list[float]  # booked hours in each week, in the order of `Utilization.weeks`

    @property
    def total(self) -> float:
        return sum(self.hours)


@dataclass(frozen=True)
class Utilization:
    weeks: list[date]
    halls: list[HallUsage]

    @property
    def peak(self) -> float:
        return max((h for usage in self.halls for h in usage.hours), default=0.0)


def utilization(*, weeks: int, first_week: date) -> Utilization:
    """Approved hours per hall per week for `weeks` weeks from `first_week`; bookings are clipped to each week."""
    starts = [first_week + timedelta(weeks=n) for n in range(weeks)]
    period_start, _ = week_bounds(starts[0])
    _, period_end = week_bounds(starts[-1])
    bounds = [week_bounds(start) for start in starts]
    hours: dict[int, list[float]] = defaultdict(lambda: [0.0] * weeks)
    rows = HallBooking.objects.filter(
        status=BookingStatus.APPROVED, starts_at__lt=period_end, ends_at__gt=period_start
    ).values_list("venue_id", "starts_at", "ends_at")
    for venue_id, booked_from, booked_to in rows:
        for index, (week_from, week_to) in enumerate(bounds):
            overlap = (min(booked_to, week_to) - max(booked_from, week_from)).total_seconds()
            if overlap > 0:
                hours[venue_id][index] += overlap / 3600
    halls = [
        HallUsage(venue=venue, hours=[round(h, 2) for h in hours[venue.pk]])
        for venue in Venue.objects.filter(is_active=True).order_by("name")
    ]
    return Utilization(weeks=starts, halls=halls)


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_hall_admin(user) -> bool:
    """Hall admins decide on bookings for every hall: superusers and holders of `decide_hallbooking`."""
    return bool(user and user.is_active and (user.is_superuser or user.has_perm("approvals.decide_hallbooking")))


def bookings_visible_to(user) -> QuerySet:
    """Everything for hall admins; others see their organizations' bookings, their halls' and their own requests."""
    bookings = HallBooking.objects.select_related(
        "venue", "primary_venue", "secondary_venue", "organization", "requester", "decided_by", "series"
    )
    if is_hall_admin(user):
        return bookings
    organizations = managed_organization_ids(user)
    return bookings.filter(
        Q(organization_id__in=organizations) | Q(venue__managed_by_id__in=organizations) | Q(requester=user)
    )


def bookings_waiting_for(user) -> QuerySet:
    """Requests this user may decide: every hall for hall admins, halls their organizations manage otherwise."""
    waiting = HallBooking.objects.filter(status=BookingStatus.REQUESTED).exclude(requester=user)
    if not is_hall_admin(user):
        waiting = waiting.filter(venue__managed_by_id__in=managed_organization_ids(user))
    return waiting.select_related("venue", "primary_venue", "secondary_venue", "organization", "requester").order_by(
        "created_at", "pk"
    )
