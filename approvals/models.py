"""What waits for a human decision: hall bookings and their recurring series.

No double-booking: on PostgreSQL an exclusion constraint (same hall, overlapping
`[starts_at, ends_at)` range, status approved) makes two approved overlapping
bookings impossible; it is added by migration 0002 on PostgreSQL only, because
SQLite cannot express it. On SQLite, `approvals.services` checks inside an
IMMEDIATE transaction, which serializes writers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from registry.history import HistoricalRecords
from registry.models import Organization, Venue

# The exclusion constraint's name, shared by the migration and the service that reports its violations.
NO_OVERLAP_CONSTRAINT = "hall_booking_no_overlap"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


# Bookings that still hold (or claim) a hall.
ACTIVE_STATUSES = [BookingStatus.REQUESTED, BookingStatus.APPROVED]


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly on chosen weekdays"
    MONTHLY = "monthly", "Monthly (same day of the month)"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class BookingSeries(models.Model):
    """A recurring request; each occurrence is one `HallBooking` decided on its own."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="booking_series")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="booking_series"
    )
    title = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    weekdays = models.JSONField(default=list, blank=True, help_text="Weekday numbers (0 = Monday) for weekly series.")
    first_starts_at = models.DateTimeField()
    first_ends_at = models.DateTimeField()
    until = models.DateField(help_text="Last day an occurrence may fall on.")
    skipped = models.JSONField(default=list, blank=True, help_text="Occurrence dates left out at request time.")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "booking series"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_ends_at__gt=models.F("first_starts_at")), name="series_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(interval__gte=1), name="series_interval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display().lower()} until {self.until:%d %b %Y})"


class HallBooking(models.Model):
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hall_bookings")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hall_bookings",
        help_text="Empty for institution-wide bookings.",
    )
    title = models.CharField("purpose", max_length=200)
    description = models.TextField(blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hall_bookings",
        help_text="The event page this booking is for, if any.",
    )
    page_part = models.CharField(
        max_length=40, blank=True, help_text='Which part of the event page: "event" or "session:<id>".'
    )
    primary_venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+", verbose_name="first choice")
    secondary_venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="second choice"
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="hall_bookings", verbose_name="hall", help_text="The hall held."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    attendees = models.PositiveIntegerField("expected attendees", validators=[MinValueValidator(1)])
    status = models.CharField(max_length=12, choices=BookingStatus.choices, default=BookingStatus.REQUESTED)
    queue_note = models.TextField(blank=True, help_text="Why the request waits for a decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Reason given with the decision or cancellation.")
    series = models.ForeignKey(
        BookingSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="occurrences"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        permissions = [("decide_hallbooking", "Can approve or reject hall bookings for any hall")]
        indexes = [
            models.Index(fields=["venue", "starts_at", "ends_at"], name="booking_venue_time"),
            models.Index(fields=["status", "starts_at"], name="booking_status_time"),
            models.Index(fields=["organization", "starts_at"], name="booking_org_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(attendees__gte=1), name="booking_attendees_positive"),
            models.UniqueConstraint(
                fields=["page", "page_part"],
                condition=models.Q(page__isnull=False, status__in=ACTIVE_STATUSES),
                name="booking_one_active_per_event_part",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title} — {self.venue.name}, {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The booking must end after it starts."
        if self.venue_id and self.attendees and self.attendees > self.venue.capacity:
            errors["attendees"] = f"{self.venue.name} holds {self.venue.capacity} people."
        if self.secondary_venue_id and self.secondary_venue_id == self.primary_venue_id:
            errors["secondary_venue"] = "Choose a different hall as the second choice."
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600
