"""Reads about registrations: seats, waitlist places, reminders due, a visitor's own status."""

from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..models import ACTIVE, EventRecord, MessageKind, NotificationPreference, Registration, RegistrationStatus
from .scope import scope_to_organizations


def with_seats_left(events: QuerySet) -> QuerySet:
    """Annotate a queryset of RegistrableEvent pages with `seats_taken` and `record_cancelled` (from their records)
    and `seats_left`.

    `seats_left` is NULL for events without a capacity (unlimited). Subqueries,
    so a listing of any length costs the same number of queries.
    """
    record = EventRecord.objects.filter(page_id=OuterRef("pk"))
    return events.annotate(
        seats_taken=Coalesce(Subquery(record.values("seats_taken")[:1], output_field=IntegerField()), Value(0)),
        record_cancelled=Coalesce(
            Subquery(record.values("is_cancelled")[:1], output_field=BooleanField()), Value(False)
        ),
    ).annotate(
        # Case, not Greatest alone: PostgreSQL's GREATEST skips NULLs, which would turn "unlimited" into 0.
        seats_left=Case(
            When(capacity__isnull=True, then=Value(None)),
            default=Greatest(F("capacity") - F("seats_taken"), Value(0)),
            output_field=IntegerField(),
        )
    )


def event_record(page_id: int) -> EventRecord | None:
    return EventRecord.objects.filter(page_id=page_id).first()


def seats_left(page) -> int | None:
    """Seats still free at one event; None means no limit (or not published, so nothing taken yet)."""
    record = event_record(page.pk)
    if record is None:
        return page.capacity
    return record.seats_left


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to be offered a seat; None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(page_id=registration.page_id, status=RegistrationStatus.WAITLISTED).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registration_counts(page_id: int) -> dict[str, int]:
    counts = dict(
        Registration.objects.filter(page_id=page_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in RegistrationStatus.values}


def registrations_of(user) -> QuerySet:
    """A person's registrations (by account or by their verified address), soonest event first."""
    return (
        Registration.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))
        .select_related("page", "page__event_record", "certificate")
        .order_by("page__event_record__starts_at", "pk")
    )


def _opted_out_of(kind: str) -> QuerySet:
    """People who get this kind by neither channel."""
    return NotificationPreference.objects.filter(kind=kind, email=False, in_app=False).values("user_id")


def reminders_due(*, offset_minutes: int, now) -> QuerySet:
    """Confirmed registrations whose event starts within `offset_minutes` and that were not reminded yet."""
    lead = timedelta(minutes=offset_minutes)
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            page__event_record__is_cancelled=False,
            page__event_record__starts_at__gt=now,
            page__event_record__starts_at__lte=now + lead,
            created_at__lt=F("page__event_record__starts_at") - lead,
        )
        .exclude(user__in=_opted_out_of(MessageKind.REMINDER))
        .exclude(messages__template=f"reminder:{offset_minutes}")
    )


def follow_ups_due(*, delay_minutes: int, now, within_days: int = 7) -> QuerySet:
    """Confirmed registrations of events that ended at least `delay_minutes` ago (and not long ago)."""
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            page__event_record__is_cancelled=False,
            page__event_record__ends_at__lte=now - timedelta(minutes=delay_minutes),
            page__event_record__ends_at__gt=now - timedelta(days=within_days),
        )
        .exclude(user__in=_opted_out_of(MessageKind.FOLLOW_UP))
        .exclude(messages__template="follow_up")
    )


def registration_panel(page, user, *, now=None) -> dict:
    """What the event page's registration area needs: seats, open/closed, and the visitor's own status."""
    record = event_record(page.pk)
    mine = None
    if user.is_authenticated:
        mine = (
            Registration.objects.filter(page_id=page.pk, status__in=ACTIVE)
            .filter(Q(user=user) | Q(email__iexact=user.email))
            .first()
        )
    left = page.capacity if record is None else record.seats_left
    if mine is not None:
        mine.meeting_link = meeting_link(mine)
    return {
        "seats_left": left,
        "full": left == 0,
        "waitlist": page.waitlist_enabled if record is None else record.waitlist_enabled,
        "closed_reason": (
            "Registration opens when this event is published."
            if record is None
            else registration_closed_reason(record, now=now)
        ),
        "mine": mine,
        "position": waitlist_position(mine) if mine else None,
    }


def registration_closed_reason(record: EventRecord, *, now=None) -> str | None:
    """Why nobody can register for this event right now, or None when registration is open."""
    now = now or timezone.now()
    if record.is_cancelled:
        return "This event has been cancelled."
    if record.registration_opens_at and now < record.registration_opens_at:
        return "Registration has not opened yet."
    closes_at = record.registration_closes_at or record.starts_at
    if now >= closes_at:
        return "Registration for this event has closed."
    return None


def registrations_decidable_by(user) -> QuerySet:
    """Pending registrations on approval-required events this person may decide (never their own)."""
    pending = Registration.objects.filter(status=RegistrationStatus.PENDING).exclude(user=user)
    return scope_to_organizations(pending, user, "page__event_record__organization")


def meeting_link(registration: Registration) -> str:
    """The event's online link, for a confirmed registration only (everyone else gets the public details)."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return ""
    page = registration._state.fields_cache.get("page")  # a listing selected the page and its record already
    record = getattr(page, "event_record", None) if page is not None else None
    if record is None:
        record = EventRecord.objects.filter(page_id=registration.page_id).only("online_url").first()
    return record.online_url if record is not None else ""


def registration_link_expires_at(registration: Registration):
    """Until when a registration's own page (the signed link in its emails) opens: its event's end plus
    `REGISTRATION_LINK_DAYS_AFTER_EVENT` days. A postponed event keeps its links working longer."""
    page = registration._state.fields_cache.get("page")
    record = getattr(page, "event_record", None) if page is not None else None
    if record is None:
        record = EventRecord.objects.filter(page_id=registration.page_id).only("ends_at").first()
    if record is None:
        return None
    return record.ends_at + timedelta(days=settings.REGISTRATION_LINK_DAYS_AFTER_EVENT)


def registrations_with_open_links(email: str, *, now) -> QuerySet:
    """An address's registrations whose own page still opens (its event ended less than the setting's days ago)."""
    since = now - timedelta(days=settings.REGISTRATION_LINK_DAYS_AFTER_EVENT)
    return (
        Registration.objects.filter(email__iexact=email.strip(), page__event_record__ends_at__gt=since)
        .select_related("page", "page__event_record")
        .order_by("page__event_record__starts_at", "pk")
    )
