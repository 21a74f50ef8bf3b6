"""Credits: a person's balance per category and ledger; mentors (and staff admins) decide pending entries."""

import re

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..models import CreditEntry, User
from ..services.credits import can_decide_credit, credit_decide
from .common import SecondFactorIfStaff, StrictBooleanField, StrictCharField

PERSON = OpenApiParameter(
    "user",
    int,
    description="Whose credits: a mentee's id (mentors) or anyone's (staff admins). Default: your own.",
    required=False,
)


def person_for(request: Request) -> User:
    """The person whose credits are asked for: oneself, a mentee, or anyone for staff admins."""
    values = request.query_params.getlist("user")
    if not values:
        return request.user
    if len(values) > 1 or not re.fullmatch(r"-?[0-9]+", values[0]):
        raise serializers.ValidationError({"user": ["One person's id, a whole number."]})
    pk = int(values[0])
    people = User.objects.filter(pk=pk)
    if not selectors.sees_everything(request.user) and pk != request.user.pk:
        people = people.filter(student_profile__mentor=request.user)
    return get_object_or_404(people)


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()
    min_points = serializers.IntegerField()
    max_points = serializers.IntegerField(allow_null=True)


class BalanceSerializer(serializers.Serializer):
    category = CategoryRefSerializer()
    approved = serializers.IntegerField()
    pending = serializers.IntegerField()
    still_needed = serializers.IntegerField()
    room_left = serializers.IntegerField(allow_null=True)


TECHNICAL = {"code": "technical", "name": "Technical skills", "min_points": 20, "max_points": 40}
PENDING_ENTRY = {
    "id": 88,
    "person": "student@convene.local",
    "category": "technical",
    "points": 5,
    "description": "Attended Hack Night",
    "status": "pending",
    "status_display": "Pending approval",
    "reason": "",
    "decided_at": None,
    "created_at": "2027-01-16T09:00:00+05:30",
}
APPROVED_ENTRY = {
    **PENDING_ENTRY,
    "status": "approved",
    "status_display": "Approved",
    "decided_at": "2027-01-18T12:05:00+05:30",
}
REJECTED_ENTRY = {
    **PENDING_ENTRY,
    "status": "rejected",
    "status_display": "Rejected",
    "reason": "Already counted under the Hack Night series.",
    "decided_at": "2027-01-18T12:05:00+05:30",
}


class Balances(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    queryset = CreditEntry.objects.none()
    pagination_class = None
    filter_backends = []
    serializer_class = BalanceSerializer

    @extend_schema(
        summary="Credit balance per category",
        parameters=[PERSON],
        responses=BalanceSerializer(many=True),
        examples=[
            OpenApiExample(
                "Technical skills",
                value={"category": TECHNICAL, "approved": 15, "pending": 5, "still_needed": 5, "room_left": 25},
            )
        ],
        tags=["credits"],
    )
    def get(self, request: Request) -> Response:
        return Response(BalanceSerializer(selectors.credit_balances(person_for(request)), many=True).data)


class CreditEntrySerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    person = serializers.EmailField(source="user.email", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CreditEntry
        fields = [
            "id",
            "person",
            "category",
            "points",
            "description",
            "status",
            "status_display",
            "reason",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class Ledger(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = CreditEntrySerializer
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "points"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return CreditEntry.objects.none()
        return CreditEntry.objects.filter(user=person_for(self.request)).select_related("user", "category")

    @extend_schema(
        summary="A person's credit ledger",
        parameters=[PERSON],
        examples=[OpenApiExample("An approved entry", value=APPROVED_ENTRY)],
        tags=["credits"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class Pending(generics.ListAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = CreditEntrySerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return CreditEntry.objects.none()
        return selectors.credit_entries_decidable_by(self.request.user)

    @extend_schema(
        summary="Pending entries I may decide (my mentees'; everyone's for staff admins)",
        examples=[OpenApiExample("A mentee's entry", value=PENDING_ENTRY)],
        tags=["credits"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class DecisionSerializer(serializers.Serializer):
    approve = StrictBooleanField()
    reason = StrictCharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Required when rejecting."
    )


class Decide(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]
    serializer_class = DecisionSerializer

    @extend_schema(
        summary="Approve or reject a pending credit entry",
        responses=CreditEntrySerializer,
        examples=[
            OpenApiExample("Approve", value={"approve": True}, request_only=True),
            OpenApiExample(
                "Reject with a reason",
                value={"approve": False, "reason": "Already counted under the Hack Night series."},
                request_only=True,
            ),
            OpenApiExample("Approved", value=APPROVED_ENTRY, response_only=True),
            OpenApiExample("Rejected", value=REJECTED_ENTRY, response_only=True),
        ],
        tags=["credits"],
    )
    def post(self, request: Request, pk: int) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = get_object_or_404(CreditEntry.objects.select_related("user", "category"), pk=pk)
        if not can_decide_credit(request.user, entry):
            raise PermissionDenied("Only this person's mentor or a staff admin can decide on their credits.")
        entry = credit_decide(entry=entry, actor=request.user, **serializer.validated_data)
        return Response(CreditEntrySerializer(entry).data)
