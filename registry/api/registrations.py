"""A person's own registrations (upcoming and past, one with its waitlist position, cancel), and organizers'
decisions on registrations for events that require approval.

Registering is on the event (`/api/v1/events/{id}/register`, in cms.api): the event page type lives there.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import AttendanceMode, Registration, RegistrationStatus
from ..services import registrations as service
from ..services.attendance import checkin_token
from .common import MAX_ID, IsVerifiedStaff, SecondFactorIfStaff, StrictBooleanField, StrictCharField


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="page_id")
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_cancelled = serializers.BooleanField()


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    attendance_mode = serializers.ChoiceField(
        choices=AttendanceMode.choices, allow_blank=True, help_text="How a hybrid event's attendee joins; else empty."
    )
    waitlist_position = serializers.SerializerMethodField(
        help_text="1 for the next person to be offered a seat; null unless waitlisted."
    )
    checkin_token = serializers.SerializerMethodField(
        help_text="What the ticket's QR code holds (confirmed registrations only); scanners send it as `code`."
    )
    online_url = serializers.SerializerMethodField(
        help_text="The event's online link, for confirmed registrations only; empty otherwise."
    )

    class Meta:
        model = Registration
        fields = [
            "code",
            "status",
            "status_display",
            "event",
            "full_name",
            "email",
            "attendance_mode",
            "answers",
            "waitlist_position",
            "hold_expires_at",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "decision_reason",
            "checkin_token",
            "online_url",
        ]
        read_only_fields = fields

    @extend_schema_field(EventRefSerializer(allow_null=True))
    def get_event(self, registration: Registration) -> dict | None:
        record = getattr(registration.page, "event_record", None)
        return EventRefSerializer(record).data if record else None

    def get_waitlist_position(self, registration: Registration) -> int | None:
        return selectors.waitlist_position(registration)

    def get_checkin_token(self, registration: Registration) -> str | None:
        return checkin_token(registration) if registration.status == RegistrationStatus.CONFIRMED else None

    def get_online_url(self, registration: Registration) -> str:
        return selectors.meeting_link(registration)


HACK_NIGHT = {
    "id": 42,
    "title": "Hack Night",
    "starts_at": "2027-01-15T18:00:00+05:30",
    "ends_at": "2027-01-15T21:00:00+05:30",
    "is_cancelled": False,
}
CONFIRMED = {
    "code": "K7Q2M9X4PA",
    "status": "confirmed",
    "status_display": "Confirmed",
    "event": HACK_NIGHT,
    "full_name": "Sam Kumar",
    "email": "student@convene.local",
    "attendance_mode": "",
    "answers": {"t_shirt_size": "M"},
    "waitlist_position": None,
    "hold_expires_at": None,
    "created_at": "2027-01-02T10:15:00+05:30",
    "confirmed_at": "2027-01-02T10:15:00+05:30",
    "cancelled_at": None,
    "decision_reason": "",
    "checkin_token": "K7Q2M9X4PA:x3Qe1vXJ0bq8oLhM2cS9yTq0pWwZk4Rf7Nd1Gh5Js2U",
    "online_url": "",
}
WAITLISTED = {
    **CONFIRMED,
    "code": "M3TR8QZ2WD",
    "status": "waitlisted",
    "status_display": "Waitlisted",
    "waitlist_position": 3,
    "confirmed_at": None,
    "checkin_token": None,
}
CANCELLED = {
    **CONFIRMED,
    "status": "cancelled",
    "status_display": "Cancelled",
    "cancelled_at": "2027-01-10T08:30:00+05:30",
    "checkin_token": None,
}
PENDING = {
    **CONFIRMED,
    "code": "H8WN4KD6RB",
    "status": "pending",
    "status_display": "Pending approval",
    "event": {
        "id": 57,
        "title": "Startup Clinic",
        "starts_at": "2027-01-20T14:00:00+05:30",
        "ends_at": "2027-01-20T17:00:00+05:30",
        "is_cancelled": False,
    },
    "full_name": "Lena Fernandes",
    "email": "student2@convene.local",
    "answers": {"idea": "Solar-powered cold storage for farmers"},
    "confirmed_at": None,
    "checkin_token": None,
}
APPROVED = {
    **PENDING,
    "status": "confirmed",
    "status_display": "Confirmed",
    "confirmed_at": "2027-01-04T16:20:00+05:30",
    "checkin_token": "H8WN4KD6RB:bT5sQ0kV8rW2nY7uE1aZ4cF6gH3mP9xL2qD8vN0kJ7e",
}
REJECTED = {
    **PENDING,
    "status": "rejected",
    "status_display": "Rejected",
    "decision_reason": "This clinic is for registered student startups; apply to the incubator first.",
}
REGISTRATION_EXAMPLES = {
    "confirmed": OpenApiExample("Confirmed, with a ticket", value=CONFIRMED, response_only=True),
    "waitlisted": OpenApiExample("Waitlisted", value=WAITLISTED, response_only=True),
    "cancelled": OpenApiExample("Cancelled", value=CANCELLED, response_only=True),
    "pending": OpenApiExample("Awaiting an organizer's decision", value=PENDING, response_only=True),
    "approved": OpenApiExample("Approved", value=APPROVED, response_only=True),
    "rejected": OpenApiExample("Rejected, with the reason", value=REJECTED, response_only=True),
}


class RegistrationFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", "Upcoming (not over yet)"), ("past", "Past")], method="filter_when", label="When"
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)

    class Meta:
        model = Registration
        fields = ["status"]

    def filter_when(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        if value == "past":
            return queryset.filter(page__event_record__ends_at__lt=now)
        return queryset.filter(page__event_record__ends_at__gte=now)


class MineMixin:
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = RegistrationSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return selectors.registrations_of(self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="My registrations, soonest event first",
        examples=[REGISTRATION_EXAMPLES["confirmed"]],
        tags=["registrations"],
    )
)
class MyRegistrations(MineMixin, generics.ListAPIView):
    filterset_class = RegistrationFilter


@extend_schema_view(
    get=extend_schema(
        summary="One of my registrations, with its waitlist position",
        examples=[REGISTRATION_EXAMPLES["confirmed"], REGISTRATION_EXAMPLES["waitlisted"]],
        tags=["registrations"],
    )
)
class MyRegistration(MineMixin, generics.RetrieveAPIView):
    pass


class CancelRegistration(MineMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Cancel one of my registrations (a held seat goes to the waitlist)",
        request=None,
        responses=RegistrationSerializer,
        examples=[REGISTRATION_EXAMPLES["cancelled"]],
        tags=["registrations"],
    )
    def post(self, request: Request, code: str) -> Response:
        registration = service.registration_cancel(registration=self.get_object(), actor=request.user)
        return Response(self.get_serializer(registration).data)


class WaitlistPositionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    waitlist_position = serializers.IntegerField(allow_null=True)


class WaitlistPosition(MineMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Where I am on the waitlist",
        responses=WaitlistPositionSerializer,
        examples=[
            OpenApiExample("Third in line", value={"status": "waitlisted", "waitlist_position": 3}),
            OpenApiExample("Not waitlisted", value={"status": "confirmed", "waitlist_position": None}),
        ],
        tags=["registrations"],
    )
    def get(self, request: Request, code: str) -> Response:
        registration = self.get_object()
        data = {"status": registration.status, "waitlist_position": selectors.waitlist_position(registration)}
        return Response(WaitlistPositionSerializer(data).data)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": "An event's page id."})
class PageIdFilter(django_filters.NumberFilter):
    """A whole-number page id: `1.5` is refused with a 400, not rounded to another event."""

    field_class = forms.IntegerField


class DecidableFilter(django_filters.FilterSet):
    event = PageIdFilter(field_name="page_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Registration
        fields = ["event"]


class RegistrationsToDecide(generics.ListAPIView):
    """What waits for the caller's decision: the same list as the approval inbox's registrations."""

    permission_classes = [IsVerifiedStaff]
    serializer_class = RegistrationSerializer
    filterset_class = DecidableFilter
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        decidable = selectors.registrations_decidable_by(self.request.user)
        return decidable.select_related("page", "page__event_record").order_by("created_at", "pk")

    @extend_schema(
        summary="Pending registrations I may decide (my organizations' events; every event for staff admins)",
        examples=[REGISTRATION_EXAMPLES["pending"]],
        tags=["registrations"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class RegistrationDecisionSerializer(serializers.Serializer):
    approve = StrictBooleanField(help_text="True confirms the seat; false rejects the registration.")
    reason = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when rejecting (409 without it): the person sees it in their email.",
    )


class DecideRegistration(generics.GenericAPIView):
    permission_classes = [IsVerifiedStaff]
    serializer_class = RegistrationDecisionSerializer

    @extend_schema(
        summary="Approve or reject a pending registration (the person is emailed the outcome)",
        description=(
            "For organizers of the event's organization and staff admins; anyone else's registrations are a 404, "
            "deciding one's own a 403. A registration that is no longer pending, or a rejection without a reason, "
            "is a 409."
        ),
        responses=RegistrationSerializer,
        examples=[
            OpenApiExample("Approve", value={"approve": True}, request_only=True),
            OpenApiExample(
                "Reject with a reason",
                value={
                    "approve": False,
                    "reason": "This clinic is for registered student startups; apply to the incubator first.",
                },
                request_only=True,
            ),
            REGISTRATION_EXAMPLES["approved"],
            REGISTRATION_EXAMPLES["rejected"],
        ],
        tags=["registrations"],
    )
    def post(self, request: Request, code: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        in_scope = selectors.scope_to_organizations(
            Registration.objects.select_related("page", "page__event_record"),
            request.user,
            "page__event_record__organization",
        )
        registration = get_object_or_404(in_scope, code=code)
        registration = service.registration_decide(
            registration=registration, actor=request.user, **serializer.validated_data
        )
        return Response(RegistrationSerializer(registration).data)
