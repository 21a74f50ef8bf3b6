"""The message log in the back office: what was sent to whom, by which channel, and whether it went out."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from ..models import Message
from ..selectors import scope_to_organizations
from .base import KeptByServices


@admin.register(Message)
class MessageAdmin(KeptByServices, ModelAdmin):
    """Staff admins see every message; organizers the messages about their organizations' events."""

    list_display = ["created_at", "channel", "kind", "to", "subject", "status", "sent_at", "read_at"]
    list_filter = ["channel", "kind", "status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["address", "subject", "recipient__email", "registration__code", "page__title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    fields = [
        "created_at",
        "channel",
        "kind",
        "template",
        "recipient",
        "address",
        "subject",
        "body",
        "url",
        "registration",
        "page",
        "about",
        "status",
        "error",
        "attempts",
        "sent_at",
        "read_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "page__event_record__organization")

    @admin.display(description="To")
    def to(self, obj: Message) -> str:
        return obj.address or str(obj.recipient or "—")


def log_link(label: str, **filters) -> str:
    """A link to the message log filtered as given (a person's messages, an event's)."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', reverse("admin:registry_message_changelist"), query, label)
