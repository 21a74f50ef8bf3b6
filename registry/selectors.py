"""Reads from the registry, shaped so a page's query count does not grow with its rows."""

from datetime import timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from .models import ACTIVE, EventRecord, Membership, Registration, RegistrationStatus

MANAGING_ROLES = (Membership.Role.ORGANIZER, Membership.Role.HEAD)


def with_seats_left(events: QuerySet) -> QuerySet:
    """Annotate a queryset of RegistrableEvent pages with `seats_taken` and `seats_left`.

    `seats_left` is NULL for events without a capacity (unlimited). One
    subquery, so a listing of any length costs the same number of queries.
    """
    taken = EventRecord.objects.filter(page_id=OuterRef("pk")).values("seats_taken")[:1]
    return events.annotate(
        seats_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)),
    ).annotate(
        # Case, not Greatest alone: PostgreSQL's GREATEST skips NULLs, which would turn "unlimited" into 0.
        seats_left=Case(
            When(capacity__isnull=True, then=Value(None)),
            default=Greatest(F("capacity") - F("seats_taken"), Value(0)),
            output_field=IntegerField(),
        )
    )


def seats_left(page) -> int | None:
    """Seats still free at one event; None means no limit."""
    if page.capacity is None:
        return None
    taken = EventRecord.objects.filter(page_id=page.pk).values_list("seats_taken", flat=True).first() or 0
    return max(page.capacity - taken, 0)


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
        .exclude(user__wants_reminders=False)
        .exclude(sent_emails__kind=f"reminder:{offset_minutes}")
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
        .exclude(user__wants_follow_ups=False)
        .exclude(sent_emails__kind="follow_up")
    )


def registration_panel(page, user, *, now=None) -> dict:
    """What the event page's registration area needs: seats, open/closed, and the visitor's own status."""
    left = seats_left(page)
    mine = None
    if user.is_authenticated:
        mine = (
            Registration.objects.filter(page_id=page.pk, status__in=ACTIVE)
            .filter(Q(user=user) | Q(email__iexact=user.email))
            .first()
        )
    return {
        "seats_left": left,
        "full": left == 0,
        "waitlist": page.waitlist_enabled,
        "closed_reason": registration_closed_reason(page, now=now),
        "mine": mine,
        "position": waitlist_position(mine) if mine else None,
    }


def registration_closed_reason(page, *, now=None) -> str | None:
    """Why nobody can register right now, or None when registration is open."""
    now = now or timezone.now()
    if page.is_cancelled:
        return "This event has been cancelled."
    if page.registration_opens_at and now < page.registration_opens_at:
        return "Registration has not opened yet."
    closes_at = page.registration_closes_at or page.starts_at
    if now >= closes_at:
        return "Registration for this event has closed."
    return None


def organizations_managed_by(user) -> QuerySet:
    """Organizations where the person organizes or heads (their back-office scope)."""
    from .models import Organization

    return Organization.objects.filter(memberships__user=user, memberships__role__in=MANAGING_ROLES)


def sees_everything(user) -> bool:
    """Staff admins (and superusers): a permission, so it is answered from the permissions already loaded."""
    return user.has_perm("registry.see_all_organizations")


def scope_to_organizations(queryset: QuerySet, user, organization_path: str) -> QuerySet:
    """An organizer sees only rows of their organizations; staff admins see all."""
    if sees_everything(user):
        return queryset
    return queryset.filter(**{f"{organization_path}__in": organization_ids_managed_by(user)})


def organization_ids_managed_by(user) -> QuerySet:
    """The ids alone, as a subquery of one table: scoping runs on every back-office request."""
    return Membership.objects.filter(user=user, role__in=MANAGING_ROLES).values("organization_id")


def eligible_registrations(page_id: int) -> QuerySet:
    """Confirmed registrations whose attendance meets the event's rule (certificates and credits).

    Without sessions, checking in to the event is enough; with sessions, the
    share of sessions attended must reach the event's threshold.
    """
    from .models import Attendance

    record = EventRecord.objects.get(page_id=page_id)
    confirmed = Registration.objects.filter(page_id=page_id, status=RegistrationStatus.CONFIRMED)
    if not record.session_ids:
        return confirmed.filter(attendances__session=Attendance.WHOLE_EVENT).distinct()
    needed = -(-len(record.session_ids) * record.attendance_threshold // 100)  # ceiling
    return confirmed.annotate(
        sessions_attended=Count("attendances", filter=Q(attendances__session__in=record.session_ids), distinct=True)
    ).filter(sessions_attended__gte=max(needed, 1))


def credit_balances(user) -> list[dict]:
    """Per category: the limits, approved and pending points, and what is still needed."""
    from django.db.models import Sum

    from .models import CreditCategory, CreditEntry

    sums = {
        (row["category_id"], row["status"]): row["points"]
        for row in CreditEntry.objects.filter(user=user).values("category_id", "status").annotate(points=Sum("points"))
    }
    balances = []
    for category in CreditCategory.objects.all():
        approved = sums.get((category.pk, CreditEntry.Status.APPROVED), 0)
        pending = sums.get((category.pk, CreditEntry.Status.PENDING), 0)
        balances.append(
            {
                "category": category,
                "approved": approved,
                "pending": pending,
                "still_needed": max(category.min_points - approved, 0),
                "room_left": None if category.max_points is None else max(category.max_points - approved, 0),
            }
        )
    return balances


def checkin_progress(page_id: int, session: int = 0) -> dict[str, int]:
    from .models import Attendance

    confirmed = Registration.objects.filter(page_id=page_id, status=RegistrationStatus.CONFIRMED).count()
    checked_in = Attendance.objects.filter(registration__page_id=page_id, session=session).count()
    return {"confirmed": confirmed, "checked_in": checked_in}


def registrations_decidable_by(user) -> QuerySet:
    """Pending registrations on approval-required events this person may decide (never their own)."""
    pending = Registration.objects.filter(status=RegistrationStatus.PENDING).exclude(user=user)
    return scope_to_organizations(pending, user, "page__event_record__organization")


def credit_entries_decidable_by(user) -> QuerySet:
    """Pending credit entries of this mentor's mentees (everyone's, for staff admins), never their own."""
    from .models import CreditEntry

    pending = CreditEntry.objects.filter(status=CreditEntry.Status.PENDING).exclude(user=user)
    if not sees_everything(user):
        pending = pending.filter(user__student_profile__mentor=user)
    return pending.select_related("user", "category", "registration__page")
