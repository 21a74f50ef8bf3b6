"""Every response carries an enforced Content-Security-Policy: strict on the public site, and in each admin and
the API documents exactly the exceptions config.csp writes down, each matching the markup it exists for."""

import re

import pytest
from django.test import Client, override_settings

from cms.cache import HIT_HEADER
from cms.tests import factories
from cms.tests.factories import verified_admin_client
from config.csp import SWAGGER_UI_STYLE, source_hash
from registry.tests.factories import RegistrationFactory, VenueFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+=")


def policy(response) -> dict[str, list[str]]:
    """The enforced policy's directives and their sources."""
    assert "Content-Security-Policy-Report-Only" not in response
    header = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";"))}


def test_public_pages_allow_only_their_own_scripts_and_styles_and_carry_no_inline_code(client):
    event = factories.event("Campus Quiz", speakers=[factories.speaker("Asha Rao")])

    for path in [
        "/",
        "/events/",
        "/events/?kind=workshop",
        event.url,
        "/speakers/",
        "/certificates/verify/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        response = client.get(path)
        html = response.content.decode()

        assert response.status_code == 200, path
        assert "unsafe" not in response["Content-Security-Policy"], path
        directives = policy(response)
        assert directives["script-src"] == directives["style-src"] == ["'self'"], path
        assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == ["'none'"]
        assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html), path
        assert "<style" not in html and " style=" not in html, path


def test_a_page_replayed_from_the_page_cache_gets_the_policy_again():
    factories.event("Cached Event")
    own_cache = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "csp-test"}}
    with override_settings(PAGE_CACHE_SECONDS=60, CACHES=own_cache):
        client = Client()
        first, second = client.get("/events/"), client.get("/events/")

    assert second[HIT_HEADER] == "hit"
    assert policy(second) == policy(first)


def test_the_wagtail_admin_allows_inline_script_elements_but_no_inline_handlers_or_eval(client):
    verified_admin_client(client)

    response = client.get("/admin/")

    directives = policy(response)
    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src-attr"] == directives["style-src-attr"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_a_preview_keeps_the_public_policy_and_only_the_admin_may_frame_it(client):
    event = factories.event("Campus Quiz")
    verified_admin_client(client)

    response = client.get(f"/admin/pages/{event.pk}/view_draft/")

    directives = policy(response)
    assert b"Campus Quiz" in response.content
    assert directives["script-src"] == directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]


def test_the_back_office_runs_only_static_scripts_and_carries_no_handler_or_style_attribute(client):
    """unfold's import-export and history screens replace the third-party templates whose attributes the policy
    once allowed by hash: now nothing inline runs or styles an element."""
    registration = RegistrationFactory()
    verified_admin_client(client)

    for path in ["/staff/registry/registration/export/", f"/staff/registry/registration/{registration.pk}/history/"]:
        response = client.get(path)
        html = response.content.decode()
        directives = policy(response)

        assert response.status_code == 200, path
        assert directives["script-src"] == ["'self'"] and not INLINE_SCRIPT.search(html), path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], path
        assert directives["script-src-attr"] == ["'none'"] and not re.findall(r'\son[a-z]+="', html), path
        assert directives["style-src-attr"] == ["'none'"] and not re.findall(r'\sstyle="', html), path


def test_the_hall_calendar_places_bookings_in_a_style_element_carrying_its_responses_nonce(client):
    hall = VenueFactory()
    verified_admin_client(client)

    response = client.get(f"/staff/approvals/hallbooking/calendar/{hall.pk}/")
    again = client.get(f"/staff/approvals/hallbooking/calendar/{hall.pk}/")

    nonces = [source for source in policy(response)["style-src"] if source.startswith("'nonce-")]
    html = response.content.decode()
    assert len(nonces) == 1
    styles = re.findall(r"<style[^>]*>", html)
    assert f'<style nonce="{nonces[0][7:-1]}">' in styles  # the grid's
    assert all(f'nonce="{nonces[0][7:-1]}"' in style for style in styles)  # and unfold's theme colours
    assert " style=" not in html
    assert policy(again)["style-src"] != policy(response)["style-src"], "each response has a nonce of its own"


def test_swagger_ui_runs_no_inline_script_and_its_one_inline_style_is_allowed_by_hash(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    setup = client.get("/api/docs/?script")

    assert not INLINE_SCRIPT.search(html)
    assert re.findall(r"<style>(.*?)</style>", html, re.DOTALL) == [SWAGGER_UI_STYLE]
    assert source_hash(SWAGGER_UI_STYLE) in policy(response)["style-src"]
    assert setup["Content-Type"].startswith("application/javascript")
    assert '"validatorUrl": null' in setup.content.decode(), "no badge fetched from validator.swagger.io"
