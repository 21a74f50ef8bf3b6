"""The optional page cache serves anonymous visitors from memory, never serves forms, and is purged on publish."""

import re

import pytest
from django.test import Client, override_settings

from cms.cache import HIT_HEADER
from cms.tests import factories

pytestmark = pytest.mark.django_db


# A cache of the test's own: other xdist workers clear the shared Redis between any two requests.
OWN_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cms-page-cache"}}


@pytest.fixture
def cached_client():
    with override_settings(PAGE_CACHE_SECONDS=60, CACHES=OWN_CACHE):
        yield Client()  # a new client loads the middleware with the setting on


def test_off_by_default(client):
    factories.event()
    assert HIT_HEADER not in client.get("/events/")


def test_second_anonymous_view_is_served_from_the_cache(cached_client):
    factories.event("Cached Event")
    first = cached_client.get("/events/")
    second = cached_client.get("/events/")
    assert first[HIT_HEADER] == "miss" and second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert cached_client.get("/events/?kind=workshop")[HIT_HEADER] == "miss", "each query string is its own entry"


def test_publishing_purges_the_cache(cached_client):
    event = factories.event("Before")
    cached_client.get("/events/")
    event.title = "After"
    event.save_revision().publish()
    response = cached_client.get("/events/")
    assert response[HIT_HEADER] == "miss"
    assert "After" in response.content.decode()


def test_signed_in_visitors_are_never_served_from_the_cache(cached_client):
    factories.event()
    cached_client.get("/events/")
    cached_client.force_login(factories.UserFactory(), backend="registry.backends.AuthenticationBackend")
    assert HIT_HEADER not in cached_client.get("/events/")


def test_pages_that_set_cookies_are_not_stored(cached_client):
    factories.home_page()
    cached_client.get("/accounts/login/")
    assert HIT_HEADER not in cached_client.get("/accounts/login/")


@override_settings(ROOT_URLCONF="cms.tests.csrf_urls")
def test_a_cached_form_gives_each_visitor_their_own_working_csrf_token():
    def visit() -> tuple[Client, str, str]:
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get("/form/")
        token = re.search(r'value="([^"]+)"', response.content.decode()).group(1)
        return visitor, token, response[HIT_HEADER]

    with override_settings(PAGE_CACHE_SECONDS=60, CACHES=OWN_CACHE):
        first, first_token, first_state = visit()
        second, second_token, second_state = visit()

    assert (first_state, second_state) == ("miss", "hit")
    assert "__cms_page_cache" not in second_token and second_token != first_token
    assert second.cookies["csrftoken"].value
    assert second.post("/form/", {"csrfmiddlewaretoken": second_token}).status_code == 200
    assert first.post("/form/", {"csrfmiddlewaretoken": first_token}).status_code == 200
