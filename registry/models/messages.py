"""The message log: every email and in-app notice a person was sent, and what each person chose to receive.

One row per message to one person by one channel. A message about something that must reach someone once
(a ticket, a reminder, the notice of one change to one event) carries a `once_key`; the database refuses a
second row with that key on that channel, so reruns, retries and races send nothing twice.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .people import User


class MessageKind(models.TextChoices):
    """What a message is about, as a person chooses what to receive."""

    ACCOUNT = "account", "Your account and its security"
    REGISTRATION = "registration", "Your registrations: confirmations and tickets"
    WAITLIST_OFFER = "waitlist_offer", "A seat offered to you from a waitlist"
    CANCELLATION = "cancellation", "Registrations cancelled or seats released"
    EVENT_CHANGED = "event_changed", "Changes to the time or place of an event you registered for"
    EVENT_CANCELLED = "event_cancelled", "An event you registered for is cancelled"
    WAITLISTED = "waitlisted", "Your place on a waitlist"
    REGISTRATION_DECIDED = "registration_decided", "Decisions on registrations that need approval"
    REMINDER = "reminder", "Reminders before an event"
    FOLLOW_UP = "follow_up", "A thank-you after an event"
    CERTIFICATE = "certificate", "Certificates issued to you"
    CREDIT_DECIDED = "credit_decided", "Decisions on your activity points and credits"
    BOOKING_DECIDED = "booking_decided", "Decisions on your hall requests"
    ORGANIZER_REQUEST_DECIDED = "organizer_request_decided", "Decisions on your requests to organize"


# Service mail: what a person must get to take part (a ticket, an offer, a cancellation, a change, their
# account's security). Nobody can switch these off; every other kind is theirs to choose, per channel.
SERVICE_KINDS = frozenset(
    {
        MessageKind.ACCOUNT,
        MessageKind.REGISTRATION,
        MessageKind.WAITLIST_OFFER,
        MessageKind.CANCELLATION,
        MessageKind.EVENT_CHANGED,
        MessageKind.EVENT_CANCELLED,
    }
)


class Message(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        IN_APP = "in_app", "In-app notice"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Not sent: no longer true"

    recipient = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages")
    address = models.EmailField(blank=True, help_text="Where an email went; guests have no account.")
    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    template = models.CharField(max_length=60, help_text="Which message this is, e.g. confirmed or reminder:60.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True, help_text="What an in-app notice says.")
    url = models.CharField(max_length=500, blank=True, help_text="Where the person acts on it.")
    registration = models.ForeignKey(
        "registry.Registration", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The event."
    )
    about = models.CharField(max_length=100, blank=True, help_text="What else it is about, e.g. booking:31.")
    data = models.JSONField(default=dict, blank=True, help_text="What its email needs besides; never a secret.")
    once_key = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, help_text="The mail server's answer when sending failed.")
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(fields=["page", "created_at"]),
            models.Index(fields=["registration", "template"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "once_key"], condition=Q(once_key__isnull=False), name="message_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.address or self.recipient}: {self.subject}"


class NotificationPreference(models.Model):
    """A person's choice for one optional kind of message; without a row, both channels are on."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=40, choices=MessageKind.choices)
    email = models.BooleanField(default=True)
    in_app = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"
