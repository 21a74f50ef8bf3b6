"""Events over the API: the listing's filters, one event in full, speakers and partners, registering."""

# ruff: noqa: F401, F811 (the `people` fixture is imported)

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from rest_framework.test import APIClient

from cms.models import EventKind
from cms.tests.factories import event, partner, speaker
from registry.models import Registration, RegistrationStatus
from registry.tests.api import assert_problem, jwt_client, people
from registry.tests.factories import OrganizationFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_the_listing_filters_like_the_public_site():
    club = OrganizationFactory(slug="coding-club")
    event("Python workshop", kind=EventKind.WORKSHOP, organization=club)
    event("Later talk", starts_in=timedelta(days=20), language="hi")
    event("Full talk", capacity=0)
    event("Old talk", starts_in=timedelta(days=-10))
    client = APIClient()

    assert titles(client.get("/api/v1/events")) == ["Python workshop", "Full talk", "Later talk"]
    assert titles(client.get("/api/v1/events?kind=workshop")) == ["Python workshop"]
    assert titles(client.get("/api/v1/events?organization=coding-club")) == ["Python workshop"]
    assert titles(client.get("/api/v1/events?language=hi")) == ["Later talk"]
    assert titles(client.get("/api/v1/events?seats_left=true")) == ["Python workshop", "Later talk"]
    assert titles(client.get("/api/v1/events?when=past")) == ["Old talk"]
    assert titles(client.get("/api/v1/events?q=python")) == ["Python workshop"]
    after = (event("Probe").starts_at + timedelta(days=10)).date().isoformat()
    assert titles(client.get(f"/api/v1/events?starts_after={after}")) == ["Later talk"]
    assert titles(client.get("/api/v1/events?ordering=-title&kind=event"))[0] == "Probe"


@pytest.mark.parametrize(
    "query",
    [
        "starts_after=nope",
        "starts_before=",
        "kind=party",
        "language=xx",
        "page=999",
        "page=",
        "page_size=101",
        "q=" + "x" * 201,
    ],
)
def test_bad_filters_are_problems_not_errors(query):
    event("Something")
    response = APIClient().get(f"/api/v1/events?{query}")
    assert response.status_code in (400, 404) and response.status_code != 500
    assert_problem(response, response.status_code)


def test_well_formed_filters_that_match_nothing_return_nothing():
    event("Something")
    client = APIClient()

    assert titles(client.get("/api/v1/events?organization=no-such-org")) == []
    assert titles(client.get("/api/v1/events?starts_after=2030-01-02&starts_before=2030-01-01")) == []


def test_one_event_with_sessions_speakers_partners_and_seats():
    ada, draft = speaker("Ada"), speaker("Draft person", live=False)
    page = event(
        "Deep dive", sessions=2, session_speakers=[ada], speakers=[ada, draft], partners=[partner("ACME")], capacity=5
    )

    body = APIClient().get(f"/api/v1/events/{page.pk}").json()

    assert body["title"] == "Deep dive" and body["seats_left"] == 5 and body["status"] == "scheduled"
    assert [s["title"] for s in body["sessions"]] == ["Session 1", "Session 2"]
    assert body["sessions"][0]["speakers"] == [{"name": "Ada", "slug": ada.slug}]
    assert [s["name"] for s in body["speakers"]] == ["Ada"]
    assert [p["name"] for p in body["partners"]] == ["ACME"]
    assert body["registration"]["open"] is True and body["registration"]["questions"] == []


def test_drafts_are_not_found():
    page = event("Hidden", live=False)
    assert_problem(APIClient().get(f"/api/v1/events/{page.pk}"), 404)


def test_speakers_and_partners_are_public_when_published():
    speaker("Shown")
    speaker("Draft", live=False)
    partner("Sponsor")
    client = APIClient()

    assert [s["name"] for s in client.get("/api/v1/speakers").json()["results"]] == ["Shown"]
    assert client.get("/api/v1/speakers/shown").json()["name"] == "Shown"
    assert client.get("/api/v1/speakers/draft").status_code == 404
    assert client.get("/api/v1/partners/sponsor").json()["tier_display"] == "Community partner"


def register(client, page, **body):
    return client.post(f"/api/v1/events/{page.pk}/register", {"consent": True, **body}, format="json")


def test_a_guest_gets_the_same_answer_whether_or_not_already_registered(django_capture_on_commit_callbacks):
    page = event("Meetup", capacity=10)
    client = APIClient()

    with django_capture_on_commit_callbacks(execute=True):
        first = register(client, page, full_name="Asha Rao", email="asha@example.org")
        again = register(client, page, full_name="Asha Rao", email="ASHA@example.org")

    assert first.status_code == again.status_code == 202 and first.json() == again.json()
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION and registration.user is None
    assert len(mail.outbox) == 2, "a confirmation link, then the same link again"
    assert registration.consent_given_at is not None, "when they agreed to the organizers' use of their details"


def test_an_account_holder_is_registered_at_once_then_waitlisted_when_full():
    page = event("Small room", capacity=1)
    first, second = UserFactory(), UserFactory()

    me = {"full_name": "Me", "email": "ignored@example.org"}
    seat = register(jwt_client(first), page, **me)
    waiting = register(jwt_client(second), page, **me)
    twice = register(jwt_client(second), page, **me)

    assert seat.status_code == 201 and seat.json()["status"] == "confirmed" and seat.json()["checkin_token"]
    assert waiting.status_code == 201 and waiting.json()["waitlist_position"] == 1
    assert waiting.json()["email"] == second.email
    assert "already registered" in assert_problem(twice, 409)["detail"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"full_name": "X", "email": "not-an-email"}, "email"),
        ({"full_name": "X", "email": "x@example.org", "consent": False}, "consent"),
        ({"full_name": "X", "email": "x@example.org", "answers": "nope"}, "answers"),
        ({"full_name": 42, "email": "x@example.org"}, "full_name"),
        ({"full_name": "X", "email": "x@example.org", "phone": 9845012345}, "phone"),
        ({"full_name": "X", "email": "x@example.org", "consent": 1}, "consent"),
    ],
)
def test_bad_registrations_name_the_field(body, field):
    page = event("Meetup")
    response = APIClient().post(f"/api/v1/events/{page.pk}/register", {"consent": True, **body}, format="json")
    assert field in assert_problem(response, 400)["errors"]


@pytest.mark.parametrize("body", [{}, {"full_name": "No Email"}, {"email": "x@example.org"}])
def test_a_guest_without_a_name_and_an_email_is_asked_to_sign_in_or_give_them(body):
    response = register(APIClient(), event("Meetup"), **body)

    assert "full_name" in assert_problem(response, 401)["detail"]
    assert not Registration.objects.exists()


def test_closed_registration_is_a_409():
    page = event("Cancelled", cancelled=True)
    assert_problem(register(APIClient(), page, full_name="A", email="a@example.org"), 409)


# A cache of its own: parallel workers flush the shared Redis between requests.
@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-limits"}}
)
def test_registrations_are_rate_limited_per_address():
    page = event("Popular", capacity=100)
    client = APIClient()
    codes = [register(client, page, full_name="Same", email="same@example.org").status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]


def test_a_venue_filter_and_schema_document_the_public_filters():
    hall = VenueFactory(code="main-hall")
    event("In the hall", venue=hall)
    event("Elsewhere")
    assert titles(APIClient().get("/api/v1/events?venue=main-hall")) == ["In the hall"]
    schema = APIClient().get("/api/schema/?format=json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert {"q", "starts_after", "starts_before", "kind", "organization", "language", "seats_left"} <= names


@pytest.mark.parametrize("language", ["hi", "HI", "Hindi", "hindi"])
def test_the_api_takes_a_language_by_name_or_code_in_any_case(language):
    event("English talk")
    event("Hindi talk", language="hi")
    assert titles(APIClient().get("/api/v1/events", {"language": language})) == ["Hindi talk"]


@pytest.mark.parametrize("language", ["Klingon", "xx", " en", "", "Englis"])
def test_an_unknown_language_is_a_400_problem_that_names_the_known_ones(language):
    event("Talk")
    body = assert_problem(APIClient().get("/api/v1/events", {"language": language}), 400)
    message = " ".join(body["errors"]["language"])
    if language:
        assert f"Unknown language “{language}”" in message and "en (English)" in message and "hi (Hindi)" in message


def test_the_api_finds_prefixes_as_people_type_and_filters_by_location():
    hall = VenueFactory(name="Seminar Hall 1", building="CS Block")
    event("Machine learning basics", venue=hall)
    event("Online machine vision", online_url="https://meet.example.org/v")
    event("Gardening")
    client = APIClient()

    assert titles(client.get("/api/v1/events", {"q": "machin"})) == ["Machine learning basics", "Online machine vision"]
    assert titles(client.get("/api/v1/events", {"q": "machine lear"})) == ["Machine learning basics"]
    assert titles(client.get("/api/v1/events", {"location": "cs block"})) == ["Machine learning basics"]
    assert titles(client.get("/api/v1/events", {"location": "online"})) == ["Online machine vision"]
    assert_problem(client.get("/api/v1/events", {"location": "x" * 121}), 400)


def test_the_schema_documents_location_and_languages_by_name_or_code():
    schema = APIClient().get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/events"]["get"]["parameters"]}
    assert "hall" in parameters["location"]["description"] and "online" in parameters["location"]["description"]
    language = parameters["language"]
    pattern = re.compile(language["schema"]["pattern"])
    assert all(pattern.search(value) for value in ["en", "EN", "English", "english", "hi", "Hindi"])
    assert not any(pattern.search(value) for value in ["xx", "Englis", " en", "en hi", ""])
    assert "`en` (English)" in language["description"]
