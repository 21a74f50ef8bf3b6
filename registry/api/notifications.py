"""A person's in-app notifications (every kind of message), list them, mark one or all read."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ..models import Message
from ..services import messages as service
from .common import SecondFactorIfStaff


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="subject")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Message
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(
        choices=[("true", "Only unread"), ("false", "Only read")], method="filter_unread", label="Read or unread"
    )

    class Meta:
        model = Message
        fields = ["unread", "kind"]

    def filter_unread(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(read_at__isnull=value == "true")


class MineMixin:
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return Message.objects.filter(recipient=self.request.user, channel=Message.Channel.IN_APP)


UNREAD = {
    "id": 314,
    "kind": "booking_decided",
    "kind_display": "Decisions on your hall requests",
    "title": "Hall request not approved: Convocation rehearsal",
    "body": "The auditorium is taken by the alumni meet; try the open-air theatre.",
    "url": "/bookings/",
    "created_at": "2027-01-02T10:15:00+05:30",
    "read_at": None,
}
READ = {**UNREAD, "read_at": "2027-01-02T11:40:00+05:30"}


@extend_schema_view(
    get=extend_schema(
        summary="My notifications, newest first",
        examples=[OpenApiExample("An unread notification", value=UNREAD)],
        tags=["notifications"],
    )
)
class Notifications(MineMixin, generics.ListAPIView):
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]


class MarkRead(MineMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Mark one notification read",
        request=None,
        examples=[OpenApiExample("Read now", value=READ)],
        tags=["notifications"],
    )
    def post(self, request: Request, pk: int) -> Response:
        notification = service.message_mark_read(message=self.get_object(), actor=request.user)
        return Response(self.get_serializer(notification).data)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class MarkAllRead(MineMixin, generics.GenericAPIView):
    @extend_schema(
        summary="Mark all my notifications read",
        request=None,
        responses=MarkedSerializer,
        examples=[OpenApiExample("Seven were unread", value={"marked": 7})],
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": service.messages_mark_all_read(actor=request.user)})
