"""Tokens and the signed-in person: the same lockout, rate limits and second-factor rule as every login path.

Credentials go through `django.contrib.auth.authenticate`, so axes counts
failures (and locks the account+address after five) exactly as on the login
page; staff and editors must add a TOTP or backup code, and their tokens carry
`otp_verified`. Unverified addresses get the bad-credentials answer, so the
endpoint says nothing about which accounts exist.
"""

import django_otp
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenObtainSerializer
from rest_framework_simplejwt.views import TokenBlacklistView, TokenObtainPairView, TokenRefreshView

from ..api_errors import LockedOut, SecondFactorRequired, SlowedDown
from ..models import Membership
from ..security import can_use_admin, login_identifier, login_slowed, login_success_record
from .common import SecondFactorIfStaff, StrictCharField, otp_verified

OTP_CLAIM = "otp_verified"
# The token operations need no credentials: the request body carries them.
NO_CREDENTIALS = [{}]
EXAMPLE_ACCESS = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxODAwMDAzNjAwLCJpYXQiOjE"
    "4MDAwMDMzMDAsImp0aSI6IjVmMGMyYTFlOWI3ZDRjM2E4ZTZmMWIyZDNjNGE1ZTZmIiwidXNlcl9pZCI6IjciLCJvdHBfdmVyaWZ"
    "pZWQiOnRydWV9.JL6EUe92gSp0qkT5IWPuKL0TX_Zr8PlK2rjsM_mWSMc"
)
EXAMPLE_REFRESH = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTgwMDYwODEwMCwiaWF0Ijo"
    "xODAwMDAzMzAwLCJqdGkiOiJhMWIyYzNkNGU1ZjYwNzE4MjkzYTRiNWM2ZDdlOGY5MCIsInVzZXJfaWQiOiI3Iiwib3RwX3Zlcml"
    "maWVkIjp0cnVlfQ.5hrf9_Gm9iOnHh_Y3qQycCY8IC3qBIjNsDnn__0BpJw"
)


def _locked_out(request: Request) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


class TokenRequestSerializer(TokenObtainPairSerializer):
    otp = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=64,
        write_only=True,
        help_text="Staff and editors only: the current code from their authenticator app, or an unused backup code.",
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        identifier = login_identifier(request, attrs)
        if login_slowed(request=request, identifier=identifier):
            raise SlowedDown(wait=settings.LOGIN_SLOWDOWN_SECONDS)
        try:
            TokenObtainSerializer.validate(self, attrs)
        except exceptions.AuthenticationFailed:
            if _locked_out(request):
                raise LockedOut() from None
            raise
        if not EmailAddress.objects.filter(user=self.user, email__iexact=self.user.email, verified=True).exists():
            raise exceptions.AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        verified = False
        if can_use_admin(self.user):
            token = (attrs.get("otp") or "").replace(" ", "")
            if not token:
                raise SecondFactorRequired()
            if django_otp.match_token(self.user, token) is None:
                # A wrong second factor counts towards the same lockout as a wrong password.
                user_login_failed.send(sender=__name__, credentials={"email": attrs["email"]}, request=request)
                if _locked_out(request):
                    raise LockedOut()
                raise SecondFactorRequired("That second-factor code is not valid; check your device's clock.")
            verified = True
        login_success_record(request=request, identifier=identifier)
        refresh = self.get_token(self.user)
        refresh[OTP_CLAIM] = verified
        return {"refresh": str(refresh), "access": str(refresh.access_token), OTP_CLAIM: verified}


class TokenPairSerializer(serializers.Serializer):
    refresh = serializers.CharField()
    access = serializers.CharField()
    otp_verified = serializers.BooleanField()


class TokenObtainView(TokenObtainPairView):
    serializer_class = TokenRequestSerializer
    throttle_scope = "login"

    @extend_schema(
        summary="Obtain an access and a refresh token",
        description=(
            "Email and password; staff and editors also send `otp`. Five failures lock the account from this "
            "address for 15 minutes (429). While an account fails from many addresses, attempts from addresses "
            "it never signed in from are slowed down (429 with Retry-After). The access token is short-lived; "
            "refresh it with the refresh token."
        ),
        responses={200: TokenPairSerializer},
        auth=NO_CREDENTIALS,
        examples=[
            OpenApiExample("Attendee", value={"email": "student@convene.local", "password": "…"}, request_only=True),
            OpenApiExample(
                "Staff with a backup code",
                value={"email": "admin@convene.local", "password": "…", "otp": "demo0001"},
                request_only=True,
            ),
            OpenApiExample(
                "Staff tokens, second factor verified",
                value={"refresh": EXAMPLE_REFRESH, "access": EXAMPLE_ACCESS, "otp_verified": True},
                response_only=True,
            ),
        ],
        tags=["auth"],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


class TokenRefresh(TokenRefreshView):
    throttle_scope = "login"

    @extend_schema(
        summary="Exchange a refresh token for new tokens (the old refresh token is retired)",
        auth=NO_CREDENTIALS,
        examples=[
            OpenApiExample("Refresh token", value={"refresh": EXAMPLE_REFRESH}, request_only=True),
            OpenApiExample(
                "New tokens", value={"access": EXAMPLE_ACCESS, "refresh": EXAMPLE_REFRESH}, response_only=True
            ),
        ],
        tags=["auth"],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


class Logout(TokenBlacklistView):
    throttle_scope = "login"

    @extend_schema(
        summary="Log out: the refresh token can no longer be used",
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="Logged out: an empty object.")},
        auth=NO_CREDENTIALS,
        examples=[
            OpenApiExample("Refresh token", value={"refresh": EXAMPLE_REFRESH}, request_only=True),
            OpenApiExample("Logged out", value={}, response_only=True),
        ],
        tags=["auth"],
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)


class OrganizationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    phone = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    is_staff = serializers.BooleanField()
    can_use_admin = serializers.BooleanField()
    otp_verified = serializers.BooleanField()
    organizations = OrganizationRefSerializer(many=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated, SecondFactorIfStaff]

    @extend_schema(
        summary="The signed-in person, their roles and organizations",
        responses=MeSerializer,
        examples=[
            OpenApiExample(
                "An organizer",
                value={
                    "id": 2,
                    "email": "organizer@convene.local",
                    "first_name": "Omar",
                    "last_name": "Sheikh",
                    "phone": "+91 98450 12345",
                    "roles": ["organizer"],
                    "is_staff": True,
                    "can_use_admin": True,
                    "otp_verified": True,
                    "organizations": [{"slug": "coding-club", "name": "Coding Club", "role": "organizer"}],
                },
            )
        ],
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("organization")
        data = {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "roles": sorted(user.roles),
            "is_staff": user.is_staff,
            "can_use_admin": can_use_admin(user),
            "otp_verified": otp_verified(request),
            "organizations": [
                {"slug": m.organization.slug, "name": m.organization.name, "role": m.role} for m in memberships
            ],
        }
        return Response(MeSerializer(data).data)
