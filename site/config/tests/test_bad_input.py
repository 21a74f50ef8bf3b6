"""Bad public input gets a clear 4xx, never a server error: far-off dates, absurdly nested JSON, NUL bytes."""

import pytest
from rest_framework.test import APIClient

from cms.tests import factories
from registry.tests.api import assert_problem

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("query", ["starts_before=9999-12-31", "starts_after=0001-01-01"])
def test_the_listing_takes_the_furthest_dates_as_open_ended(client, query):
    event = factories.event(title="Open-ended search")

    response = client.get(f"/events/?{query}")

    assert response.status_code == 200
    assert event.title in response.content.decode()


@pytest.mark.parametrize("query", ["starts_before=9999-12-31", "starts_after=0001-01-01"])
def test_the_api_takes_the_furthest_dates_as_open_ended(query):
    event = factories.event(title="Open-ended search")

    response = APIClient().get(f"/api/v1/events?{query}")

    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == [event.title]


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/auth/token/refresh", "/api/v1/events/{id}/register"])
def test_deeply_nested_json_is_a_400(path):
    event = factories.event()

    response = APIClient().post(path.format(id=event.pk), DEEP, content_type="application/json")

    assert_problem(response, 400)


def test_moderately_nested_answers_are_refused_too():
    event = factories.event()
    answers = {}
    for _ in range(40):
        answers = {"nested": answers}

    response = APIClient().post(
        f"/api/v1/events/{event.pk}/register",
        {"full_name": "A", "email": "a@x.org", "consent": True, "answers": answers},
        format="json",
    )

    assert_problem(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/verify/%00/",
        "/certificates/verify/?code=%00",
        "/events/?q=%00",
        "/api/v1/certificates/%00/verify",
        "/api/v1/events?q=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_400(client, path):
    factories.event_index()

    response = client.get(path)

    assert response.status_code == 400
