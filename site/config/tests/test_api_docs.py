"""The API documents itself: a valid OpenAPI 3 schema with examples, Swagger UI served from our own static files."""

from datetime import datetime
from urllib.parse import urlparse

import pytest
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api_schema() -> dict:
    return APIClient().get("/api/schema/?format=json").json()


def operations(schema: dict) -> dict[str, dict]:
    return {
        f"{method.upper()} {path}": operation
        for path, path_item in schema["paths"].items()
        for method, operation in path_item.items()
    }


def test_the_schema_is_valid_openapi_and_every_operation_documents_errors_and_auth():
    schema = api_schema()

    validate_schema(schema)
    declared = operations(schema).values()
    assert len(declared) >= 30
    assert all({"400", "401", "404", "429"} <= set(op["responses"]) for op in declared)
    assert all(op.get("security") for op in declared)
    unauthenticated = {op["operationId"] for op in declared if op["security"] == [{}]}
    assert unauthenticated == {"auth_token_create", "auth_token_refresh_create", "auth_logout_create"}
    assert set(schema["components"]["securitySchemes"]) >= {"jwtAuth", "cookieAuth"}
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` spelled the JSON Schema way, so jsonschema can judge the examples.

    Objects with declared properties take no others, so an example cannot show a field the API never sends.
    """
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


formats = FormatChecker(["email"])


@formats.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@formats.checks("uri")
def is_uri(value) -> bool:
    return not isinstance(value, str) or bool(urlparse(value).scheme and urlparse(value).netloc)


def example_problems(schema: dict, where: str, content: dict) -> list[str]:
    """Why the examples of one request or response body fall short: none at all, or one that breaks the schema."""
    components = as_json_schema(schema["components"])
    problems = []
    for media_type, media in content.items():
        examples = media.get("examples", {})
        if not examples:
            problems.append(f"{where} {media_type}: no example")
        validator = Draft202012Validator(
            {**as_json_schema(media.get("schema", {})), "components": components}, format_checker=formats
        )
        for name, example in examples.items():
            problems += [f"{where} {name}: {error.message}" for error in validator.iter_errors(example["value"])]
    return problems


def test_every_operation_shows_examples_that_fit_its_schemas():
    schema = api_schema()
    problems = []

    for label, operation in operations(schema).items():
        if "requestBody" in operation:
            problems += example_problems(schema, f"{label} request", operation["requestBody"]["content"])
        successes = {code: response for code, response in operation["responses"].items() if code.startswith("2")}
        if not successes:
            problems.append(f"{label}: no success response")
        for code, response in successes.items():
            if code == "204":  # No Content: nothing to show
                continue
            problems += example_problems(schema, f"{label} {code}", response.get("content") or {"(no body)": {}})

    assert problems == []


def test_the_schema_says_how_many_items_a_list_takes_and_which_text_may_not_be_blank():
    components = api_schema()["components"]["schemas"]
    items = components["UploadRequest"]["properties"]["items"]
    registering = components["RegisterRequest"]["properties"]

    assert (items["minItems"], items["maxItems"]) == (1, 1000)
    assert registering["full_name"]["pattern"] == r"\S" and "pattern" not in registering["phone"]


def test_swagger_ui_loads_no_asset_from_a_cdn():
    page = APIClient().get("/api/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html


def test_scan_answers_built_without_a_serializer_still_fit_the_documented_schema():
    from registry.services.attendance import checkin_token
    from registry.services.registrations import registration_create
    from registry.tests.api import jwt_client
    from registry.tests.factories import StaffFactory, UserFactory, make_event_at_the_door

    schema = api_schema()
    event = make_event_at_the_door()
    registration = registration_create(
        page=event, email="asha@example.org", full_name="Asha Rao", user=UserFactory(email="asha@example.org")
    )
    client = jwt_client(StaffFactory())
    url = f"/api/v1/checkin/events/{event.pk}/scan"
    scans = [{"code": checkin_token(registration), "progress": True}, {"code": registration.code}, {"code": "NOPE"}]

    answers = [client.post(url, body, format="json").json() for body in scans]

    validator = Draft202012Validator(
        {"$ref": "#/components/schemas/ScanResult", "components": as_json_schema(schema["components"])},
        format_checker=formats,
    )
    assert [answer["outcome"] for answer in answers] == ["checked_in", "already_checked_in", "unknown"]
    assert answers[0]["progress"] == {"confirmed": 1, "checked_in": 1}
    assert [list(validator.iter_errors(answer)) for answer in answers] == [[], [], []]
