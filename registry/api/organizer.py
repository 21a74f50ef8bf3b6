"""Organizers running their own events: the events of their organizations (every event for staff admins) with
registration, approval and check-in figures — the back office's "My events" page, as JSON."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import EventRecord
from ..selectors.organizer import UPCOMING, WHEN_CHOICES
from .common import SecondFactorIfStaff


class OrganizerEventQuerySerializer(serializers.Serializer):
    """The query string's shape: an unknown `when` or an over-long search is a 400."""

    when = serializers.ChoiceField(choices=WHEN_CHOICES, required=False, default=UPCOMING)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class EventOrganizationSerializer(serializers.Serializer):
    """The organization running the event (the public events API shows the same two fields)."""

    slug = serializers.SlugField()
    name = serializers.CharField()


class OrganizerEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="page_id", help_text="The event's page id (as in /api/v1/events/{id}).")
    title = serializers.CharField()
    organization = EventOrganizationSerializer(allow_null=True, help_text="Null: the event belongs to no organization.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=selectors.EventStatus.choices)
    status_display = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")
    registered = serializers.IntegerField(
        help_text="Every active registration: confirmed, waitlisted, awaiting email confirmation or approval."
    )
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    pending = serializers.IntegerField(help_text="Awaiting an organizer's approval.")
    checked_in = serializers.IntegerField(help_text="Registrations checked in at least once (event or a session).")
    seats_left = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")

    def get_status_display(self, event: EventRecord) -> str:
        return selectors.EventStatus(event.status).label


HACK_NIGHT = {
    "id": 42,
    "title": "Hack Night",
    "organization": {"slug": "coding-club", "name": "Coding Club"},
    "starts_at": "2027-01-15T18:00:00+05:30",
    "ends_at": "2027-01-15T21:00:00+05:30",
    "status": "scheduled",
    "status_display": "Scheduled",
    "capacity": 60,
    "registered": 64,
    "confirmed": 52,
    "waitlisted": 6,
    "pending": 4,
    "checked_in": 0,
    "seats_left": 2,
}


class OrganizerEvents(generics.ListAPIView):
    """Signed-in people only; someone who organizes nothing gets an empty list, not a refusal."""

    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = OrganizerEventSerializer
    filter_backends = []  # `when` and `q` are the selector's; the order is the selector's too

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return EventRecord.objects.none()
        query = OrganizerEventQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.organizer_events(user=self.request.user, **query.validated_data)

    @extend_schema(
        summary="My organizations' events with registration, approval and check-in figures",
        description=(
            "One row per event of the organizations you organize or head (every event for staff admins). "
            "By default upcoming and happening-now events, soonest first; `when=past` lists events that ended or "
            "were cancelled, latest first. Someone who organizes nothing gets an empty list."
        ),
        parameters=[
            OpenApiParameter(
                "when",
                str,
                enum=[value for value, _ in WHEN_CHOICES],
                description="`upcoming` (default): not over and not cancelled; `past`: over or cancelled.",
            ),
            OpenApiParameter("q", str, description="Search in the event's title (up to 200 characters)."),
        ],
        examples=[OpenApiExample("An upcoming event with a waitlist", value=HACK_NIGHT, response_only=True)],
        tags=["organizer"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
