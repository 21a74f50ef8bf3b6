"""Bulk attendance: a CSV/XLSX of registration codes or email addresses for one event."""

from django import forms
from django.db.models import Q
from import_export import fields, resources
from import_export.forms import ConfirmImportForm, ImportForm

from ..models import Attendance, EventRecord, Registration, RegistrationStatus


class AttendanceResource(resources.ModelResource):
    """Rows name a registration by `code` or `email`, optionally a `session` id; one event per file."""

    event = fields.Field(column_name="event", readonly=True)
    code = fields.Field(column_name="code", readonly=True)
    name = fields.Field(column_name="name", readonly=True)
    email = fields.Field(column_name="email", readonly=True)

    class Meta:
        model = Attendance
        fields = [
            "event",
            "code",
            "name",
            "email",
            "registration",
            "session",
            "method",
            "checked_in_at",
            "checked_in_by",
        ]
        export_order = ["event", "code", "name", "email", "session", "method", "checked_in_at", "checked_in_by"]
        import_id_fields = ["registration", "session"]
        skip_unchanged = True
        report_skipped = True

    def __init__(self, event: EventRecord | None = None, **kwargs):
        super().__init__(**kwargs)
        self.event = event

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

    def before_import(self, dataset, **kwargs):
        if self.event is None:
            raise ValueError("Choose the event this attendance file is for.")
        headers = {header.strip().lower() for header in dataset.headers or []}
        if not headers & {"code", "email"}:
            found = ", ".join(sorted(headers)) or "no columns"
            raise ValueError(f"The file needs a 'code' or an 'email' column (found: {found}).")
        self._registrations = {
            r.code: r
            for r in Registration.objects.filter(page_id=self.event.page_id).exclude(
                status__in=[RegistrationStatus.CANCELLED, RegistrationStatus.EXPIRED]
            )
        }
        self._by_email = {r.email.lower(): r for r in self._registrations.values()}
        # People upload codes or emails; the columns the importer keys on are filled per row below.
        for column in ("registration", "session", "method", "checked_in_by"):
            if column not in (dataset.headers or []):
                dataset.append_col([""] * len(dataset), header=column)

    def before_import_row(self, row, **kwargs):
        code = str(row.get("code") or "").strip().upper()
        email = str(row.get("email") or "").strip().lower()
        registration = self._registrations.get(code) if code else self._by_email.get(email)
        if registration is None:
            if code and Registration.objects.filter(Q(code=code) & ~Q(page_id=self.event.page_id)).exists():
                raise ValueError(f"Registration {code} is for another event.")
            raise ValueError(f"No registration for {code or email or 'this row'} at {self.event.title}.")
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ValueError(f"{registration.email} is {registration.get_status_display().lower()}, not confirmed.")
        session = str(row.get("session") or "0").strip()
        if not session.isdigit() or (int(session) and int(session) not in self.event.session_ids):
            raise ValueError(f"Session {session!r} is not a session of {self.event.title}.")
        row["registration"] = registration.pk
        row["session"] = int(session)
        row["method"] = Attendance.Method.UPLOAD
        row["checked_in_by"] = kwargs["user"].pk if kwargs.get("user") else None


class EventChoiceMixin(forms.Form):
    event = forms.ModelChoiceField(
        queryset=EventRecord.objects.order_by("-starts_at"), to_field_name="page_id", label="Event"
    )


class AttendanceImportForm(EventChoiceMixin, ImportForm):
    pass


class AttendanceConfirmImportForm(EventChoiceMixin, ConfirmImportForm):
    pass
