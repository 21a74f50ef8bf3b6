from import_export import fields, resources, widgets

from ..models import Facility, Organization, Registration, Venue


class OrganizationResource(resources.ModelResource):
    class Meta:
        model = Organization
        import_id_fields = ["slug"]
        fields = ["name", "slug", "kind", "description", "email", "website", "is_active"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class VenueResource(resources.ModelResource):
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
