"""Reads for one event's control room (/staff/events/<page_id>/): its figures, registrations over time,
participants with their check-ins, and the messages sent about it. Each is a fixed number of queries, however
many people registered."""

from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import Attendance, Certificate, CertificateBatch, EventRecord, Message, Registration, RegistrationStatus
from .organizer import with_figures

# Registrations per day up to this many days; a longer history is counted per week.
MOST_DAYS = 45


def event_with_figures(page_id: int, *, now: datetime | None = None) -> EventRecord | None:
    """The event's record with My events' figures: `registered`, `confirmed`, `waitlisted`, `pending`,
    `checked_in`, `status` (and `seats_left` from the record)."""
    events = EventRecord.objects.filter(page_id=page_id).select_related("organization", "venue")
    return with_figures(events, now=now or timezone.now()).first()


def registrations_over_time(page_id: int, *, now: datetime | None = None) -> tuple[str, list[tuple[date, int]]]:
    """New registrations per day (or per week, for a long history) from the first one to the last one or today,
    with the quiet days counted as 0: `("day" | "week", [(first day of the period, count), ...])`."""
    tz = timezone.get_current_timezone()
    counts = dict(
        Registration.objects.filter(page_id=page_id)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    if not counts:
        return "day", []
    first, last = min(counts), max(counts)
    today = timezone.localdate(now or timezone.now())
    if first <= today:
        last = max(last, min(today, first + timedelta(days=365)))
    if (last - first).days < MOST_DAYS:
        days = (last - first).days + 1
        return "day", [(first + timedelta(days=i), counts.get(first + timedelta(days=i), 0)) for i in range(days)]
    start = first - timedelta(days=first.weekday())
    weeks: dict[date, int] = {}
    for day, n in counts.items():
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + n
    span = (last - start).days // 7 + 1
    return "week", [(start + timedelta(weeks=i), weeks.get(start + timedelta(weeks=i), 0)) for i in range(span)]


def event_participants(page_id: int, *, q: str = "", status: str = "") -> QuerySet[Registration]:
    """The event's registrations, first come first, searched by name, email or ticket code and filtered by
    status. Each carries `arrival`: its check-in to the event as a whole (who, when, how), or None."""
    registrations = Registration.objects.filter(page_id=page_id)
    if status:
        registrations = registrations.filter(status=status)
    q = q.strip()
    if q:
        code = q.upper().replace(" ", "").replace("-", "")
        registrations = registrations.filter(
            Q(full_name__icontains=q) | Q(email__icontains=q) | Q(code__startswith=code)
        )
    arrivals = Attendance.objects.filter(session=Attendance.WHOLE_EVENT).select_related("checked_in_by")
    return registrations.order_by("created_at", "pk").prefetch_related(
        Prefetch("attendances", queryset=arrivals, to_attr="arrivals")
    )


def status_counts(page_id: int) -> dict[str, int]:
    """How many registrations of the event are in each status (every status, 0 when none)."""
    counts = dict(
        Registration.objects.filter(page_id=page_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in RegistrationStatus.values}


def event_messages(page_id: int) -> QuerySet[Message]:
    """What was sent about the event (by email or in the app), newest first."""
    return Message.objects.filter(page_id=page_id).select_related("recipient").order_by("-created_at", "-pk")


def event_certificates(page_id: int, *, q: str = "") -> QuerySet[Certificate]:
    """The event's issued certificates by holder, searched by name, email or the start of the certificate number."""
    issued = Certificate.objects.filter(registration__page_id=page_id).select_related("registration")
    if q:
        issued = issued.filter(
            Q(holder_name__icontains=q) | Q(registration__email__icontains=q) | Q(code__startswith=q.upper())
        )
    return issued.order_by("holder_name", "pk")


def latest_batch(page_id: int) -> CertificateBatch | None:
    return CertificateBatch.objects.filter(page_id=page_id).order_by("-created_at", "-pk").first()
