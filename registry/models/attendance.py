"""Check-ins: who came to an event or one of its sessions."""

from django.db import models
from django.utils import timezone

from ..history import HistoricalRecords
from .people import User
from .registrations import Registration


class Attendance(models.Model):
    """One check-in: for the event as a whole (session 0) or for one of its sessions.

    The unique constraint is what makes a second scan of the same code, even
    at the same instant on another device, an "already checked in" answer.
    """

    WHOLE_EVENT = 0

    class Method(models.TextChoices):
        SCAN = "scan", "QR scan"
        MANUAL = "manual", "Typed code"
        UPLOAD = "upload", "Bulk upload"
        API = "api", "API"
        BY_NAME = "by_name", "By name"  # found in the participant list by a steward: no ticket at hand

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.PositiveIntegerField(
        default=WHOLE_EVENT, help_text="The event page's session id, or 0 for the event as a whole."
    )
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.SCAN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="attendance_once_per_session"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.session or 'event'}"
