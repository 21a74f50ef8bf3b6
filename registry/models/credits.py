"""The credit ledger: AICTE activity-point or CPD-credit categories and the points people earn in them."""

from django.db import models
from django.utils import timezone

from ..history import HistoricalRecords
from .people import User


class CreditCategory(models.Model):
    """An AICTE activity-point or CPD-credit category with per-person limits."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    min_points = models.PositiveIntegerField(default=0, help_text="Points each person must earn in this category.")
    max_points = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most points one person may be credited in this category (blank: no limit)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "credit categories"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_points__isnull=True) | models.Q(max_points__gte=models.F("min_points")),
                name="credit_category_max_not_below_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CreditEntry(models.Model):
    """The credit ledger: points a person earned, waiting for or after their mentor's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credit_entries")
    category = models.ForeignKey(CreditCategory, on_delete=models.PROTECT, related_name="entries")
    points = models.PositiveSmallIntegerField()
    registration = models.OneToOneField(
        "registry.Registration", on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_entry"
    )
    description = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "credit entries"
        indexes = [models.Index(fields=["user", "category", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(points__gt=0), name="credit_points_positive")]

    def __str__(self) -> str:
        return f"{self.user}: {self.points} {self.category} ({self.get_status_display()})"
