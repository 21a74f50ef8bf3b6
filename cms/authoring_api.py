"""Organizers write their events through the API: the same page revisions, workflow and rules as the editor.

`POST /api/v1/events` creates, `PATCH /api/v1/events/{id}` changes, `DELETE` deletes and
`POST /api/v1/events/{id}/duplicate` copies; each calls one `cms.services` function, which asks Wagtail's page
permissions and registry's organization rule. Reads stay public (`cms.api`).
"""

from contextlib import contextmanager
from datetime import timedelta

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from registry.api.common import IsVerifiedStaff, StrictCharField
from registry.models import Organization, Venue

from . import api as public_api
from . import services
from .models import EventKind, EventPage, Language


@contextmanager
def field_errors():
    """An event that breaks its own rules is a 400 with the fields named, like any other invalid input."""
    try:
        yield
    except services.EventInvalid as invalid:
        raise ValidationError(invalid.errors) from invalid


class WritesNeedVerifiedOrganizers(IsVerifiedStaff):
    """Writing needs an organizer or editor who passed the second factor (the page rules decide which events); a
    method the view lacks is a 405 for everyone, not a question of who asks."""

    def has_permission(self, request: Request, view) -> bool:
        return not hasattr(view, request.method.lower()) or super().has_permission(request, view)


class PublicReads:
    """Reading stays open to everyone (and the schema says so); writing needs `WritesNeedVerifiedOrganizers`."""

    def get_permissions(self):
        request = getattr(self, "request", None)
        if request is None or request.method in SAFE_METHODS:
            return [AllowAny()]
        return [WritesNeedVerifiedOrganizers()]


class SessionWriteSerializer(serializers.Serializer):
    title = StrictCharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    description = StrictCharField(required=False, allow_blank=True, default="")


class EventWriteSerializer(serializers.Serializer):
    title = StrictCharField(max_length=255)
    summary = StrictCharField(max_length=300)
    kind = serializers.ChoiceField(choices=EventKind.choices, default=EventKind.EVENT)
    language = serializers.ChoiceField(choices=Language.choices, default=Language.ENGLISH)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    organization = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="The organization's slug; its section is where the event lives. Only staff admins and moderators "
        "may leave it empty. Fixed once created.",
    )
    venue = serializers.SlugRelatedField(
        slug_field="code", queryset=Venue.objects.all(), allow_null=True, required=False, help_text="A hall's code."
    )
    online_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=0, max_value=1_000_000, allow_null=True, required=False)
    registration_opens_at = serializers.DateTimeField(allow_null=True, required=False)
    registration_closes_at = serializers.DateTimeField(allow_null=True, required=False)
    waitlist_enabled = serializers.BooleanField(required=False)
    requires_approval = serializers.BooleanField(required=False)
    sessions = SessionWriteSerializer(many=True, required=False)
    publication = serializers.ChoiceField(
        choices=[choice.value for choice in services.Publication],
        default=services.Publication.DRAFT,
        help_text="`draft` saves a revision; `submit` sends it to its organization's reviewers; `publish` puts it "
        "live (only for organizations that publish without review, and for moderators).",
    )

    def page_fields(self) -> dict:
        skip = {"organization", "sessions", "publication"}
        fields = {name: value for name, value in self.validated_data.items() if name not in skip}
        if "online_url" in fields and fields["online_url"] is None:
            fields["online_url"] = ""
        return fields

    def session_inputs(self) -> list[services.SessionInput] | None:
        if "sessions" not in self.validated_data:
            return None
        return [services.SessionInput(**session) for session in self.validated_data["sessions"]]


class EventUpdateSerializer(EventWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        self.fields.pop("organization")


class DuplicateSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=-3650, max_value=3650, help_text="Move every date by this many days (7: a week later)."
    )
    title = StrictCharField(max_length=255, required=False, allow_blank=True, default="")


class EventDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    live = serializers.BooleanField(help_text="Published.")
    in_review = serializers.BooleanField(help_text="Waiting for the organization's reviewers.")
    organization = serializers.CharField(allow_null=True, help_text="The organization's slug.")
    url = serializers.CharField(allow_null=True, help_text="Its public address once published.")
    edit_url = serializers.CharField(help_text="Where to open it in the page editor.")


def _draft_data(page: EventPage, request: Request) -> dict:
    latest = page.get_latest_revision_as_object()
    organization = Organization.objects.filter(pk=page.organization_id).values_list("slug", flat=True).first()
    return {
        "id": page.pk,
        "title": latest.title,
        "slug": page.slug,
        "live": page.live,
        "in_review": page.workflow_in_progress,
        "organization": organization,
        "url": page.get_full_url(request=request) if page.live else None,
        "edit_url": request.build_absolute_uri(f"/admin/pages/{page.pk}/edit/"),
    }


DRAFT = {
    "id": 42,
    "title": "Git basics",
    "slug": "git-basics",
    "live": False,
    "in_review": True,
    "organization": "coding-club",
    "url": None,
    "edit_url": "https://convene.example.org/admin/pages/42/edit/",
}
NEW_EVENT = {
    "title": "Git basics",
    "summary": "Branches, merges and pull requests in one evening.",
    "kind": "workshop",
    "starts_at": "2027-01-15T17:00:00+05:30",
    "ends_at": "2027-01-15T20:00:00+05:30",
    "organization": "coding-club",
    "venue": "LH-101",
    "capacity": 60,
    "sessions": [
        {"title": "Branches", "starts_at": "2027-01-15T17:00:00+05:30", "ends_at": "2027-01-15T18:30:00+05:30"},
        {"title": "Pull requests", "starts_at": "2027-01-15T18:30:00+05:30", "ends_at": "2027-01-15T20:00:00+05:30"},
    ],
    "publication": "submit",
}


class Events(PublicReads, public_api.Events):
    def get_serializer_class(self):
        return EventWriteSerializer if self.request.method == "POST" else super().get_serializer_class()

    @extend_schema(
        summary="Create an event in your organization's section",
        description=(
            "Saves a page revision as the page editor does: a draft, submitted to the organization's reviewers, or "
            "published when the organization publishes without review. 403 for an organization you do not "
            "organize (or none, unless you are a staff admin or moderator)."
        ),
        request=EventWriteSerializer,
        responses={201: EventDraftSerializer},
        examples=[
            OpenApiExample("A workshop with two sessions, sent for review", value=NEW_EVENT, request_only=True),
            OpenApiExample("Created", value=DRAFT, response_only=True, status_codes=["201"]),
        ],
        tags=["events"],
    )
    def post(self, request: Request) -> Response:
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            page = services.event_page_create(
                actor=request.user,
                organization=serializer.validated_data.get("organization"),
                fields=serializer.page_fields(),
                sessions=serializer.session_inputs(),
                publication=serializer.validated_data["publication"],
            )
        return Response(_draft_data(page, request), status=status.HTTP_201_CREATED)


def _any_event(page_id: int) -> EventPage:
    return get_object_or_404(EventPage.objects.all(), pk=page_id)


class EventDetail(PublicReads, public_api.EventDetail):
    def get_serializer_class(self):
        return EventUpdateSerializer if self.request.method == "PATCH" else super().get_serializer_class()

    @extend_schema(
        summary="Change an event (a new revision)",
        description=(
            "Only the fields sent change; `sessions`, when sent, replaces them all. The organization stays. "
            "Registrants are told of a new time, place or link when the change is published."
        ),
        request=EventUpdateSerializer,
        responses={200: EventDraftSerializer},
        examples=[
            OpenApiExample(
                "Half an hour later, published",
                value={
                    "starts_at": "2027-01-15T17:30:00+05:30",
                    "ends_at": "2027-01-15T20:30:00+05:30",
                    "sessions": [],
                    "publication": "publish",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Changed and published",
                value={
                    **DRAFT,
                    "live": True,
                    "in_review": False,
                    "url": "https://convene.example.org/events/coding-club/git-basics/",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
        tags=["events"],
    )
    def patch(self, request: Request, page_id: int) -> Response:
        page = _any_event(page_id)
        serializer = EventUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            page = services.event_page_update(
                actor=request.user,
                page=page,
                fields=serializer.page_fields(),
                sessions=serializer.session_inputs(),
                publication=serializer.validated_data.get("publication", services.Publication.DRAFT),
            )
        return Response(_draft_data(page, request))

    @extend_schema(
        summary="Delete an event",
        description="409 when people are registered or waiting: cancel it instead, so they are told.",
        responses={204: None},
        tags=["events"],
    )
    def delete(self, request: Request, page_id: int) -> Response:
        services.event_page_delete(actor=request.user, page=_any_event(page_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DuplicateEvent(generics.GenericAPIView):
    permission_classes = [IsVerifiedStaff]
    serializer_class = DuplicateSerializer

    @extend_schema(
        summary="Duplicate an event as a draft, its dates moved",
        description=(
            "A draft in the same organization's section with its sessions and questions, every date moved by "
            "`days`; no registrations, bookings or cancellation come along."
        ),
        request=DuplicateSerializer,
        responses={201: EventDraftSerializer},
        examples=[
            OpenApiExample("A week later", value={"days": 7}, request_only=True),
            OpenApiExample(
                "The draft copy",
                value={**DRAFT, "id": 43, "slug": "git-basics-copy", "in_review": False},
                response_only=True,
                status_codes=["201"],
            ),
        ],
        tags=["events"],
    )
    def post(self, request: Request, page_id: int) -> Response:
        serializer = DuplicateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with field_errors():
            copy = services.event_page_duplicate(
                actor=request.user,
                page=_any_event(page_id),
                offset=timedelta(days=serializer.validated_data["days"]),
                title=serializer.validated_data["title"],
            )
        return Response(_draft_data(copy, request), status=status.HTTP_201_CREATED)
