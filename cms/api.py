"""The public site over JSON: events with the listing's filters, one event in full, speakers, partners, registering.

Reads go through cms.selectors (the listing's `events_matching`, validated by
the listing's own `EventFilterForm`), so the API filters exactly as /events/ does.
Registering calls registry's `registration_submit`, as the event page's form does.
"""

import re

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, Throttled, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from registry import selectors as registry_selectors
from registry.api.common import IsVerifiedStaff, StrictBooleanField, StrictCharField
from registry.api.registrations import REGISTRATION_EXAMPLES, RegistrationSerializer
from registry.forms import json_safe_answers
from registry.models import AttendanceMode
from registry.security import client_address
from registry.services import registrations as registration_service
from registry.services.events import event_cancel

from . import selectors
from .forms import EventFilterForm, When
from .models import EventKind, EventPage, EventSession, Language, Partner, Speaker
from .models.pages import EventStatus


class SpeakerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["name", "slug"]


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["name", "slug", "title", "organization", "bio"]


class PartnerSerializer(serializers.ModelSerializer):
    tier_display = serializers.CharField(source="get_tier_display")

    class Meta:
        model = Partner
        fields = ["name", "slug", "tier", "tier_display", "website", "description"]


class NamedRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class VenueRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    building = serializers.CharField()
    location = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=EventStatus.choices)
    is_cancelled = serializers.BooleanField(read_only=True)
    organization = NamedRefSerializer(allow_null=True)
    venue = VenueRefSerializer(allow_null=True)
    credit_category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    attendance_mode = serializers.ChoiceField(choices=AttendanceMode.choices)
    seats_left = serializers.IntegerField(allow_null=True, help_text="Null when the event has no seat limit.")
    speakers = SpeakerRefSerializer(many=True, source="public_speakers")

    class Meta:
        model = EventPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "summary",
            "kind",
            "language",
            "starts_at",
            "ends_at",
            "status",
            "is_cancelled",
            "organization",
            "venue",
            "attendance_mode",
            "capacity",
            "seats_left",
            "waitlist_enabled",
            "requires_approval",
            "credit_category",
            "credit_points",
            "speakers",
        ]
        read_only_fields = fields

    def get_url(self, page: EventPage) -> str | None:
        return page.get_full_url(request=self.context.get("request"))


class SessionSerializer(serializers.ModelSerializer):
    room = VenueRefSerializer(allow_null=True)
    speakers = SpeakerRefSerializer(many=True, source="public_speakers")

    class Meta:
        model = EventSession
        fields = ["id", "title", "description", "starts_at", "ends_at", "room", "speakers"]
        read_only_fields = fields


class QuestionSerializer(serializers.Serializer):
    name = serializers.CharField(source="clean_name", help_text="The key to use in `answers`.")
    label = serializers.CharField()
    field_type = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.CharField(help_text="Comma or newline separated, for choice fields.")
    help_text = serializers.CharField()


class RegistrationInfoSerializer(serializers.Serializer):
    open = serializers.BooleanField()
    closed_reason = serializers.CharField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    questions = QuestionSerializer(many=True)


class EventDetailSerializer(EventSerializer):
    sessions = serializers.SerializerMethodField()
    partners = serializers.SerializerMethodField()
    registration = serializers.SerializerMethodField()

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "sessions", "partners", "registration"]
        read_only_fields = fields

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, page: EventPage) -> list:
        return SessionSerializer(self.context["detail"]["sessions"], many=True).data

    @extend_schema_field(PartnerSerializer(many=True))
    def get_partners(self, page: EventPage) -> list:
        return PartnerSerializer(self.context["detail"]["partners"], many=True).data

    @extend_schema_field(RegistrationInfoSerializer)
    def get_registration(self, page: EventPage) -> dict:
        closed = registry_selectors.registration_closed_reason(page)
        info = {
            "open": closed is None,
            "closed_reason": closed,
            "opens_at": page.registration_opens_at,
            "closes_at": page.registration_closes_at or page.starts_at,
            "questions": list(page.registration_questions.all()),
        }
        return RegistrationInfoSerializer(info).data


SEMINAR_HALL = {
    "code": "seminar-hall-1",
    "name": "Seminar Hall 1",
    "building": "CS Block",
    "location": "CS Block, first floor east wing",
}
SPEAKER = {
    "name": "Divya Shetty",
    "slug": "divya-shetty",
    "title": "Security Researcher",
    "organization": "Vertex Labs",
    "bio": "<p>Finds and fixes vulnerabilities in open-source software.</p>",
}
PARTNER = {
    "name": "Vertex Labs",
    "slug": "vertex-labs",
    "tier": 2,
    "tier_display": "Gold partner",
    "website": "https://example.org/vertex",
    "description": "Sponsors the annual hackathon.",
}
EVENT = {
    "id": 42,
    "title": "Hack Night",
    "slug": "hack-night-1",
    "url": "https://convene.local/events/hack-night-1/",
    "summary": "An evening of building, pizza and demos.",
    "kind": "event",
    "language": "en",
    "starts_at": "2027-01-15T18:00:00+05:30",
    "ends_at": "2027-01-15T21:00:00+05:30",
    "status": "scheduled",
    "is_cancelled": False,
    "organization": {"slug": "coding-club", "name": "Coding Club"},
    "venue": SEMINAR_HALL,
    "attendance_mode": "on_site",
    "capacity": 120,
    "seats_left": 34,
    "waitlist_enabled": True,
    "requires_approval": False,
    "credit_category": "technical",
    "credit_points": 5,
    "speakers": [{"name": "Divya Shetty", "slug": "divya-shetty"}],
}
EVENT_DETAIL = {
    **EVENT,
    "sessions": [
        {
            "id": 43,
            "title": "Kick-off and team formation",
            "description": "Pitch ideas, find teammates, claim a table.",
            "starts_at": "2027-01-15T18:00:00+05:30",
            "ends_at": "2027-01-15T18:45:00+05:30",
            "room": SEMINAR_HALL,
            "speakers": [{"name": "Divya Shetty", "slug": "divya-shetty"}],
        }
    ],
    "partners": [PARTNER],
    "registration": {
        "open": True,
        "closed_reason": None,
        "opens_at": None,
        "closes_at": "2027-01-15T18:00:00+05:30",
        "questions": [
            {
                "name": "t_shirt_size",
                "label": "T-shirt size",
                "field_type": "dropdown",
                "required": True,
                "choices": "S,M,L,XL",
                "help_text": "For the hackathon T-shirt.",
            }
        ],
    },
}


def _any_case(word: str) -> str:
    """A regular expression (ECMA as well as Python) for one word in any mix of upper and lower case."""
    return "".join(f"[{char.upper()}{char.lower()}]" if char.isalpha() else re.escape(char) for char in word)


LANGUAGE_PATTERN = "^(?:" + "|".join(_any_case(word) for pair in Language.choices for word in pair) + ")$"


class LanguageQueryField(serializers.CharField):
    """A language by its code or its English name, in any case; answers with the code."""

    default_error_messages = {
        "unknown": "Unknown language “{value}”. Use a code or a name: {known}.",
    }

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        code = Language.lookup(value)
        if code is None:
            known = ", ".join(f"{code} ({name})" for code, name in Language.choices)
            self.fail("unknown", value=value, known=known)
        return code


EVENT_FILTERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 200},
        description=(
            "Free text. Every word as a whole word in the title, summary, body, speakers or sessions, or, as people "
            "type, every word in the title, summary or a speaker's name with the last one as a prefix "
            "(`machin` finds “Machine learning”)."
        ),
    ),
    OpenApiParameter("starts_after", OpenApiTypes.DATE, description="Starting on or after this local day."),
    OpenApiParameter(
        "starts_before",
        OpenApiTypes.DATE,
        description="Starting on or before this local day.",
    ),
    OpenApiParameter("kind", str, enum=EventKind.values),
    OpenApiParameter("organization", str, description="Organization slug."),
    OpenApiParameter("venue", str, description="Venue code (the event's hall or a session's room)."),
    OpenApiParameter(
        "location",
        {"type": "string", "maxLength": 120},
        description=(
            "Text in the name, building, floor or address of the event's hall or a session's room; "
            "`online` also lists every event people can join online."
        ),
    ),
    OpenApiParameter("mode", str, enum=AttendanceMode.values, description="On site, online or hybrid."),
    OpenApiParameter(
        "language",
        {"type": "string", "pattern": LANGUAGE_PATTERN},
        description=(
            "A language by its code or its English name, in any case: "
            + ", ".join(f"`{code}` ({name})" for code, name in Language.choices)
            + ". Any other value is a 400."
        ),
        examples=[
            OpenApiExample("By code", value="en"),
            OpenApiExample("By name", value="English"),
        ],
    ),
    OpenApiParameter("credit_category", str, description="Credit category code."),
    OpenApiParameter("seats_left", bool, description="Only events that still take registrations for a seat."),
    OpenApiParameter("when", str, enum=[When.UPCOMING, When.PAST], description="Default: upcoming."),
]


class EventQuerySerializer(serializers.Serializer):
    """The typed filters' shape (an empty or malformed value is a 400); their meaning is the listing form's."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    starts_after = serializers.DateField(required=False)
    starts_before = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=EventKind.values, required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=120)
    mode = serializers.ChoiceField(choices=AttendanceMode.values, required=False)
    language = LanguageQueryField(required=False)
    seats_left = serializers.BooleanField(required=False)
    when = serializers.ChoiceField(choices=[When.UPCOMING, When.PAST], required=False)


class EventOrdering(OrderingFilter):
    ordering_fields = ["starts_at", "title", "seats_left"]


@extend_schema_view(
    get=extend_schema(
        summary="Events, with the public listing's filters",
        description="Upcoming (not over yet) soonest first by default; `when=past` lists past events, latest first.",
        parameters=EVENT_FILTERS,
        examples=[OpenApiExample("An upcoming event", value=EVENT)],
        tags=["events"],
    )
)
class Events(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = EventSerializer
    filter_backends = [EventOrdering]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return EventPage.objects.none()
        EventQuerySerializer(data=self.request.query_params.dict()).is_valid(raise_exception=True)
        form = EventFilterForm(self.request.query_params)
        if not form.is_valid():
            # Well-formed but unmatchable: an unknown organization, venue or category, or "to" before "from".
            return EventPage.objects.none()
        return selectors.for_cards(selectors.events_matching(**form.filters()))


def _public_event(page_id: int) -> EventPage:
    events = registry_selectors.with_seats_left(selectors.public_events()).select_related("organization", "venue")
    return get_object_or_404(events.prefetch_related("registration_questions"), pk=page_id)


class EventDetail(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = EventDetailSerializer

    @extend_schema(
        summary="One event with its sessions, speakers, partners, seats and registration form",
        examples=[OpenApiExample("An event with one session and a question", value=EVENT_DETAIL)],
        tags=["events"],
    )
    def get(self, request: Request, page_id: int) -> Response:
        return Response(_event_detail_data(page_id, self.get_serializer_context()))


def _event_detail_data(page_id: int, context: dict) -> dict:
    page = _public_event(page_id)
    detail = selectors.event_detail(page)
    page.seats_left = detail["seats_left"]
    data = EventDetailSerializer(page, context={**context, "detail": detail}).data
    data["speakers"] = SpeakerRefSerializer(detail["speakers"], many=True).data
    return data


@extend_schema_field({"type": "boolean", "enum": [True]})
class ConsentField(StrictBooleanField):
    """Must be true: the organizers may use these details to run this event and contact the person about it."""

    def to_internal_value(self, data) -> bool:
        if super().to_internal_value(data) is not True:
            raise serializers.ValidationError("Consent is required to register.")
        return True


class RegisterSerializer(serializers.Serializer):
    full_name = StrictCharField(
        max_length=200,
        required=False,
        default="",
        help_text="Guests: required. Account holders: optional; the name on their account is used without it.",
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        default="",
        help_text="Guests: required, where the confirmation link goes. Account holders: leave it out (theirs is used).",
    )
    phone = StrictCharField(max_length=32, required=False, allow_blank=True, default="")
    attendance_mode = serializers.ChoiceField(
        choices=[AttendanceMode.ON_SITE, AttendanceMode.ONLINE],
        required=False,
        help_text="Hybrid events only: how you will attend.",
    )
    consent = ConsentField(help_text="Must be true: the organizers may use these details to run this event.")
    answers = serializers.DictField(required=False, default=dict, help_text="Answers keyed by question `name`.")


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


GUEST_ACCEPTED = "Check your email: we have sent a link to confirm this registration."
GUEST_DETAILS_MISSING = "Sign in to register as yourself, or give `full_name` and `email` to register as a guest."


def _answers(page: EventPage, raw: dict) -> dict:
    """Validate answers with the editor-built question form; JSON-safe values, as the page form stores them."""
    form = page.registration_form_class()(data=raw)
    if not form.is_valid():
        raise ValidationError({"answers": form.errors.get_json_data()})
    return json_safe_answers(form.cleaned_data)


class Register(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = RegisterSerializer
    throttle_scope = "register"

    @extend_schema(
        summary="Register for an event",
        description=(
            "Signed in: registered at once as yourself (201, with status and waitlist position; 409 if already "
            "registered or the event is full without a waitlist). Guest: 202 and an email to confirm the seat — the "
            "same answer whether or not the address was already registered; 401 without a name and an email. Rate "
            "limited per address and per IP."
        ),
        responses={201: RegistrationSerializer, 202: AcceptedSerializer},
        examples=[
            OpenApiExample(
                "Guest",
                value={"full_name": "Asha Rao", "email": "asha@example.org", "consent": True, "answers": {}},
                request_only=True,
            ),
            OpenApiExample(
                "Signed in, answering the event's question",
                value={"consent": True, "answers": {"t_shirt_size": "M"}},
                request_only=True,
            ),
            REGISTRATION_EXAMPLES["confirmed"],
            OpenApiExample(
                "Guest accepted", value={"detail": GUEST_ACCEPTED}, response_only=True, status_codes=["202"]
            ),
        ],
        tags=["registrations"],
    )
    def post(self, request: Request, page_id: int) -> Response:
        page = _public_event(page_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not request.user.is_authenticated and not (data["full_name"].strip() and data["email"].strip()):
            raise NotAuthenticated(GUEST_DETAILS_MISSING)
        if page.attendance_mode == AttendanceMode.HYBRID and not data.get("attendance_mode"):
            raise ValidationError({"attendance_mode": ["Choose how you will attend this hybrid event."]})
        try:
            submission = registration_service.registration_submit(
                actor=request.user,
                page=page,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                attendance_mode=data.get("attendance_mode", ""),
                answers=_answers(page, data["answers"]),
                consent=data["consent"],
                client_address=client_address(request),
            )
        except registration_service.RateLimited as exc:
            raise Throttled(detail=str(exc)) from exc
        if submission.is_guest:
            return Response({"detail": GUEST_ACCEPTED}, status=status.HTTP_202_ACCEPTED)
        return Response(RegistrationSerializer(submission.registration).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Published speakers",
        examples=[OpenApiExample("A speaker", value=SPEAKER)],
        tags=["speakers and partners"],
    )
)
class Speakers(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = SpeakerSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.public_speakers()


@extend_schema_view(
    get=extend_schema(
        summary="One published speaker",
        examples=[OpenApiExample("A speaker", value=SPEAKER)],
        tags=["speakers and partners"],
    )
)
class SpeakerDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = SpeakerSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return selectors.public_speakers()


@extend_schema_view(
    get=extend_schema(
        summary="Published partners",
        examples=[OpenApiExample("A gold partner", value=PARTNER)],
        tags=["speakers and partners"],
    )
)
class Partners(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = PartnerSerializer

    def get_queryset(self) -> QuerySet:
        return selectors.public_partners()


@extend_schema_view(
    get=extend_schema(
        summary="One published partner",
        examples=[OpenApiExample("A gold partner", value=PARTNER)],
        tags=["speakers and partners"],
    )
)
class PartnerDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = PartnerSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return selectors.public_partners()


class CancelEventSerializer(serializers.Serializer):
    reason = StrictCharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Told to everyone registered."
    )


class CancelEvent(generics.GenericAPIView):
    permission_classes = [IsVerifiedStaff]
    serializer_class = CancelEventSerializer

    @extend_schema(
        summary="Cancel an event (its organizers and staff admins)",
        description=(
            "For good: everyone registered or waiting is told once, held seats and waitlist offers end, its halls "
            "are released, and no reminders, certificates or credits follow. Publishing the page again leaves it "
            "cancelled. 403 for anyone who does not run the event; 409 if it is already cancelled or over."
        ),
        responses={200: EventDetailSerializer},
        examples=[
            OpenApiExample("With a reason", value={"reason": "The speaker is ill."}, request_only=True),
            OpenApiExample(
                "Cancelled",
                value={**EVENT_DETAIL, "status": "cancelled", "is_cancelled": True},
                response_only=True,
                status_codes=["200"],
            ),
        ],
        tags=["events"],
    )
    def post(self, request: Request, page_id: int) -> Response:
        page = get_object_or_404(EventPage.objects.live(), pk=page_id)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event_cancel(page_id=page.pk, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(_event_detail_data(page.pk, self.get_serializer_context()))
