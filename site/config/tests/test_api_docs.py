"""The API documents itself: a valid OpenAPI 3 schema, Swagger UI served from our own static files."""

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_and_every_operation_documents_errors_and_auth():
    schema = APIClient().get("/api/schema/?format=json").json()

    validate_schema(schema)
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 30
    assert all({"400", "401", "404", "429"} <= set(op["responses"]) for op in operations)
    unauthenticated = {op["operationId"] for op in operations if not op.get("security")}
    assert unauthenticated == {"auth_token_create", "auth_token_refresh_create", "auth_logout_create"}
    assert set(schema["components"]["securitySchemes"]) >= {"jwtAuth", "cookieAuth"}
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_swagger_ui_loads_no_asset_from_a_cdn():
    page = APIClient().get("/api/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html
