"""Halls and bookings over JSON: find a free hall, ask for it, follow requests, decide for those allowed.

Every write is one call to approvals.services (which holds the rules: who may
request for which organization, who decides for which hall, no overlaps).
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from registry.api.common import IsVerifiedStaff, SecondFactorIfStaff
from registry.models import Organization, Venue

from . import selectors, services
from .models import BookingStatus, HallBooking


class HallSerializer(serializers.ModelSerializer):
    facilities = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    managed_by = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Venue
        fields = ["id", "code", "name", "capacity", "building", "floor", "location", "facilities", "managed_by"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    attendees = serializers.IntegerField(min_value=1, max_value=100_000, default=1)

    def validate(self, attrs: dict) -> dict:
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["Must be after starts_at."]})
        return attrs


@extend_schema_view(get=extend_schema(summary="Active halls", tags=["halls and bookings"]))
class Halls(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = HallSerializer
    search_fields = ["name", "code", "building"]
    ordering_fields = ["name", "capacity"]

    def get_queryset(self) -> QuerySet:
        return Venue.objects.filter(is_active=True).select_related("managed_by").prefetch_related("facilities")


class HallsAvailable(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    queryset = Venue.objects.none()
    pagination_class = None
    filter_backends = []
    serializer_class = HallSerializer

    @extend_schema(
        summary="Halls free for a time range, big enough for the attendees, smallest first",
        parameters=[
            OpenApiParameter("starts_at", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("ends_at", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("attendees", {"type": "integer", "minimum": 1, "maximum": 100_000}, required=False),
        ],
        responses=HallSerializer(many=True),
        tags=["halls and bookings"],
    )
    def get(self, request: Request) -> Response:
        query = AvailabilitySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        halls = selectors.halls_available(**query.validated_data).select_related("managed_by")
        return Response(HallSerializer(halls, many=True).data)


class BookingSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organization.objects.filter(is_active=True), allow_null=True, required=False
    )
    primary_venue = serializers.SlugRelatedField(slug_field="code", queryset=Venue.objects.all())
    secondary_venue = serializers.SlugRelatedField(
        slug_field="code", queryset=Venue.objects.all(), allow_null=True, required=False
    )
    venue = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requester = serializers.EmailField(source="requester.email", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    attendees = serializers.IntegerField(min_value=1, max_value=100_000)

    class Meta:
        model = HallBooking
        fields = [
            "id",
            "title",
            "description",
            "organization",
            "primary_venue",
            "secondary_venue",
            "venue",
            "starts_at",
            "ends_at",
            "attendees",
            "status",
            "status_display",
            "queue_note",
            "reason",
            "requester",
            "decided_at",
            "created_at",
        ]
        read_only_fields = ["id", "venue", "status", "queue_note", "reason", "decided_at", "created_at"]


class BookingFilterMixin:
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = BookingSerializer
    filterset_fields = ["status"]
    ordering_fields = ["starts_at", "created_at"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return HallBooking.objects.none()
        return selectors.bookings_visible_to(self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="Bookings I can see (my organizations', my halls', my requests)", tags=["halls and bookings"]
    ),
    post=extend_schema(
        summary="Request a hall (approved at once when the first or second choice is free, else queued)",
        responses={201: BookingSerializer},
        tags=["halls and bookings"],
    ),
)
class Bookings(BookingFilterMixin, generics.ListCreateAPIView):
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        booking = services.booking_request(requester=request.user, organization=data.pop("organization", None), **data)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(summary="One booking", tags=["halls and bookings"]))
class BookingDetail(BookingFilterMixin, generics.RetrieveAPIView):
    pass


@extend_schema_view(get=extend_schema(summary="Requests waiting for my decision", tags=["halls and bookings"]))
class BookingsWaiting(BookingFilterMixin, generics.ListAPIView):
    permission_classes = [IsVerifiedStaff]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return HallBooking.objects.none()
        return selectors.bookings_waiting_for(self.request.user)


class ApproveSerializer(serializers.Serializer):
    venue = serializers.SlugRelatedField(
        slug_field="code", queryset=Venue.objects.all(), required=False, allow_null=True, help_text="Another hall."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionMixin(BookingFilterMixin):
    permission_classes = [IsVerifiedStaff]

    def booking_to_decide(self) -> HallBooking:
        booking = self.get_object()
        waiting = selectors.bookings_waiting_for(self.request.user).filter(pk=booking.pk).exists()
        if booking.status == BookingStatus.REQUESTED and not waiting:
            raise PermissionDenied("You cannot decide on this request.")
        return booking


class ApproveBooking(DecisionMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Approve a waiting request",
        request=ApproveSerializer,
        responses=BookingSerializer,
        tags=["halls and bookings"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = services.booking_approve(
            booking=self.booking_to_decide(), actor=request.user, venue=body.validated_data.get("venue")
        )
        return Response(BookingSerializer(booking).data)


class RejectBooking(DecisionMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Reject a waiting request (a reason is required)",
        request=ReasonSerializer,
        responses=BookingSerializer,
        tags=["halls and bookings"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = services.booking_reject(
            booking=self.booking_to_decide(), actor=request.user, reason=body.validated_data["reason"]
        )
        return Response(BookingSerializer(booking).data)


class CancelBooking(BookingFilterMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Cancel a waiting or approved booking",
        request=ReasonSerializer,
        responses=BookingSerializer,
        tags=["halls and bookings"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        booking = services.booking_cancel(booking=booking, actor=request.user, reason=body.validated_data["reason"])
        return Response(BookingSerializer(booking).data)
