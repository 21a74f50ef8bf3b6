"""Halls and bookings over JSON: find a free hall, ask for it, follow requests, decide for those allowed.

Every write is one call to approvals.services (which holds the rules: who may
request for which organization, who decides for which hall, no overlaps).
"""

from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from registry.api.common import CodeRelatedField, IsVerifiedStaff, SecondFactorIfStaff, StrictCharField
from registry.models import Organization, Venue

from . import selectors, services
from .models import BookingStatus, HallBooking

SEMINAR_HALL = {
    "id": 2,
    "code": "seminar-hall-1",
    "name": "Seminar Hall 1",
    "capacity": 150,
    "building": "CS Block",
    "floor": "First",
    "location": "CS Block, first floor east wing",
    "facilities": ["Air conditioning", "Projector", "Sound system", "Wheelchair access"],
    "managed_by": "department-of-computer-science",
}
HALL_EXAMPLE = OpenApiExample("Seminar Hall 1", value=SEMINAR_HALL)
BOOKING_REQUEST = {
    "title": "Hack night",
    "description": "Needs the projector and extension boards for 80 laptops.",
    "organization": "coding-club",
    "primary_venue": "seminar-hall-1",
    "secondary_venue": "lab-101",
    "starts_at": "2027-01-11T18:00:00+05:30",
    "ends_at": "2027-01-11T21:00:00+05:30",
    "attendees": 80,
}
APPROVED = {
    **BOOKING_REQUEST,
    "id": 31,
    "venue": "seminar-hall-1",
    "status": "approved",
    "status_display": "Approved",
    "queue_note": "",
    "reason": "Seminar Hall 1 was free, so the booking was approved automatically.",
    "requester": "organizer@convene.local",
    "decided_at": "2027-01-04T10:00:00+05:30",
    "created_at": "2027-01-04T10:00:00+05:30",
}
WAITING = {
    **APPROVED,
    "id": 32,
    "title": "CPD workshop: data literacy",
    "description": "",
    "organization": "centre-for-continuing-education",
    "secondary_venue": None,
    "starts_at": "2027-01-11T19:00:00+05:30",
    "ends_at": "2027-01-11T22:00:00+05:30",
    "attendees": 90,
    "status": "requested",
    "status_display": "Waiting for a decision",
    "queue_note": (
        "Waiting for a hall admin: Seminar Hall 1 is already booked from Mon 11 Jan 2027, 18:00 "
        "to Mon 11 Jan 2027, 21:00 (booking #31)."
    ),
    "reason": "",
    "requester": "organizer.cce@convene.local",
    "decided_at": None,
}
APPROVED_ELSEWHERE = {
    **WAITING,
    "venue": "seminar-hall-2",
    "status": "approved",
    "status_display": "Approved",
    "decided_at": "2027-01-05T09:30:00+05:30",
}
REJECTED = {
    **WAITING,
    "status": "rejected",
    "status_display": "Rejected",
    "reason": "Seminar Hall 1 is taken by the hack night; try Seminar Hall 2.",
    "decided_at": "2027-01-05T09:30:00+05:30",
}
CANCELLED = {
    **APPROVED,
    "status": "cancelled",
    "status_display": "Cancelled",
    "reason": "Moved online.",
    "decided_at": "2027-01-08T17:45:00+05:30",
}


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


@extend_schema_view(get=extend_schema(summary="Active halls", examples=[HALL_EXAMPLE], tags=["halls and bookings"]))
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
        description="An `ends_at` that is not after `starts_at` is a 400.",
        parameters=[
            OpenApiParameter("starts_at", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("ends_at", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("attendees", {"type": "integer", "minimum": 1, "maximum": 100_000}, required=False),
        ],
        responses=HallSerializer(many=True),
        examples=[HALL_EXAMPLE],
        tags=["halls and bookings"],
    )
    def get(self, request: Request) -> Response:
        query = AvailabilitySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        halls = selectors.halls_available(**query.validated_data).select_related("managed_by")
        return Response(HallSerializer(halls, many=True).data)


class BookingSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
    organization = CodeRelatedField(
        slug_field="slug", queryset=Organization.objects.filter(is_active=True), allow_null=True, required=False
    )
    primary_venue = CodeRelatedField(slug_field="code", queryset=Venue.objects.all())
    secondary_venue = CodeRelatedField(slug_field="code", queryset=Venue.objects.all(), allow_null=True, required=False)
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
        summary="Bookings I can see (my organizations', my halls', my requests)",
        examples=[OpenApiExample("An approved booking", value=APPROVED)],
        tags=["halls and bookings"],
    ),
    post=extend_schema(
        summary="Request a hall (approved at once when the first or second choice is free, else queued)",
        description=(
            "Halls and the organization are named by code and slug; one that does not exist, or an end that is "
            "not after the start, is a 400. Overlaps with approved bookings queue the request for a hall admin."
        ),
        responses={201: BookingSerializer},
        examples=[
            OpenApiExample("First choice and a fallback", value=BOOKING_REQUEST, request_only=True),
            OpenApiExample("Approved at once", value=APPROVED, response_only=True),
            OpenApiExample("Queued behind a clash", value=WAITING, response_only=True),
        ],
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


@extend_schema_view(
    get=extend_schema(
        summary="One booking",
        examples=[OpenApiExample("Waiting for a decision", value=WAITING)],
        tags=["halls and bookings"],
    )
)
class BookingDetail(BookingFilterMixin, generics.RetrieveAPIView):
    pass


@extend_schema_view(
    get=extend_schema(
        summary="Requests waiting for my decision",
        examples=[OpenApiExample("Queued behind a clash", value=WAITING)],
        tags=["halls and bookings"],
    )
)
class BookingsWaiting(BookingFilterMixin, generics.ListAPIView):
    permission_classes = [IsVerifiedStaff]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return HallBooking.objects.none()
        return selectors.bookings_waiting_for(self.request.user)


class ApproveSerializer(serializers.Serializer):
    venue = CodeRelatedField(
        slug_field="code", queryset=Venue.objects.all(), required=False, allow_null=True, help_text="Another hall."
    )


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


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
        description="Optionally in another hall (`venue`, a hall code); a hall that does not exist is a 400.",
        request=ApproveSerializer,
        responses=BookingSerializer,
        examples=[
            OpenApiExample("In the requested hall", value={}, request_only=True),
            OpenApiExample("In another hall", value={"venue": "seminar-hall-2"}, request_only=True),
            OpenApiExample("Approved in another hall", value=APPROVED_ELSEWHERE, response_only=True),
        ],
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
        examples=[
            OpenApiExample(
                "With a reason",
                value={"reason": "Seminar Hall 1 is taken by the hack night; try Seminar Hall 2."},
                request_only=True,
            ),
            OpenApiExample("Rejected", value=REJECTED, response_only=True),
        ],
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
        examples=[
            OpenApiExample("With a reason", value={"reason": "Moved online."}, request_only=True),
            OpenApiExample("Cancelled", value=CANCELLED, response_only=True),
        ],
        tags=["halls and bookings"],
    )
    def post(self, request: Request, pk: int) -> Response:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = get_object_or_404(self.get_queryset(), pk=pk)
        booking = services.booking_cancel(booking=booking, actor=request.user, reason=body.validated_data["reason"])
        return Response(BookingSerializer(booking).data)
