"""The client address: one answer for axes, allauth, django-ratelimit and the API's throttles.

A forwarding header counts only when a trusted proxy sent it; from anyone else a forged X-Forwarded-For
changes nothing any of the four keys on. Behind a trusted proxy each client behind it is told apart.
"""

import tomllib

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from registry.security import client_address
from registry.tests.factories import PASSWORD, UserFactory

# The limits' counters in a cache of the test's own: parallel workers flush the shared Redis.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_cache")]

ATTACKER = "203.0.113.9"
PROXY = "10.0.0.2"
BEHIND_A_PROXY = override_settings(TRUSTED_PROXIES=["10.0.0.0/8"], TRUSTED_CLIENT_IP_HEADER="X-Forwarded-For")


def forged(n: int) -> dict:
    """A request straight from the attacker, claiming to be someone new each time."""
    return {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}


def via_proxy(client: str, forged_prefix: str = "") -> dict:
    """A request through the trusted proxy, which appends the address it saw to what the client wrote."""
    chain = f"{forged_prefix}, {client}" if forged_prefix else client
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


def address(**meta) -> str:
    return client_address(RequestFactory().get("/", **meta))


def test_by_default_nobody_is_trusted_and_the_connection_is_the_client():
    assert address(**forged(1)) == ATTACKER
    assert address(REMOTE_ADDR=ATTACKER, HTTP_FLY_CLIENT_IP="198.51.100.1") == ATTACKER


@BEHIND_A_PROXY
def test_behind_a_trusted_proxy_the_client_is_what_the_proxy_appended():
    assert address(**via_proxy("198.51.100.7")) == "198.51.100.7"
    assert address(**via_proxy("198.51.100.7", forged_prefix="192.0.2.1, 192.0.2.2")) == "198.51.100.7"
    assert address(**via_proxy("[2001:db8::7]:51234")) == "2001:db8::7"
    assert address(REMOTE_ADDR=PROXY) == PROXY, "a proxy that names nobody is keyed on itself"


@BEHIND_A_PROXY
def test_a_hop_outside_the_trusted_proxies_cannot_name_a_client():
    assert address(**forged(1)) == ATTACKER


def test_on_fly_only_fly_s_proxy_names_the_client():
    env = tomllib.loads((settings.BASE_DIR / "fly.toml").read_text())["env"]
    fly = override_settings(
        TRUSTED_PROXIES=env["TRUSTED_PROXIES"].split(","), TRUSTED_CLIENT_IP_HEADER=env["TRUSTED_CLIENT_IP_HEADER"]
    )
    with fly:
        from_fly_proxy = address(
            REMOTE_ADDR="172.16.7.9", HTTP_FLY_CLIENT_IP="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.1"
        )
        from_another_machine = address(REMOTE_ADDR="fdaa:0:1::3", HTTP_FLY_CLIENT_IP="198.51.100.7")

    assert from_fly_proxy == "198.51.100.7"
    assert from_another_machine == "fdaa:0:1::3"


# --- axes ---------------------------------------------------------------------------------------------------


def login(client, email: str, password: str, **meta):
    return client.post("/accounts/login/", {"login": email, "password": password}, **meta)


def test_axes_locks_the_sender_whatever_x_forwarded_for_claims(client):
    UserFactory(email="target@example.org")

    codes = [login(client, "target@example.org", "wrong-password", **forged(n)).status_code for n in range(5)]
    right_password = login(client, "target@example.org", PASSWORD, **forged(99))

    assert codes[4] == 429 and right_password.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@BEHIND_A_PROXY
def test_axes_behind_a_trusted_proxy_locks_only_the_client_that_failed(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        login(client, "target@example.org", "wrong-password", **via_proxy("198.51.100.7"))

    locked = login(client, "target@example.org", PASSWORD, **via_proxy("198.51.100.7"))
    neighbour = login(client, "target@example.org", PASSWORD, **via_proxy("198.51.100.8"))

    assert locked.status_code == 429
    assert neighbour.status_code == 302
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


# --- django-ratelimit (the certificate verify limit, key="ip") ------------------------------------------------

VERIFY = "/certificates/verify/NOSUCHCODE12/"


@override_settings(CERTIFICATE_VERIFY_RATE_LIMITS=("3/m",))
def test_django_ratelimit_counts_the_sender_whatever_x_forwarded_for_claims(client, still_clock):
    codes = [client.get(VERIFY, **forged(n)).status_code for n in range(4)]

    assert codes == [404, 404, 404, 429]


@BEHIND_A_PROXY
@override_settings(CERTIFICATE_VERIFY_RATE_LIMITS=("3/m",))
def test_django_ratelimit_behind_a_trusted_proxy_counts_each_client(client, still_clock):
    codes = [
        client.get(VERIFY, **via_proxy("198.51.100.7", forged_prefix=f"192.0.2.{n}")).status_code for n in range(4)
    ]
    neighbour = client.get(VERIFY, **via_proxy("198.51.100.8"))

    assert codes == [404, 404, 404, 429]
    assert neighbour.status_code == 404


# --- allauth (its per-address login limit) -------------------------------------------------------------------

FEW_LOGINS = override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"})


@FEW_LOGINS
def test_allauth_counts_the_sender_whatever_x_forwarded_for_claims(client, still_clock):
    # A different account each time, so only allauth's per-address limit can answer.
    codes = [login(client, f"p{n}@example.org", "wrong-password", **forged(n)).status_code for n in range(4)]

    assert codes == [200, 200, 200, 429]


@FEW_LOGINS
@BEHIND_A_PROXY
def test_allauth_behind_a_trusted_proxy_counts_each_client(client, still_clock):
    codes = [
        login(client, f"p{n}@example.org", "wrong-password", **via_proxy("198.51.100.7", f"192.0.2.{n}")).status_code
        for n in range(4)
    ]
    neighbour = login(client, "p9@example.org", "wrong-password", **via_proxy("198.51.100.8"))

    assert codes == [200, 200, 200, 429]
    assert neighbour.status_code == 200


# --- DRF throttles (the token endpoint's login scope) ----------------------------------------------------------


def token(client, email: str, **meta):
    return client.post("/api/v1/auth/token", {"email": email, "password": "wrong-password"}, format="json", **meta)


def test_drf_throttles_count_the_sender_whatever_x_forwarded_for_claims(monkeypatch, still_clock):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    client = APIClient()

    codes = [token(client, f"p{n}@example.org", **forged(n)).status_code for n in range(4)]

    assert codes == [401, 401, 401, 429]


@BEHIND_A_PROXY
def test_drf_throttles_behind_a_trusted_proxy_count_each_client(monkeypatch, still_clock):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    client = APIClient()

    codes = [
        token(client, f"p{n}@example.org", **via_proxy("198.51.100.7", f"192.0.2.{n}")).status_code for n in range(4)
    ]
    neighbour = token(client, "p9@example.org", **via_proxy("198.51.100.8"))

    assert codes == [401, 401, 401, 429]
    assert neighbour.status_code == 401
