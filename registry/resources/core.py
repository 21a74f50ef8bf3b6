from import_export import fields, resources, widgets

from ..models import CreditCategory, Facility, Organization, Registration, Venue
from ..services import records


class SavedByService:
    """Each imported row is saved by the reference-data service, as the person importing: a row they may not
    write is that row's error, in the preview and on confirmation alike."""

    def save_instance(self, instance, is_create, row, **kwargs):
        records.record_save(actor=kwargs["user"], record=instance)


class OrganizationResource(SavedByService, resources.ModelResource):
    class Meta:
        model = Organization
        import_id_fields = ["slug"]
        fields = ["name", "slug", "kind", "description", "email", "website", "is_active"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class VenueResource(SavedByService, resources.ModelResource):
    facilities = fields.Field(
        attribute="facilities",
        column_name="facilities",
        widget=widgets.ManyToManyWidget(Facility, field="name", separator=";"),
    )

    class Meta:
        model = Venue
        import_id_fields = ["code"]
        fields = ["code", "name", "capacity", "building", "floor", "location", "description", "facilities", "is_active"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class CreditCategoryResource(SavedByService, resources.ModelResource):
    class Meta:
        model = CreditCategory
        import_id_fields = ["code"]
        fields = ["code", "name", "description", "min_points", "max_points"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class RegistrationExportResource(resources.ModelResource):
    event = fields.Field(attribute="page__title", column_name="event")

    class Meta:
        model = Registration
        fields = [
            "code",
            "event",
            "full_name",
            "email",
            "phone",
            "attendance_mode",
            "status",
            "answers",
            "created_at",
            "confirmed_at",
            "cancelled_at",
        ]
        export_order = fields


class ParticipantExportResource(RegistrationExportResource):
    """An event's participants as its control room downloads them: the registrations export, headed in words,
    statuses as staff read them, and when each person arrived (their check-in to the event as a whole)."""

    HEADERS = {
        "code": "Ticket code",
        "event": "Event",
        "full_name": "Name",
        "email": "Email",
        "phone": "Phone",
        "attendance_mode": "Attending",
        "status": "Status",
        "answers": "Answers",
        "created_at": "Registered at",
        "confirmed_at": "Confirmed at",
        "cancelled_at": "Cancelled at",
        "checked_in_at": "Checked in at",
    }

    checked_in_at = fields.Field(column_name="checked_in_at")

    class Meta(RegistrationExportResource.Meta):
        fields = [*RegistrationExportResource.Meta.fields, "checked_in_at"]
        export_order = fields

    def get_export_headers(self, selected_fields=None):
        return [self.HEADERS.get(header, header) for header in super().get_export_headers(selected_fields)]

    def dehydrate_status(self, registration: Registration) -> str:
        return registration.get_status_display()

    def dehydrate_attendance_mode(self, registration: Registration) -> str:
        return registration.get_attendance_mode_display()

    def dehydrate_checked_in_at(self, registration: Registration) -> str:
        arrivals = getattr(registration, "arrivals", None)
        if arrivals is None:
            arrivals = list(registration.attendances.filter(session=0))
        return arrivals[0].checked_in_at.isoformat(timespec="seconds") if arrivals else ""
