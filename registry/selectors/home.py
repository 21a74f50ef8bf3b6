"""Reads for the back office's home (/staff/): what each kind of staff needs first, in a fixed number of queries.

- An organizer: today's and the coming events of their organizations, each with its live figures.
- A mentor: the credit claims of their mentees that wait for them.
- A staff admin: this month's figures and what happened lately.
Every list is one query with its figures annotated (never one query per row), and each list is bounded.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Attendance, Certificate, CreditEntry, EventRecord, Message, Registration, Role, User
from .credits import credit_entries_decidable_by
from .organizer import UPCOMING, organizer_events
from .scope import manages_any_organization, sees_everything

HOME_EVENTS = 8  # events on an organizer's home; "My events" lists them all
HOME_CLAIMS = 5
HOME_ACTIVITY = 8


@dataclass
class EventsAhead:
    today: list[EventRecord] = field(default_factory=list)  # happening now or starting today
    upcoming: list[EventRecord] = field(default_factory=list)
    more: bool = False  # more events than the home shows


def events_ahead(user, *, now: datetime | None = None, limit: int = HOME_EVENTS) -> EventsAhead:
    """The person's organizations' events that are on now, later today or coming, soonest first, with
    `registered`, `confirmed`, `checked_in` and `seats_left` on each (one query, whatever the number of events
    or registrations)."""
    now = now or timezone.now()
    rows = list(organizer_events(user=user, when=UPCOMING, now=now)[: limit + 1])
    ahead = EventsAhead(more=len(rows) > limit)
    today = timezone.localdate(now)
    for event in rows[:limit]:
        on_today = event.starts_at <= now or timezone.localdate(event.starts_at) == today
        (ahead.today if on_today else ahead.upcoming).append(event)
    return ahead


def claims_waiting(user, *, limit: int = HOME_CLAIMS) -> tuple[int, list[CreditEntry]]:
    """How many credit claims wait for this mentor's decision, and the oldest few."""
    waiting = credit_entries_decidable_by(user).order_by("created_at", "pk")
    return waiting.count(), list(waiting[:limit])


@dataclass(frozen=True)
class MonthFigures:
    since: datetime
    people_joined: int
    events: int
    registrations: int
    check_ins: int
    certificates_issued: int
    credits_approved: int


def month_figures(*, now: datetime | None = None) -> MonthFigures:
    """This calendar month so far (in the institution's time zone), for those who see every organization."""
    now = timezone.localtime(now or timezone.now())
    since = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return MonthFigures(
        since=since,
        people_joined=User.objects.filter(date_joined__gte=since).count(),
        events=EventRecord.objects.filter(starts_at__gte=since, starts_at__lte=now, is_cancelled=False).count(),
        registrations=Registration.objects.filter(created_at__gte=since).count(),
        check_ins=Attendance.objects.filter(checked_in_at__gte=since).count(),
        certificates_issued=Certificate.objects.filter(issued_at__gte=since).count(),
        credits_approved=CreditEntry.objects.filter(status=CreditEntry.Status.APPROVED, decided_at__gte=since).count(),
    )


def recent_changes(*, limit: int = HOME_ACTIVITY) -> QuerySet[LogEntry]:
    """The latest changes made in the back office: who, what, when."""
    return LogEntry.objects.select_related("user", "content_type").order_by("-action_time")[:limit]


def recent_messages(*, limit: int = HOME_ACTIVITY) -> QuerySet[Message]:
    """The latest messages sent (emails and notices), newest first."""
    return Message.objects.select_related("recipient", "page").order_by("-created_at", "-pk")[:limit]


@dataclass(frozen=True)
class Roles:
    organizer: bool
    mentor: bool
    staff_admin: bool


def home_roles(user) -> Roles:
    """Which parts of the home the person sees: a person may hold several roles."""
    staff_admin = sees_everything(user)
    group_names = {group.name for group in user.groups.all()}
    return Roles(
        organizer=manages_any_organization(user) and not staff_admin,
        mentor=Role.MENTOR in group_names or hasattr(user, "mentor_profile"),
        staff_admin=staff_admin,
    )
