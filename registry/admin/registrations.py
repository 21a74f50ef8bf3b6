from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin
from unfold.admin import ModelAdmin
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from .. import resources, services
from ..models import EventRecord, Registration
from ..selectors import scope_to_organizations
from ..services import credits as credit_services
from ..services import registrations as registration_services
from ..views import checkin
from .base import KeptByServices, ServiceAdmin
from .messages import log_link


@admin.register(EventRecord)
class EventRecordAdmin(KeptByServices, ModelAdmin):
    """Per-event registration counts; the event itself is edited in Wagtail."""

    list_display = [
        "title",
        "starts_at",
        "organization",
        "capacity",
        "seats_taken",
        "seats_left_display",
        "confirmed",
        "waitlisted",
        "pending",
        "cancelled",
        "checkin_link",
    ]
    actions = ["award_credits"]
    list_filter = ["organization", "is_cancelled", "requires_approval", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    readonly_fields = ["control_room", *(field.name for field in EventRecord._meta.fields)]

    def get_queryset(self, request):
        return (
            scope_to_organizations(super().get_queryset(request), request.user, "organization")
            .annotate(
                **{
                    status: Count("page__registrations", filter=Q(page__registrations__status=status))
                    for status in ("confirmed", "waitlisted", "pending", "cancelled")
                }
            )
            .select_related("organization")
        )

    def get_urls(self):
        checkin_urls = [
            path("<int:page_id>/checkin/", self.admin_site.admin_view(checkin.checkin_page), name="registry_checkin"),
            path(
                "<int:page_id>/checkin/scan/",
                self.admin_site.admin_view(checkin.checkin_scan),
                name="registry_checkin_scan",
            ),
        ]
        return checkin_urls + super().get_urls()

    @admin.display(description="Control room")
    def control_room(self, obj):
        """The event's page for running it: figures, participants, attendance sheets, certificates, messages."""
        url = reverse("staff_event_control_room", args=[obj.page_id])
        return format_html('<a href="{}">Open the control room for {}</a>', url, obj)

    @admin.display(description="Day of the event")
    def checkin_link(self, obj):
        return format_html(
            '<a href="{}">Control room</a> · <a href="{}">Check in</a> · <a href="{}">Certificates</a> · {}',
            reverse("staff_event_control_room", args=[obj.page_id]),
            reverse("admin:registry_checkin", args=[obj.page_id]),
            reverse("admin:registry_certificatebatch_add") + f"?event={obj.pk}",
            log_link("Messages", page__id__exact=obj.page_id),
        )

    @admin.action(description="Award pending credits to eligible attendees")
    def award_credits(self, request, queryset):
        created = 0
        for record in queryset:
            try:
                created += credit_services.credits_award_for_event(page_id=record.page_id, actor=request.user)
            except services.DomainError as exc:
                self.message_user(request, f"{record}: {exc}", messages.WARNING)
        self.message_user(request, f"Created {created} pending credit entr{'y' if created == 1 else 'ies'}.")

    @admin.display(description="Seats left")
    def seats_left_display(self, obj):
        return "∞" if obj.seats_left is None else obj.seats_left

    @admin.display(description="Confirmed", ordering="confirmed")
    def confirmed(self, obj):
        return self._link(obj, "confirmed", obj.confirmed)

    @admin.display(description="Waitlisted", ordering="waitlisted")
    def waitlisted(self, obj):
        return self._link(obj, "waitlisted", obj.waitlisted)

    @admin.display(description="Pending", ordering="pending")
    def pending(self, obj):
        return self._link(obj, "pending", obj.pending)

    @admin.display(description="Cancelled", ordering="cancelled")
    def cancelled(self, obj):
        return self._link(obj, "cancelled", obj.cancelled)

    def _link(self, obj, status, count):
        url = (
            reverse("admin:registry_registration_changelist") + f"?page__id__exact={obj.page_id}&status__exact={status}"
        )
        return format_html('<a href="{}">{}</a>', url, count)


@admin.register(Registration)
class RegistrationAdmin(ExportMixin, ServiceAdmin):
    """Registrations are made on the event page; here organizers correct details and cancel (through services)."""

    resource_classes = [resources.RegistrationExportResource]
    export_form_class = SelectableFieldsExportForm
    list_display = ["full_name", "email", "event_title", "status", "attendance_mode", "code", "created_at"]
    list_filter = [
        "status",
        "attendance_mode",
        ("created_at", admin.DateFieldListFilter),
        "page__event_record__organization",
    ]
    search_fields = ["full_name", "email", "code", "page__title"]
    date_hierarchy = "created_at"
    list_select_related = ["page"]
    readonly_fields = [
        "page",
        "user",
        "email",
        "code",
        "answers_given",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "hold_expires_at",
        "status",
        "decision_reason",
        "offered_at",
        "consent_given_at",
    ]
    fields = [
        "page",
        "user",
        "full_name",
        "email",
        "phone",
        "attendance_mode",
        "status",
        "code",
        "answers_given",
        "decision_reason",
        "hold_expires_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "offered_at",
        "consent_given_at",
    ]
    actions = ["cancel_selected"]

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "page__event_record__organization")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_record(self, request, obj, form, change):
        registration_services.registration_update(
            actor=request.user,
            registration=obj,
            full_name=obj.full_name,
            phone=obj.phone,
            attendance_mode=obj.attendance_mode,
        )

    @admin.display(description="Event", ordering="page__title")
    def event_title(self, obj):
        return obj.page.title

    @admin.display(description="Answers")
    def answers_given(self, obj):
        """The registration form's answers as question and answer (unfold would colour raw JSON inline)."""
        answers = obj.answers if isinstance(obj.answers, dict) else {}
        if not answers:
            return "—"
        rows = format_html_join("", "<dt>{}</dt><dd>{}</dd>", ((key, value) for key, value in answers.items()))
        return format_html('<dl class="bo-answers">{}</dl>', rows)

    def _history_field_names(self) -> set[str]:
        return super()._history_field_names() | {"answers"}

    @admin.action(description="Cancel selected registrations (frees seats, tells each person)")
    def cancel_selected(self, request, queryset):
        done = 0
        for registration in queryset:
            try:
                registration_services.registration_cancel(registration=registration, actor=request.user)
                done += 1
            except services.DomainError as exc:
                self.message_user(request, f"{registration}: {exc}", messages.WARNING)
        self.message_user(request, f"Cancelled {done} registration(s).")
