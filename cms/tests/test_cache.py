"""The optional page cache serves anonymous visitors from memory, never serves forms, and is purged on publish."""

import pytest
from django.test import Client, override_settings

from cms.cache import HIT_HEADER
from cms.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_client():
    with override_settings(PAGE_CACHE_SECONDS=60):
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
    cached_client.force_login(factories.UserFactory(), backend="allauth.account.auth_backends.AuthenticationBackend")
    assert HIT_HEADER not in cached_client.get("/events/")


def test_pages_that_set_cookies_are_not_stored(cached_client):
    factories.home_page()
    cached_client.get("/accounts/login/")
    assert HIT_HEADER not in cached_client.get("/accounts/login/")
