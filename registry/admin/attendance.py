from django.contrib import admin
from import_export.admin import ExportMixin
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from .. import resources
from ..models import Attendance
from ..selectors import scope_to_organizations
from .base import ReadOnlyAdmin
from .imports import CheckedImportMixin


@admin.register(Attendance)
class AttendanceAdmin(CheckedImportMixin, ExportMixin, ReadOnlyAdmin):
    """Check-ins, as the door and attendance sheets recorded them. People are checked in on the event's check-in
    page or by uploading a sheet (a preview first, then `check_in` for each line); nothing is typed in here."""

    import_form_class = resources.AttendanceImportForm
    confirm_form_class = resources.AttendanceConfirmImportForm
    export_form_class = SelectableFieldsExportForm
    import_permissions = ("registry.add_attendance",)
    list_display = ["registration", "event_title", "session", "method", "checked_in_at", "checked_in_by"]
    list_filter = ["method", ("checked_in_at", admin.DateFieldListFilter)]
    search_fields = [
        "registration__code",
        "registration__email",
        "registration__full_name",
        "registration__page__title",
    ]
    date_hierarchy = "checked_in_at"
    list_select_related = ["registration__page", "checked_in_by"]

    def get_queryset(self, request):
        return scope_to_organizations(
            super().get_queryset(request), request.user, "registration__page__event_record__organization"
        )

    def get_skip_admin_log(self):
        """Each check-in keeps its own record (who, when, how) in its history."""
        return True

    def get_import_resource_classes(self, request):
        return [resources.AttendanceSheetResource]

    def get_export_resource_classes(self, request):
        return [resources.AttendanceExportResource]

    @admin.display(description="Event", ordering="registration__page__title")
    def event_title(self, obj):
        return obj.registration.page.title

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "user": request.user}

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {**super().get_confirm_form_kwargs(request, import_form), "user": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        event = form.cleaned_data.get("event") if form is not None and hasattr(form, "cleaned_data") else None
        return {**super().get_import_resource_kwargs(request, **kwargs), "event": event}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["event"] = import_form.cleaned_data["event"].page_id
        return initial
