"""One JSON shape for every API error (RFC 7807 problem details), whatever raised it.

DRF's exceptions, Django's 404 and permission errors, a `DomainError` from a
service, and the API's own unmatched URLs all become
`{"type", "title", "status", "detail"}` (+ `errors` for field errors), served as
`application/problem+json`. A bad request is a 4xx, never a 500.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .services.errors import DomainError, NotAllowed

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://convene.local/problems/"


def problem(status_code: int, detail: str, *, code: str = "", errors: dict | list | None = None) -> dict:
    title = HTTPStatus(status_code).phrase
    body = {
        "type": PROBLEM_BASE + (code or title.lower().replace(" ", "-").replace("'", "")),
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _detail_text(detail) -> str:
    if isinstance(detail, list) and detail:
        return _detail_text(detail[0])
    if isinstance(detail, dict):
        return "The request has invalid fields; see `errors`."
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: "not allowed" becomes 403, other domain refusals 409; the rest keep DRF's status."""
    if isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, DomainError):
        exc = Conflict(str(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        detail = _detail_text(data) if not isinstance(data, dict) else "The request has invalid fields; see `errors`."
    else:
        detail = _detail_text(data.get("detail", data) if isinstance(data, dict) else data)
    code = getattr(exc, "default_code", "") if not isinstance(exc, exceptions.ValidationError) else "invalid"
    response.data = problem(response.status_code, detail, code=str(code).replace("_", "-"), errors=errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


class Conflict(exceptions.APIException):
    """A service refused the request in the current state (a `DomainError`); its message is safe to show."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class SecondFactorRequired(exceptions.AuthenticationFailed):
    default_detail = "A second factor is required for staff accounts: send `otp` (authenticator code or backup code)."
    default_code = "second-factor-required"


class LockedOut(exceptions.Throttled):
    default_detail = "Too many failed sign-in attempts; this account is locked for a while from this address."
    default_code = "locked-out"


class SlowedDown(exceptions.Throttled):
    default_detail = "Too many sign-in attempts on this account from new places; try again in a few seconds."
    default_code = "slowed-down"


@csrf_exempt
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Unmatched URLs under /api/ answer in the problem shape, not with the site's HTML 404."""
    return JsonResponse(problem(404, "No API endpoint at this address."), status=404, content_type=PROBLEM_CONTENT_TYPE)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 7807 problem details; `errors` maps field names to messages for invalid input.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail"],
    "example": {
        "type": PROBLEM_BASE + "not-authenticated",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication credentials were not provided.",
    },
}
ERROR_RESPONSES = {
    "400": "Invalid input (see `errors`).",
    "401": "Missing, invalid or expired credentials.",
    "403": "Signed in, but not allowed (role, organization or second factor).",
    "404": "Not found, or not visible to you.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Refused by a rule in the current state (e.g. already registered, event full).",
    "415": "Unsupported media type.",
    "429": "Rate limited or locked out; see Retry-After.",
}


def api_endpoints_only(endpoints: list) -> list:
    """drf-spectacular preprocessing hook: document /api/v1/ only (not Wagtail's internal admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def add_problem_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: document the problem shape for every error an operation can return."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_RESPONSES.items():
                operation["responses"].setdefault(code, {"description": description, "content": content})
            if method == "get":
                operation["responses"].pop("409", None)
    return result
