"""What every app's API shares: pagination, the second-factor rule for staff, request fields as strict as JSON,
and schema extensions that document what those fields and nested lists accept."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ..security import can_use_admin


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """A page size that is not a positive whole number is refused, not silently replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 0 < int(raw) <= self.max_page_size):
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def get_page_number(self, request: Request, paginator) -> str | int:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) > 0):
            raise ValidationError({self.page_query_param: ["A page number from 1."]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


MAX_ID = 999_999_999_999_999_999


class IdConverter:
    """Path ids that fit the database's integers: a longer number is a 404, never an overflow error."""

    regex = "[0-9]{1,18}"  # up to MAX_ID

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class LargePagination(Pagination):
    """Participant lists are fetched whole by check-in apps before the doors open."""

    page_size = 200
    max_page_size = 1000


def otp_verified(request: Request) -> bool:
    """A JWT carries the second factor as a claim; a browser session carries django-otp's verification."""
    payload = getattr(request.auth, "payload", None)
    if payload is not None:
        return bool(payload.get("otp_verified"))
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class SecondFactorIfStaff(BasePermission):
    """Staff and editors use the API only after a second factor, exactly as in both admins."""

    message = "A second factor is required for staff accounts: sign in again with `otp`, or verify it in the browser."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user or AnonymousUser()
        return not can_use_admin(user) or otp_verified(request)


class IsVerifiedStaff(BasePermission):
    """Back-office endpoints (check-in, participant lists): staff or organizers who passed the second factor."""

    message = "Only staff or organizers who signed in with a second factor may do this."

    def has_permission(self, request: Request, view) -> bool:
        return bool(request.user and can_use_admin(request.user) and otp_verified(request))


class StrictCharField(serializers.CharField):
    """Text sent as a JSON string: a number or a boolean is refused, not quietly turned into text."""

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`: the API speaks JSON, so 0, 1 and "yes" are refused."""

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class TextInSchema(OpenApiSerializerFieldExtension):
    """Text that may not be blank says so in the schema: white space alone is blank once trimmed."""

    target_class = StrictCharField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict | None:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if schema is not None and direction == "request" and field.trim_whitespace and not field.allow_blank:
            schema.setdefault("pattern", r"\S")
        return schema


class CodeRelatedField(serializers.SlugRelatedField):
    """A row named by its code or slug. An empty string names nothing and is refused; `null` means none."""

    def run_validation(self, data=empty):
        if data == "":
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().run_validation(data)


class ListSizeInSchema(OpenApiSerializerFieldExtension):
    """A nested list's `allow_empty=False`, `min_length` and `max_length` appear in the schema as item counts."""

    target_class = serializers.ListSerializer
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict | None:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if schema is None:
            return None
        least = max(self.target.min_length or 0, 0 if self.target.allow_empty else 1)
        if least:
            schema["minItems"] = least
        if self.target.max_length is not None:
            schema["maxItems"] = self.target.max_length
        return schema
