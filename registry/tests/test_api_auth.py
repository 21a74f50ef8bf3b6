"""Tokens: the login page's lockout, rate limit and second-factor rule; rotation and logout; one error shape."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from registry import otp
from registry.tests.api import assert_problem, jwt_client
from registry.tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token"


def login(client, email, password=PASSWORD, **extra):
    return client.post(TOKEN, {"email": email, "password": password, **extra}, format="json")


def test_an_attendee_gets_tokens_and_sees_themselves():
    person = UserFactory(email="ada@example.org", first_name="Ada")
    client = APIClient()

    tokens = login(client, "ADA@example.org").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = client.get("/api/v1/me").json()

    assert tokens["otp_verified"] is False
    assert me["email"] == person.email and me["first_name"] == "Ada" and me["can_use_admin"] is False


def test_wrong_password_and_unverified_address_get_the_same_answer():
    UserFactory(email="new@example.org", verified_email=False)
    UserFactory(email="known@example.org")

    unverified = assert_problem(login(APIClient(), "new@example.org"), 401)
    wrong = assert_problem(login(APIClient(), "known@example.org", "nope-nope-nope"), 401)
    nobody = assert_problem(login(APIClient(), "nobody@example.org"), 401)

    assert unverified["detail"] == wrong["detail"] == nobody["detail"]


def test_five_failures_lock_the_account_with_a_429_even_for_the_right_password():
    UserFactory(email="target@example.org")
    client = APIClient()
    answers = [login(client, "target@example.org", f"wrong-{n}").status_code for n in range(5)]

    locked = login(client, "Target@example.org")

    assert answers[:4] == [401] * 4 and answers[4] == 429
    assert assert_problem(locked, 429)["type"].endswith("locked-out")


def test_staff_need_a_second_factor_and_their_token_says_so():
    staff = StaffFactory(email="staff@example.org")
    otp.backup_codes_regenerate(staff, codes=["backup-1"])
    client = APIClient()

    missing = assert_problem(login(client, staff.email), 401)
    tokens = login(client, staff.email, otp="backup-1").json()
    reused = login(client, staff.email, otp="backup-1")
    wrong = assert_problem(login(client, staff.email, otp="000000"), 401)

    assert missing["detail"].startswith("A second factor is required for staff accounts")
    assert "not valid" in wrong["detail"]
    assert tokens["otp_verified"] is True
    assert reused.status_code == 401, "a backup code works once"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/api/v1/me").json()["otp_verified"] is True


def test_a_totp_code_works_too(totp_token):
    from registry.tests.factories import TOTPDeviceFactory

    device = TOTPDeviceFactory()
    response = login(APIClient(), device.user.email, otp=totp_token(device))
    assert response.status_code == 200 and response.json()["otp_verified"] is True


def test_staff_signed_in_in_the_browser_without_a_second_factor_are_refused():
    staff = StaffFactory()
    client = APIClient()
    client.force_login(staff, backend="registry.backends.AuthenticationBackend")

    assert_problem(client.get("/api/v1/me"), 403)


def test_refresh_rotates_and_logout_retires_the_refresh_token():
    UserFactory(email="r@example.org")
    client = APIClient()
    first = login(client, "r@example.org").json()

    rotated = client.post("/api/v1/auth/token/refresh", {"refresh": first["refresh"]}, format="json").json()
    replay = client.post("/api/v1/auth/token/refresh", {"refresh": first["refresh"]}, format="json")
    logout = client.post("/api/v1/auth/logout", {"refresh": rotated["refresh"]}, format="json")
    after = client.post("/api/v1/auth/token/refresh", {"refresh": rotated["refresh"]}, format="json")

    assert rotated["access"] and rotated["refresh"] != first["refresh"]
    assert_problem(replay, 401)
    assert logout.status_code == 200
    assert_problem(after, 401)


# A cache of its own: parallel workers flush the shared Redis between requests.
@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-limits"}}
)
def test_the_login_endpoint_is_rate_limited(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    client = APIClient()
    codes = [login(client, f"p{n}@example.org").status_code for n in range(4)]

    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "method, url, kwargs, status",
    [
        ("get", "/api/v1/no-such-thing", {}, 404),
        ("post", "/api/v1/bookings/1%0A2/reject", {}, 404),
        ("get", "/api/v1/events/999999", {}, 404),
        ("delete", "/api/v1/events", {}, 405),
        ("post", TOKEN, {"data": "email=a", "content_type": "application/x-www-form-urlencoded"}, 415),
        ("post", TOKEN, {"data": "{not json", "content_type": "application/json"}, 400),
        ("post", TOKEN, {"data": {}, "format": "json"}, 400),
        ("get", "/api/v1/me", {}, 401),
        ("get", "/api/v1/events?starts_after=yesterday", {}, 400),
    ],
)
def test_every_error_has_the_problem_shape(method, url, kwargs, status):
    body = assert_problem(getattr(APIClient(), method)(url, **kwargs), status)
    if status == 400 and "errors" in body:
        assert isinstance(body["errors"], dict)


def test_a_garbage_bearer_token_is_a_401_problem():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_problem(client.get("/api/v1/events"), 401)


def test_me_for_a_jwt_user():
    person = UserFactory()
    assert jwt_client(person).get("/api/v1/me").json()["id"] == person.pk
