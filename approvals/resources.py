"""A semester timetable as CSV/XLSX: one booking per row, checked for conflicts before anything is written.

Columns: hall (code), date (YYYY-MM-DD), start and end (HH:MM, local time), title,
organization (slug, optional) and attendees. A dry run lists every row that is
malformed or clashes — with an approved booking or with an earlier row of the
same file — and the admin can only confirm a file without errors. Confirmed rows
are booked through `services.booking_request`, never queued.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets

from registry.models import Organization, Venue
from registry.services import DomainError

from . import selectors, services
from .models import HallBooking


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key by code or slug, with a message naming what was not found."""

    def __init__(self, model, field: str, noun: str, required: bool = True):
        super().__init__(model, field=field)
        self.noun, self.required = noun, required

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            if self.required:
                raise ValueError(f"Give the {self.noun} code.")
            return None
        found = self.get_queryset(value, row, **kwargs).filter(**{self.field: value}).first()
        if found is None:
            raise ValueError(f"Unknown {self.noun} {value!r}.")
        return found


class TimetableResource(resources.ModelResource):
    hall = fields.Field(attribute="venue", column_name="hall", widget=CodeWidget(Venue, "code", "hall"))
    date = fields.Field(column_name="date", widget=widgets.DateWidget("%Y-%m-%d"))
    start = fields.Field(column_name="start", widget=widgets.TimeWidget("%H:%M"))
    end = fields.Field(column_name="end", widget=widgets.TimeWidget("%H:%M"))
    title = fields.Field(attribute="title", column_name="title")
    organization = fields.Field(
        attribute="organization",
        column_name="organization",
        widget=CodeWidget(Organization, "slug", "organization", required=False),
    )
    attendees = fields.Field(attribute="attendees", column_name="attendees", widget=widgets.IntegerWidget())
    status = fields.Field(attribute="status", column_name="status", readonly=True)

    class Meta:
        model = HallBooking
        fields = ["hall", "date", "start", "end", "title", "organization", "attendees", "status"]
        import_order = ["hall", "date", "start", "end", "title", "organization", "attendees"]
        force_init_instance = True  # a timetable only adds bookings
        skip_diff = True
        store_instance = True  # so each accepted row's times are remembered for the in-file overlap check

    REQUIRED_COLUMNS = ("hall", "date", "start", "end", "title", "attendees")

    def before_import(self, dataset, **kwargs):
        self.accepted: list[tuple[int, int, datetime, datetime]] = []  # (row number, venue id, start, end)
        missing = [column for column in self.REQUIRED_COLUMNS if column not in (dataset.headers or [])]
        if missing:
            raise ValueError(
                f"The timetable is missing the column(s) {', '.join(missing)}; "
                f"expected {', '.join(self.REQUIRED_COLUMNS)} and optionally organization."
            )

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        parsed = {}
        for name in ("date", "start", "end"):
            try:
                parsed[name] = self.fields[name].clean(row)
            except ValueError:
                errors[name] = ValidationError(f"Cannot read {name} {row.get(name)!r}; use YYYY-MM-DD and HH:MM.")
        if not errors.get("date") and parsed.get("date") is None:
            errors["date"] = ValidationError("Give the date.")
        if not errors and None not in (parsed["start"], parsed["end"]):
            instance.starts_at = timezone.make_aware(datetime.combine(parsed["date"], parsed["start"]))
            instance.ends_at = timezone.make_aware(datetime.combine(parsed["date"], parsed["end"]))
        elif not errors:
            errors["start"] = ValidationError("Give both a start and an end time.")
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        try:
            services.booking_validate(
                primary_venue=instance.venue,
                starts_at=instance.starts_at,
                ends_at=instance.ends_at,
                attendees=instance.attendees or 0,
            )
        except DomainError as error:
            raise ValidationError(str(error)) from error
        clash = selectors.conflicts_for(venue=instance.venue, starts_at=instance.starts_at, ends_at=instance.ends_at)
        clashes = [services.conflict_message(booking) for booking in clash]
        clashes += [
            f"Overlaps row {number} of this file in {instance.venue.name}."
            for number, venue_id, starts_at, ends_at in self.accepted
            if venue_id == instance.venue.pk and starts_at < instance.ends_at and ends_at > instance.starts_at
        ]
        if clashes:
            raise ValidationError(clashes)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if not result.validation_error and not result.errors and result.instance is not None:
            booking = result.instance
            self.accepted.append((kwargs["row_number"], booking.venue_id, booking.starts_at, booking.ends_at))
        return result

    def save_instance(self, instance, is_create, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        booking = services.booking_request(
            requester=kwargs["user"],
            organization=instance.organization,
            title=instance.title or "",
            primary_venue=instance.venue,
            starts_at=instance.starts_at,
            ends_at=instance.ends_at,
            attendees=instance.attendees,
            queue_on_conflict=False,
        )
        instance.pk, instance.status = booking.pk, booking.status

    def dehydrate_date(self, booking: HallBooking) -> str:
        return f"{timezone.localtime(booking.starts_at):%Y-%m-%d}"

    def dehydrate_start(self, booking: HallBooking) -> str:
        return f"{timezone.localtime(booking.starts_at):%H:%M}"

    def dehydrate_end(self, booking: HallBooking) -> str:
        return f"{timezone.localtime(booking.ends_at):%H:%M}"
