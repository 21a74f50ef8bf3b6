"""Requests to organize, for reading: decisions are made in the approval inbox, through the service."""

from django.contrib import admin

from ..models import OrganizerRequest
from ..selectors import scope_to_organizations
from .base import ReadOnlyAdmin


@admin.register(OrganizerRequest)
class OrganizerRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "organization"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organization__name"]
    list_select_related = ["user", "organization", "decided_by"]
    fields = ["user", "organization", "message", "status", "created_at", "decided_by", "decided_at", "reason"]
    readonly_fields = fields

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "organization")
