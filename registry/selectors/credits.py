"""Reads of the credit ledger: balances against each category's limits, and what waits for a mentor."""

from django.db.models import QuerySet, Sum

from ..models import CreditCategory, CreditEntry
from .scope import sees_everything


def credit_balances(user) -> list[dict]:
    """Per category: the limits, approved and pending points, and what is still needed."""
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


def credit_entries_decidable_by(user) -> QuerySet:
    """Pending credit entries of this mentor's mentees (everyone's, for staff admins), never their own."""
    pending = CreditEntry.objects.filter(status=CreditEntry.Status.PENDING).exclude(user=user)
    if not sees_everything(user):
        pending = pending.filter(user__student_profile__mentor=user)
    return pending.select_related("user", "category", "registration__page")
