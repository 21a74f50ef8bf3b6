"""Check-in for scanner apps: the staff page's answers, over JSON, for an event or one of its sessions.

Every scan is one call to `attendance.check_in`; the database's unique
(registration, session) constraint makes two phones scanning one ticket at the
same instant one admission and one "already checked in".
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import Attendance, AttendanceMode, Registration, RegistrationStatus
from ..services import attendance
from ..services.attendance import Outcome, checkin_token
from .common import IsVerifiedStaff, LargePagination, StrictBooleanField, StrictCharField
from .throttles import CountingScopedRateThrottle

MAX_UPLOAD_ITEMS = 1000


class CheckinEventMixin:
    """Organizers check in to their organizations' events; staff admins to all (as on the staff page)."""

    permission_classes = [IsVerifiedStaff]
    # Only the check-in scope: a crew of phones often shares one door account, far past the per-user rate.
    throttle_classes = [CountingScopedRateThrottle]
    throttle_scope = "checkin"

    def check_event_access(self) -> None:
        """403 for people who may not check anyone in; 404, as if unknown, for another organization's event."""
        user = self.request.user
        if not user.has_perm("registry.add_attendance"):
            raise PermissionDenied("You may not check people in.")
        if not selectors.manages_event(user, self.kwargs["page_id"]):
            raise Http404("No such event.")


class ScanSerializer(serializers.Serializer):
    code = StrictCharField(
        max_length=200, help_text="The QR code's content (`CODE:signature`) or the printed code typed in."
    )
    session = serializers.IntegerField(
        min_value=0, max_value=2_147_483_647, default=0, help_text="A session id of the event, or 0 for the event."
    )
    typed = StrictBooleanField(default=False, help_text="True when a person typed the code instead of scanning.")
    progress = StrictBooleanField(
        default=False, help_text="Also return how many are confirmed and checked in (two more counts per scan)."
    )

    def validate_code(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Scan a QR code or type a registration code.")
        return value


class ProgressSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    checked_in = serializers.IntegerField()


OUTCOMES = [
    Outcome.CHECKED_IN,
    Outcome.ALREADY,
    Outcome.TOO_EARLY,
    Outcome.WRONG_EVENT,
    Outcome.WRONG_SESSION,
    Outcome.EXPIRED,
    Outcome.NOT_CONFIRMED,
    Outcome.UNKNOWN,
    Outcome.FORGED,
]


class ScanResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    admitted = serializers.BooleanField(help_text="True only for `checked_in`: let this person in.")
    message = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    code = serializers.CharField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    progress = ProgressSerializer(allow_null=True)


def _result(result, page_id: int, session: int, progress: bool) -> dict:
    """A `ScanResultSerializer`'s data, built directly: these values need no conversion, and a serializer
    deep-copies its fields on every scan. The API tests validate answers against the schema."""
    registration = result.registration
    return {
        "outcome": result.outcome,
        "admitted": result.admitted,
        "message": result.message,
        "name": registration.full_name if registration else None,
        "code": registration.code if registration else None,
        "checked_in_at": timezone.localtime(result.attendance.checked_in_at) if result.attendance else None,
        "progress": selectors.checkin_progress(page_id, session) if progress else None,
    }


class Scan(CheckinEventMixin, generics.GenericAPIView):
    serializer_class = ScanSerializer

    @extend_schema(
        summary="Scan a ticket: admit once, or say why not",
        description=(
            "Answers 200 for every scan that was understood; `outcome` says what happened: `checked_in` (admit), "
            "`already_checked_in`, `too_early` (check-in opens two hours before the start), `wrong_event`, "
            "`wrong_session`, `expired` (the event ended), `not_confirmed` "
            "(cancelled, waitlisted…), `unknown` or `forged`. Only `checked_in` has `admitted: true`; a ticket is "
            "admitted at most once per session, even when two phones scan it at the same instant."
        ),
        responses=ScanResultSerializer,
        examples=[
            OpenApiExample(
                "QR scan", value={"code": "K7Q2M9X4PA:5bq…", "session": 0, "progress": True}, request_only=True
            ),
            OpenApiExample(
                "Admitted",
                value={
                    "outcome": "checked_in",
                    "admitted": True,
                    "message": "Welcome, Asha Rao!",
                    "name": "Asha Rao",
                    "code": "K7Q2M9X4PA",
                    "checked_in_at": "2026-03-12T09:58:03+05:30",
                    "progress": {"confirmed": 120, "checked_in": 57},
                },
                response_only=True,
            ),
        ],
        tags=["check-in"],
    )
    def post(self, request: Request, page_id: int) -> Response:
        self.check_event_access()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = attendance.check_in(
            page_id=page_id,
            scanned=data["code"],
            actor=request.user,
            session=data["session"],
            method=Attendance.Method.MANUAL if data["typed"] else Attendance.Method.API,
        )
        return Response(_result(result, page_id, data["session"], data["progress"]))


class ParticipantSerializer(serializers.ModelSerializer):
    attendance_mode = serializers.ChoiceField(
        choices=AttendanceMode.choices, allow_blank=True, help_text="How a hybrid event's attendee joins; else empty."
    )
    checkin_token = serializers.SerializerMethodField(help_text="The QR content on this person's ticket.")
    sessions_attended = serializers.SerializerMethodField(help_text="Session ids checked in (0 = the event).")

    class Meta:
        model = Registration
        fields = ["code", "full_name", "email", "phone", "attendance_mode", "checkin_token", "sessions_attended"]
        read_only_fields = fields

    def get_checkin_token(self, registration: Registration) -> str:
        return checkin_token(registration)

    def get_sessions_attended(self, registration: Registration) -> list[int]:
        return sorted(a.session for a in registration.attendances.all())


class Participants(CheckinEventMixin, generics.ListAPIView):
    serializer_class = ParticipantSerializer
    pagination_class = LargePagination

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        self.check_event_access()
        return (
            Registration.objects.filter(page_id=self.kwargs["page_id"], status=RegistrationStatus.CONFIRMED)
            .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.only("registration_id", "session")))
            .order_by("full_name", "pk")
        )

    @extend_schema(
        summary="Confirmed participants of an event, for offline preparation",
        examples=[
            OpenApiExample(
                "Checked in to the event",
                value={
                    "code": "K7Q2M9X4PA",
                    "full_name": "Asha Rao",
                    "email": "asha@example.org",
                    "phone": "+91 98450 12345",
                    "attendance_mode": "on_site",
                    "checkin_token": "K7Q2M9X4PA:Msra5UdoonvVbYJHwj-VpYtsFI2yZR4-adcJiyg1lJ0",
                    "sessions_attended": [0],
                },
            )
        ],
        tags=["check-in"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class UploadItemSerializer(ScanSerializer):
    pass


class UploadSerializer(serializers.Serializer):
    items = UploadItemSerializer(many=True, max_length=MAX_UPLOAD_ITEMS, allow_empty=False)


class UploadResultItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    session = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    admitted = serializers.BooleanField()
    message = serializers.CharField()


class UploadResultSerializer(serializers.Serializer):
    admitted = serializers.IntegerField()
    results = UploadResultItemSerializer(many=True)


class AttendanceUpload(CheckinEventMixin, generics.GenericAPIView):
    serializer_class = UploadSerializer

    @extend_schema(
        summary="Upload attendance recorded offline",
        description="Each item is checked in exactly like a scan (and never twice); the answer lists each outcome.",
        responses=UploadResultSerializer,
        examples=[
            OpenApiExample(
                "Two scans from the door, one typed code",
                value={
                    "items": [
                        {"code": "K7Q2M9X4PA:Msra5UdoonvVbYJHwj-VpYtsFI2yZR4-adcJiyg1lJ0", "session": 0},
                        {"code": "H8WN4KD6RB:bT5sQ0kV8rW2nY7uE1aZ4cF6gH3mP9xL2qD8vN0kJ7e", "session": 0},
                        {"code": "M3TR8QZ2WD", "session": 0, "typed": True},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample(
                "Two admitted, one already in",
                value={
                    "admitted": 2,
                    "results": [
                        {
                            "code": "K7Q2M9X4PA:Msra5UdoonvVbYJHwj-VpYtsFI2yZR4-adcJiyg1lJ0",
                            "session": 0,
                            "outcome": "checked_in",
                            "admitted": True,
                            "message": "Welcome, Asha Rao!",
                        },
                        {
                            "code": "H8WN4KD6RB:bT5sQ0kV8rW2nY7uE1aZ4cF6gH3mP9xL2qD8vN0kJ7e",
                            "session": 0,
                            "outcome": "checked_in",
                            "admitted": True,
                            "message": "Welcome, Lena Fernandes!",
                        },
                        {
                            "code": "M3TR8QZ2WD",
                            "session": 0,
                            "outcome": "already_checked_in",
                            "admitted": False,
                            "message": "Already checked in at 09:41 on 15 Jan by Omar Sheikh.",
                        },
                    ],
                },
                response_only=True,
            ),
        ],
        tags=["check-in"],
    )
    def post(self, request: Request, page_id: int) -> Response:
        self.check_event_access()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = []
        for item in serializer.validated_data["items"]:
            result = attendance.check_in(
                page_id=page_id,
                scanned=item["code"],
                actor=request.user,
                session=item["session"],
                method=Attendance.Method.UPLOAD,
            )
            results.append(
                {
                    "code": item["code"],
                    "session": item["session"],
                    "outcome": result.outcome,
                    "admitted": result.admitted,
                    "message": result.message,
                }
            )
        data = {"admitted": sum(r["admitted"] for r in results), "results": results}
        return Response(UploadResultSerializer(data).data)
