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
