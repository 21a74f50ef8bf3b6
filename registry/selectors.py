"""Reads from the registry, shaped so a page's query count does not grow with its rows."""

from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from .models import EventInventory


def with_seats_left(events: QuerySet) -> QuerySet:
    """Annotate a queryset of RegistrableEvent pages with `seats_taken` and `seats_left`.

    `seats_left` is NULL for events without a capacity (unlimited). One
    subquery, so a listing of any length costs the same number of queries.
    """
    taken = EventInventory.objects.filter(page_id=OuterRef("pk")).values("seats_taken")[:1]
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
    taken = EventInventory.objects.filter(page_id=page.pk).values_list("seats_taken", flat=True).first() or 0
    return max(page.capacity - taken, 0)
