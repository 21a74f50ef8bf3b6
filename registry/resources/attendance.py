"""Attendance in and out: an attendance sheet (codes or email addresses) for one event, and the check-in list."""

from django import forms
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.forms import ConfirmImportForm
from import_export.instance_loaders import BaseInstanceLoader

from ..models import Attendance, EventRecord
from ..selectors import scope_to_organizations
from ..services import DomainError
from ..services.attendance import AttendanceSheet, SheetRow
from ..services.imports import cell_text
from ..uploads import BoundedImportForm


class SheetError(Exception):
    """Something wrong with the sheet as a whole; the message is safe to show."""


class AttendanceSheetResource(resources.Resource):
    """Rows name a person by `code` or `email`, optionally a `session` id; one event per file.

    The rules are the door's (`services.attendance`): the preview says who would be checked in, who already
    is (left as they are), and which lines name nobody at the event; confirming checks people in one by one
    through `check_in`, as the person uploading.
    """

    code = fields.Field(attribute="code", column_name="code")
    name = fields.Field(attribute="name", column_name="name", readonly=True)
    email = fields.Field(attribute="email", column_name="email")
    session = fields.Field(attribute="session", column_name="session")
    outcome = fields.Field(attribute="outcome", column_name="what happens", readonly=True)

    class Meta:
        name = "Attendance sheet (code or email, optional session)"
        import_id_fields = []
        instance_loader_class = BaseInstanceLoader
        skip_unchanged = True
        report_skipped = True

    def __init__(self, event: EventRecord | None = None, **kwargs):
        super().__init__(**kwargs)
        self.event = event
        self.sheet = None

    @classmethod
    def get_display_name(cls) -> str:
        return cls._meta.name

    def before_import(self, dataset, **kwargs):
        dataset.headers = [cell_text(header).lower() for header in dataset.headers or []]
        if self.event is None:
            raise SheetError("Choose the event this attendance sheet is for.")
        if not {"code", "email"} & set(dataset.headers):
            found = ", ".join(header for header in dataset.headers if header) or "no columns"
            raise SheetError(f"The sheet needs a 'code' or an 'email' column (found: {found}).")
        for index in reversed(range(len(dataset))):
            if not any(cell_text(cell) for cell in dataset[index]):
                del dataset[index]
        try:
            self.sheet = AttendanceSheet(actor=kwargs["user"], page_id=self.event.page_id)
        except DomainError as error:
            raise SheetError(str(error)) from error

    @staticmethod
    def _line(row) -> tuple[str, str, str]:
        return (
            cell_text(row.get("code")).upper(),
            cell_text(row.get("email")).lower(),
            cell_text(row.get("session")) or "0",
        )

    def get_instance(self, instance_loader, row):
        code, email, session = self._line(row)
        return self.sheet.current(code, email, int(session)) if session.isdigit() else None

    def init_instance(self, row=None):
        return SheetRow()

    def import_instance(self, instance, row, **kwargs):
        code, email, session = self._line(row)
        problem = self.sheet.check(kwargs["row_number"], code, email, session, instance)
        if problem:
            raise ValidationError({"code": problem})

    def save_instance(self, instance, is_create, row, **kwargs):
        self.sheet.accept(instance)

    def after_import(self, dataset, result, **kwargs):
        """Check people in only on confirmation of a sheet without errors."""
        if self.sheet is None or self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        self.sheet.apply()


class AttendanceExportResource(resources.ModelResource):
    """The check-in list as staff download it: who, for which session, when, how and by whom."""

    event = fields.Field(column_name="event")
    code = fields.Field(column_name="code")
    name = fields.Field(column_name="name")
    email = fields.Field(column_name="email")

    class Meta:
        model = Attendance
        fields = ["event", "code", "name", "email", "session", "method", "checked_in_at", "checked_in_by"]
        export_order = fields

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("registration__page", "checked_in_by")

    def dehydrate_event(self, attendance: Attendance) -> str:
        return attendance.registration.page.title

    def dehydrate_code(self, attendance: Attendance) -> str:
        return attendance.registration.code

    def dehydrate_name(self, attendance: Attendance) -> str:
        return attendance.registration.full_name

    def dehydrate_email(self, attendance: Attendance) -> str:
        return attendance.registration.email


class EventChoiceMixin(forms.Form):
    event = forms.ModelChoiceField(
        queryset=EventRecord.objects.none(), to_field_name="page_id", label="Event", help_text="Only events you run."
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        events = EventRecord.objects.filter(is_cancelled=False).order_by("-starts_at")
        self.fields["event"].queryset = scope_to_organizations(events, user, "organization") if user else events.none()


class AttendanceImportForm(EventChoiceMixin, BoundedImportForm):
    pass


class AttendanceConfirmImportForm(EventChoiceMixin, ConfirmImportForm):
    pass
