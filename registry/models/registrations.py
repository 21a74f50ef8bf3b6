"""Registrations: a person's place (or wait) at an event."""

from django.db import models
from django.utils import timezone

from ..history import HistoricalRecords
from .events import AttendanceMode
from .people import User


class RegistrationStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting email confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    PENDING = "pending", "Pending approval"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"


# Statuses that hold one of the event's seats, and those that block a second registration.
SEAT_HOLDING = [RegistrationStatus.AWAITING_CONFIRMATION, RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING]
ACTIVE = [*SEAT_HOLDING, RegistrationStatus.WAITLISTED]


class Registration(models.Model):
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True)
    attendance_mode = models.CharField(max_length=10, choices=AttendanceMode.choices, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=24, choices=RegistrationStatus.choices, db_index=True)
    code = models.CharField(max_length=16, unique=True, help_text="Reference and check-in code.")
    hold_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="An unconfirmed seat is released at this time."
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(
        null=True, blank=True, help_text="When a freed seat was offered to this person from the waitlist."
    )
    consent_given_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person agreed that the organizers may use their details to run this event.",
    )
    decision_reason = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["page", "status", "created_at"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "email"],
                condition=models.Q(status__in=ACTIVE),
                name="one_active_registration_per_person",
                violation_error_message="This person is already registered for this event.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}> — {self.get_status_display()}"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_waitlist_offer(self) -> bool:
        """A seat offered from the waitlist, waiting for the person to accept it before `hold_expires_at`."""
        return self.status == RegistrationStatus.AWAITING_CONFIRMATION and self.offered_at is not None
