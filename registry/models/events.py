"""Events: what makes a Wagtail page registrable, and registry's own record of each such page."""

from django.core.validators import MaxValueValidator
from django.db import models

from .credits import CreditCategory
from .people import Organization
from .venues import Venue


class AttendanceMode(models.TextChoices):
    ON_SITE = "on_site", "On site"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


class EventStatus(models.TextChoices):
    """Where an event stands (worked out, never stored): cancelled is its organizers' decision; otherwise
    scheduled before it starts, happening now until it ends, then completed."""

    SCHEDULED = "scheduled", "Scheduled"
    ONGOING = "ongoing", "Happening now"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class RegistrableEvent(models.Model):
    """What makes a Wagtail page an event people register for.

    Registry's tables point at `wagtailcore.Page`; the page supplies the
    settings below. Operational state (seats taken, registrations) never lives
    on the page: publishing a revision would overwrite it.
    """

    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for online events.",
    )
    online_url = models.URLField("online link", blank=True, help_text="Shown to confirmed registrants only.")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats available. Leave empty for no limit; 0 closes registration."
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open on publication.")
    registration_closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open until the start.")
    waitlist_enabled = models.BooleanField("offer a waitlist when full", default=True)
    requires_approval = models.BooleanField("organizers approve each registration", default=False)
    credit_category = models.ForeignKey(
        CreditCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_points = models.PositiveSmallIntegerField(default=0)
    attendance_threshold = models.PositiveSmallIntegerField(
        "attendance needed for a certificate (%)",
        default=75,
        validators=[MaxValueValidator(100)],
        help_text="Share of sessions a person must attend to earn the certificate and credits.",
    )
    issue_certificates_automatically = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def attendance_mode(self) -> str:
        if self.venue_id and self.online_url:
            return AttendanceMode.HYBRID
        return AttendanceMode.ONLINE if self.online_url else AttendanceMode.ON_SITE

    def registration_errors(self) -> dict[str, str]:
        """Field errors for the settings above; the page's `clean()` raises them."""
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The event must end after it starts."
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = "Registration must close after it opens."
        if self.registration_closes_at and self.ends_at and self.registration_closes_at > self.ends_at:
            errors["registration_closes_at"] = "Registration must close before the event ends."
        if self.credit_points and not self.credit_category_id:
            errors["credit_category"] = "Choose the category these credit points count towards."
        if self.venue_id and self.capacity and self.venue.capacity < self.capacity:
            errors["capacity"] = f"{self.venue.name} holds {self.venue.capacity} people; lower the capacity."
        return errors


class EventRecord(models.Model):
    """Registry's copy of one registrable page: its schedule, settings and seats.

    Synced from the page on publish, so registrations, reminders and sweeps
    need no join into page tables. `seats_taken` is the row every registration
    updates atomically; it lives here, never on the page. So does cancellation: an explicit action
    (`services.events.event_cancel`) that no publish or revert of the page can undo.
    """

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="event_record")
    title = models.CharField(max_length=255)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    seats_taken = models.PositiveIntegerField(default=0)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    attendance_mode = models.CharField(max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.ON_SITE)
    venue = models.ForeignKey(Venue, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    online_url = models.URLField("online link", blank=True, help_text="Given to confirmed registrants only.")
    waitlist_enabled = models.BooleanField(default=True)
    requires_approval = models.BooleanField(default=False)
    is_cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "registry.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(blank=True, help_text="Told to everyone registered or waiting.")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    session_ids = models.JSONField(default=list, blank=True, help_text="The page's session ids, for attendance rules.")
    attendance_threshold = models.PositiveSmallIntegerField(default=75)
    credit_category = models.ForeignKey(
        CreditCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_points = models.PositiveSmallIntegerField(default=0)
    issue_certificates_automatically = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["ends_at"])]
        permissions = [("cancel_event", "Can cancel an event of their organizations")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(seats_taken__lte=models.F("capacity")),
                name="event_record_never_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)
