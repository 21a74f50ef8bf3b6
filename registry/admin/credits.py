from django.contrib import admin, messages
from import_export.admin import ExportMixin, ImportExportModelAdmin
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from .. import resources
from ..models import CreditCategory, CreditEntry
from ..selectors import credit_entries_decidable_by, sees_everything
from ..services import DomainError
from ..services import credits as credit_services
from .base import ReadOnlyAdmin, ServiceAdmin
from .imports import BoundedImportMixin


@admin.register(CreditCategory)
class CreditCategoryAdmin(BoundedImportMixin, ImportExportModelAdmin, ServiceAdmin):
    resource_classes = [resources.CreditCategoryResource]
    list_display = ["name", "code", "min_points", "max_points"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(CreditEntry)
class CreditEntryAdmin(ExportMixin, ReadOnlyAdmin):
    """The ledger is written by attendance and decided by mentors (here or in the inbox), never edited by hand:
    points, category and person stay what the event awarded."""

    export_form_class = SelectableFieldsExportForm
    list_display = ["user", "category", "points", "status", "description", "decided_by", "created_at"]
    list_filter = ["status", "category", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "user__student_profile__usn", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "category", "decided_by"]
    actions = ["approve"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(user__student_profile__mentor=request.user)

    def has_decide_permission(self, request) -> bool:
        return credit_entries_decidable_by(request.user).exists() or sees_everything(request.user)

    @admin.action(description="Approve selected credit entries", permissions=["decide"])
    def approve(self, request, queryset):
        approved = 0
        for entry in queryset.select_related("category", "user"):
            try:
                credit_services.credit_decide(entry=entry, actor=request.user, approve=True)
                approved += 1
            except DomainError as exc:
                self.message_user(request, f"{entry}: {exc}", messages.WARNING)
        self.message_user(request, f"Approved {approved} credit entr{'y' if approved == 1 else 'ies'}.")
