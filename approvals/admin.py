from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path

from registry.admin.base import KeptByServices, ReadOnlyAdmin
from registry.admin.people import HistoryImportExportAdmin
from registry.selectors import managed_organization_ids
from registry.services import DomainError

from . import admin_views, resources, selectors, services
from .forms import DecisionReasonForm
from .models import BookingSeries, BookingStatus, HallBooking

DECIDED_FIELDS = ["status", "venue", "queue_note", "decided_by", "decided_at", "reason"]


@admin.register(HallBooking)
class HallBookingAdmin(KeptByServices, HistoryImportExportAdmin):
    """Bookings are requested on the site or imported; the back office decides, cancels and reports."""

    resource_classes = [resources.TimetableResource]
    change_list_template = "admin/approvals/hallbooking/change_list.html"
    list_display = ["id", "title", "venue", "starts_at", "ends_at", "status", "organization", "requester", "attendees"]
    list_display_links = ["id", "title"]
    list_filter = ["status", "venue", "organization", "starts_at"]
    list_select_related = ["venue", "organization", "requester"]
    search_fields = ["title", "requester__email", "organization__name", "venue__name", "venue__code"]
    date_hierarchy = "starts_at"
    actions = ["approve", "approve_in_second_choice", "reject", "cancel"]
    fieldsets = (
        (None, {"fields": ("title", "description", "organization", "requester", "page", "page_part", "series")}),
        ("When and where", {"fields": ("starts_at", "ends_at", "attendees", "primary_venue", "secondary_venue")}),
        ("Decision", {"fields": DECIDED_FIELDS}),
    )

    def get_queryset(self, request):
        return selectors.bookings_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_import_permission(self, request):
        return selectors.is_hall_admin(request.user)

    def has_decide_permission(self, request):
        return selectors.is_hall_admin(request.user) or bool(managed_organization_ids(request.user))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("calendar/", view(admin_views.hall_calendar), name="approvals_hallbooking_calendar_index"),
            path("calendar/<int:venue_id>/", view(admin_views.hall_calendar), name="approvals_hallbooking_calendar"),
            path("utilization/", view(admin_views.utilization_report), name="approvals_hallbooking_utilization"),
            *super().get_urls(),
        ]

    def _each(self, request, queryset, decide) -> None:
        done = 0
        for booking in queryset:
            try:
                decide(booking)
            except DomainError as error:
                self.message_user(request, f"#{booking.pk} {booking.title}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} booking(s) updated.", messages.SUCCESS)

    @admin.action(description="Approve selected requests", permissions=["decide"])
    def approve(self, request, queryset):
        self._each(request, queryset, lambda b: services.booking_approve(booking=b, actor=request.user))

    @admin.action(description="Approve selected requests in their second-choice hall", permissions=["decide"])
    def approve_in_second_choice(self, request, queryset):
        def decide(booking):
            if booking.secondary_venue is None:
                raise DomainError("It names no second-choice hall.")
            services.booking_approve(booking=booking, actor=request.user, venue=booking.secondary_venue)

        self._each(request, queryset.select_related("secondary_venue"), decide)

    def _with_reason(self, request, queryset, action: str, title: str, decide, reason_required: bool):
        form = DecisionReasonForm(request.POST if "apply" in request.POST else None, reason_required=reason_required)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(request, queryset, lambda b: decide(b, reason))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "bookings": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/approvals/hallbooking/decision_reason.html", context)

    @admin.action(description="Reject selected requests (with a reason)…", permissions=["decide"])
    def reject(self, request, queryset):
        return self._with_reason(
            request,
            queryset.filter(status=BookingStatus.REQUESTED),
            "reject",
            "Reject hall requests",
            lambda b, reason: services.booking_reject(booking=b, actor=request.user, reason=reason),
            reason_required=True,
        )

    @admin.action(description="Cancel selected bookings…", permissions=["view"])
    def cancel(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "cancel",
            "Cancel hall bookings",
            lambda b, reason: services.booking_cancel(booking=b, actor=request.user, reason=reason),
            reason_required=False,
        )


@admin.register(BookingSeries)
class BookingSeriesAdmin(ReadOnlyAdmin):
    list_display = ["title", "frequency", "first_starts_at", "until", "organization", "requester"]
    list_filter = ["frequency", "organization"]
    list_select_related = ["organization", "requester"]
    search_fields = ["title", "requester__email", "organization__name"]
    date_hierarchy = "first_starts_at"

    def get_queryset(self, request):
        series = super().get_queryset(request)
        if selectors.is_hall_admin(request.user):
            return series
        return series.filter(organization_id__in=managed_organization_ids(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]
