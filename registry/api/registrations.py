"""A person's own registrations: upcoming and past, one with its waitlist position, cancel.

Registering is on the event (`/api/v1/events/{id}/register`, in cms.api): the event page type lives there.
"""

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import Registration, RegistrationStatus
from ..services import registrations as service
from ..services.attendance import checkin_token
from .common import SecondFactorIfStaff


class EventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="page_id")
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_cancelled = serializers.BooleanField()


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    waitlist_position = serializers.SerializerMethodField(
        help_text="1 for the next person to be offered a seat; null unless waitlisted."
    )
    checkin_token = serializers.SerializerMethodField(
        help_text="What the ticket's QR code holds (confirmed registrations only); scanners send it as `code`."
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
        ]
        read_only_fields = fields

    @extend_schema(responses=EventRefSerializer(allow_null=True))
    def get_event(self, registration: Registration) -> dict | None:
        record = getattr(registration.page, "event_record", None)
        return EventRefSerializer(record).data if record else None

    def get_waitlist_position(self, registration: Registration) -> int | None:
        return selectors.waitlist_position(registration)

    def get_checkin_token(self, registration: Registration) -> str | None:
        return checkin_token(registration) if registration.status == RegistrationStatus.CONFIRMED else None


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


@extend_schema_view(get=extend_schema(summary="My registrations, soonest event first", tags=["registrations"]))
class MyRegistrations(MineMixin, generics.ListAPIView):
    filterset_class = RegistrationFilter


@extend_schema_view(
    get=extend_schema(summary="One of my registrations, with its waitlist position", tags=["registrations"])
)
class MyRegistration(MineMixin, generics.RetrieveAPIView):
    pass


class CancelRegistration(MineMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Cancel one of my registrations (a held seat goes to the waitlist)",
        request=None,
        responses=RegistrationSerializer,
        tags=["registrations"],
    )
    def post(self, request: Request, code: str) -> Response:
        registration = service.registration_cancel(registration=self.get_object())
        return Response(self.get_serializer(registration).data)


class WaitlistPositionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    waitlist_position = serializers.IntegerField(allow_null=True)


class WaitlistPosition(MineMixin, generics.GenericAPIView):
    @extend_schema(summary="Where I am on the waitlist", responses=WaitlistPositionSerializer, tags=["registrations"])
    def get(self, request: Request, code: str) -> Response:
        registration = self.get_object()
        data = {"status": registration.status, "waitlist_position": selectors.waitlist_position(registration)}
        return Response(WaitlistPositionSerializer(data).data)
