"""Reads for the staff reports: every figure is one aggregate query, scoped to the viewer's organizations."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Certificate, CreditEntry, EventRecord, Registration, RegistrationStatus
from .selectors import scope_to_organizations

CONFIRMED = RegistrationStatus.CONFIRMED


@dataclass(frozen=True)
class Report:
    """A table: the dashboard draws it as a chart, the CSV link downloads it."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple]


def _events(user) -> QuerySet:
    return scope_to_organizations(EventRecord.objects.filter(is_cancelled=False), user, "organization")


def _with_turnout(events: QuerySet) -> QuerySet:
    """Confirmed registrations and, of those, how many people checked in at least once."""
    confirmed = Q(page__registrations__status=CONFIRMED)
    return events.annotate(
        confirmed=Count("page__registrations", filter=confirmed, distinct=True),
        checked_in=Count(
            "page__registrations",
            filter=confirmed & Q(page__registrations__attendances__isnull=False),
            distinct=True,
        ),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def check_in_progress(user, *, now: datetime | None = None, days: int = 14) -> Report:
    """Today's and upcoming events (next `days` days): people checked in against seats confirmed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events = _with_turnout(
        _events(user).filter(ends_at__gte=_start_of(today), starts_at__lt=_start_of(today + timedelta(days=days + 1)))
    ).order_by("starts_at", "pk")
    rows = [
        (
            event.title,
            timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            event.confirmed,
            event.checked_in,
        )
        for event in events
    ]
    return Report("Today's and upcoming events: check-in", ("event", "starts", "confirmed", "checked in"), rows)


def registrations_per_day(user, *, now: datetime | None = None, days: int = 30) -> Report:
    """New registrations per day over the last `days` days, including days with none."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    registrations = scope_to_organizations(
        Registration.objects.filter(created_at__gte=_start_of(first)), user, "page__event_record__organization"
    )
    counts = dict(
        registrations.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    rows = [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]
    return Report(f"Registrations per day, last {days} days", ("day", "registrations"), rows)


def attendance_by_event(user, *, now: datetime | None = None, limit: int = 20) -> Report:
    """Past events, most recent first: confirmed, attended, no-shows and the attendance rate (%)."""
    events = _with_turnout(_events(user).filter(ends_at__lt=now or timezone.now())).order_by("-starts_at", "-pk")
    rows = []
    for event in events[:limit]:
        rate = round(100 * event.checked_in / event.confirmed) if event.confirmed else 0
        rows.append(
            (
                event.title,
                timezone.localtime(event.starts_at).date(),
                event.confirmed,
                event.checked_in,
                event.confirmed - event.checked_in,
                rate,
            )
        )
    return Report(
        "Attendance at past events", ("event", "date", "confirmed", "attended", "no-shows", "attendance %"), rows
    )


def certificates_by_event(user) -> Report:
    """Certificates issued per event (revoked ones not counted)."""
    certificates = scope_to_organizations(
        Certificate.objects.filter(revoked_at__isnull=True), user, "registration__page__event_record__organization"
    )
    rows = list(
        certificates.values_list("registration__page_id", "event_title")
        .annotate(n=Count("pk"))
        .order_by("-n", "event_title")
        .values_list("event_title", "n")
    )
    return Report("Certificates issued per event", ("event", "certificates"), rows)


def credits_by_category(user) -> Report:
    """Credit points per category and status. Organizers see the credits their events awarded."""
    entries = scope_to_organizations(CreditEntry.objects.all(), user, "registration__page__event_record__organization")
    totals: dict[str, dict[str, int]] = {}
    for name, status, points in (
        entries.values_list("category__name", "status").annotate(points=Sum("points")).order_by("category__name")
    ):
        totals.setdefault(name, {})[status] = points
    statuses = CreditEntry.Status.values
    rows = [(name, *(by_status.get(status, 0) for status in statuses)) for name, by_status in totals.items()]
    return Report("Credit points by category", ("category", *statuses), rows)


REPORTS = {
    "check-in": check_in_progress,
    "registrations": registrations_per_day,
    "attendance": attendance_by_event,
    "certificates": certificates_by_event,
    "credits": credits_by_category,
}
