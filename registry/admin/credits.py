from django.contrib import admin, messages
from import_export.admin import ExportMixin, ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from ..models import CreditCategory, CreditEntry
from ..selectors import sees_everything
from ..services import DomainError
from ..services import credits as credit_services


@admin.register(CreditCategory)
class CreditCategoryAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code", "min_points", "max_points"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(CreditEntry)
class CreditEntryAdmin(ExportMixin, SimpleHistoryAdmin):
    list_display = ["user", "category", "points", "status", "description", "decided_by", "created_at"]
    list_filter = ["status", "category", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "user__student_profile__usn", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "category", "decided_by"]
    readonly_fields = ["registration", "status", "decided_by", "decided_at"]
    autocomplete_fields = ["user"]
    actions = ["approve"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(user__student_profile__mentor=request.user)

    @admin.action(description="Approve selected credit entries")
    def approve(self, request, queryset):
        approved = 0
        for entry in queryset.select_related("category", "user"):
            try:
                credit_services.credit_decide(entry=entry, actor=request.user, approve=True)
                approved += 1
            except DomainError as exc:
                self.message_user(request, f"{entry}: {exc}", messages.WARNING)
        self.message_user(request, f"Approved {approved} credit entr{'y' if approved == 1 else 'ies'}.")
