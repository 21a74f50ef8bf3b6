"""The event listing: each filter alone and combined, upcoming/past, search, bad input, pagination, the feed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cms.forms import EventFilterForm
from cms.models import EventKind, Language
from cms.selectors import events_matching
from cms.tests import factories
from registry.models import CreditCategory
from registry.tests.factories import OrganizationFactory, VenueFactory

pytestmark = pytest.mark.django_db


def titles(events) -> list[str]:
    return [event.title for event in events]


@pytest.fixture
def catalogue():
    """A small, varied programme: each event differs from the others in one or two ways."""
    club, department = OrganizationFactory(name="Coding Club", slug="coding-club"), OrganizationFactory()
    hall, lab = VenueFactory(name="Main Hall", code="main-hall", capacity=300), VenueFactory(code="lab")
    tech = CreditCategory.objects.create(name="Technical", code="technical")
    speaker = factories.speaker("Grace Hopper")
    events = {
        "hack": factories.event(
            "Hack Night",
            starts_in=timedelta(days=2),
            organization=club,
            venue=hall,
            capacity=100,
            credit_category=tech,
            credit_points=2,
        ),
        "ml": factories.event(
            "Machine Learning Lab",
            starts_in=timedelta(days=10),
            kind=EventKind.WORKSHOP,
            organization=department,
            venue=lab,
            online_url="https://meet.example.org/ml",
            language=Language.HINDI,
            speakers=[speaker],
        ),
        "webinar": factories.event(
            "Careers Webinar",
            starts_in=timedelta(days=20),
            kind=EventKind.COURSE,
            online_url="https://meet.example.org/c",
            capacity=0,
            summary="Interviews, CVs and compilers.",
        ),
        "old": factories.event("Last Year's Fest", starts_in=timedelta(days=-30), venue=hall, organization=club),
        "older": factories.event("Ancient Fest", starts_in=timedelta(days=-60), venue=hall),
        "draft": factories.event("Secret Draft", starts_in=timedelta(days=3), live=False),
    }
    return {"club": club, "hall": hall, "lab": lab, "tech": tech, "speaker": speaker, **events}


def test_upcoming_lists_live_events_not_yet_over_soonest_first(catalogue):
    assert titles(events_matching()) == ["Hack Night", "Machine Learning Lab", "Careers Webinar"]


def test_an_event_happening_now_is_still_upcoming(catalogue):
    factories.event("Ongoing Expo", starts_in=timedelta(hours=-1), duration=timedelta(hours=3))
    assert titles(events_matching())[0] == "Ongoing Expo"


def test_past_view_lists_finished_events_most_recent_first(catalogue):
    assert titles(events_matching(when="past")) == ["Last Year's Fest", "Ancient Fest"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (lambda c: {"kind": EventKind.WORKSHOP}, ["Machine Learning Lab"]),
        (lambda c: {"organization": c["club"]}, ["Hack Night"]),
        (lambda c: {"venue": c["hall"]}, ["Hack Night"]),
        (lambda c: {"language": Language.HINDI}, ["Machine Learning Lab"]),
        (lambda c: {"credit_category": c["tech"]}, ["Hack Night"]),
        (lambda c: {"mode": "online"}, ["Careers Webinar"]),
        (lambda c: {"mode": "hybrid"}, ["Machine Learning Lab"]),
        (lambda c: {"mode": "on_site"}, ["Hack Night"]),
        (lambda c: {"seats_left": True}, ["Hack Night", "Machine Learning Lab"]),
        (
            lambda c: {"starts_after": timezone.localdate() + timedelta(days=5)},
            ["Machine Learning Lab", "Careers Webinar"],
        ),
        (
            lambda c: {"starts_before": timezone.localdate() + timedelta(days=10)},
            ["Hack Night", "Machine Learning Lab"],
        ),
        (lambda c: {"q": "hack"}, ["Hack Night"]),
        (lambda c: {"q": "compilers"}, ["Careers Webinar"]),
        (lambda c: {"q": "Hopper"}, ["Machine Learning Lab"]),
    ],
    ids=[
        "kind",
        "organization",
        "venue",
        "language",
        "credit-category",
        "online",
        "hybrid",
        "on-site",
        "seats-left",
        "starts-after",
        "starts-before",
        "search-title",
        "search-summary",
        "search-speaker",
    ],
)
def test_each_filter_alone(catalogue, filters, expected):
    assert titles(events_matching(**filters(catalogue))) == expected


def test_filters_combine(catalogue):
    soon = timezone.localdate() + timedelta(days=15)
    assert titles(events_matching(starts_before=soon, mode="on_site", seats_left=True)) == ["Hack Night"]
    assert titles(events_matching(q="fest", venue=catalogue["hall"], when="past")) == [
        "Last Year's Fest",
        "Ancient Fest",
    ]
    assert titles(events_matching(q="fest", organization=catalogue["club"], when="past")) == ["Last Year's Fest"]
    assert titles(events_matching(kind=EventKind.WORKSHOP, language=Language.ENGLISH)) == []


def test_venue_matches_rooms_of_sessions_too(catalogue):
    event = factories.event("Robotics Weekend", starts_in=timedelta(days=4), sessions=2)
    event.sessions.update(room=catalogue["lab"])
    assert "Robotics Weekend" in titles(events_matching(venue=catalogue["lab"]))


def test_a_draft_is_never_listed_nor_found(catalogue):
    assert "Secret Draft" not in titles(events_matching(q="secret"))


def test_the_form_reads_filters_from_the_query_string_by_slug_and_code(catalogue):
    form = EventFilterForm({"organization": "coding-club", "venue": "main-hall", "credit_category": "technical"})
    assert titles(events_matching(**form.filters())) == ["Hack Night"]


def test_listing_page_applies_filters_from_the_query_string(client, catalogue):
    response = client.get("/events/", {"kind": "workshop", "q": "learning"})
    assert response.status_code == 200
    assert titles(response.context["events"]) == ["Machine Learning Lab"]
    assert "1 event matches your filters" in response.content.decode()


def test_bad_input_is_explained_and_the_rest_still_applies(client, catalogue):
    response = client.get("/events/", {"starts_after": "garbage", "venue": "nowhere", "kind": "workshop"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Select a valid choice." in page
    assert titles(response.context["events"]) == ["Machine Learning Lab"]


def test_reversed_date_range_is_explained(client, catalogue):
    today = timezone.localdate()
    response = client.get("/events/", {"starts_after": today + timedelta(days=9), "starts_before": today})
    assert "Choose a date on or after the “From” date." in response.content.decode()


def test_zero_results_say_so_and_offer_to_clear_filters(client, catalogue):
    response = client.get("/events/", {"q": "quidditch"})
    page = response.content.decode()
    assert "No events match these filters." in page
    assert 'href="/events/">Clear all filters</a>' in page


def test_past_events_view(client, catalogue):
    response = client.get("/events/", {"when": "past"})
    assert titles(response.context["events"]) == ["Last Year's Fest", "Ancient Fest"]
    assert "<h1>Past events</h1>" in response.content.decode()


def test_pagination_keeps_the_filters_in_the_links(client):
    for day in range(14):
        factories.event(f"Talk {day:02d}", starts_in=timedelta(days=day + 1), kind=EventKind.WORKSHOP)
    first = client.get("/events/", {"kind": "workshop"})
    assert len(first.context["events"]) == 12
    assert 'href="?kind=workshop&amp;page=2"' in first.content.decode()
    second = client.get("/events/", {"kind": "workshop", "page": 2})
    assert titles(second.context["events"]) == ["Talk 12", "Talk 13"]
    assert client.get("/events/", {"page": "last-but-one"}).status_code == 200


# Finding things as people type, by place and by language


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("machin", ["Machine Learning Lab"]),
        ("Machine lear", ["Machine Learning Lab"]),
        ("MACH", ["Machine Learning Lab"]),
        ("hop", ["Machine Learning Lab"]),
        ("webin", ["Careers Webinar"]),
        ("interv", ["Careers Webinar"]),
        ("machine", ["Machine Learning Lab"]),
        ("learning lab", ["Machine Learning Lab"]),
        ("lab machine", ["Machine Learning Lab"]),
        ("compilers", ["Careers Webinar"]),
    ],
    ids=[
        "title-prefix",
        "word-then-prefix",
        "any-case",
        "speaker-prefix",
        "prefix-of-second-title-word",
        "summary-prefix",
        "whole-word",
        "two-whole-words",
        "words-in-any-order",
        "word-in-summary",
    ],
)
def test_search_finds_prefixes_as_people_type_and_whole_words(catalogue, query, expected):
    assert titles(events_matching(q=query)) == expected


def test_a_prefix_does_not_match_the_middle_of_a_word(catalogue):
    assert titles(events_matching(q="achine")) == []


def test_search_words_that_all_match_nothing_find_nothing(catalogue):
    assert titles(events_matching(q="machine quidditch")) == []


@pytest.mark.parametrize("query", ['"', "'", "%", "*", "-", "(", "AND", "NEAR(", 'hack"night', "c++", "ünï"])
def test_search_survives_the_full_text_engines_syntax(client, catalogue, query):
    response = client.get("/events/", {"q": query})
    assert response.status_code == 200


def test_punctuation_around_words_is_ignored(catalogue):
    assert titles(events_matching(q='"hack"')) == ["Hack Night"]


@pytest.fixture
def places():
    hall = VenueFactory(name="Seminar Hall 1", code="seminar-1", building="CS Block", location="First floor, east wing")
    auditorium = VenueFactory(name="Auditorium", code="audi", building="Main Building", location="Near Gate 2")
    return {
        "seminar": factories.event("Rust meetup", starts_in=timedelta(days=1), venue=hall),
        "audi": factories.event("Annual day", starts_in=timedelta(days=2), venue=auditorium),
        "online": factories.event("Webinar", starts_in=timedelta(days=3), online_url="https://meet.example.org/w"),
        "hybrid": factories.event(
            "Hybrid talk", starts_in=timedelta(days=4), venue=auditorium, online_url="https://meet.example.org/h"
        ),
        "rooms": factories.event("Robotics weekend", starts_in=timedelta(days=5), sessions=1),
        "hall": hall,
    }


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Seminar Hall", ["Rust meetup", "Robotics weekend"]),
        ("cs block", ["Rust meetup", "Robotics weekend"]),
        ("east wing", ["Rust meetup", "Robotics weekend"]),
        ("gate 2", ["Annual day", "Hybrid talk"]),
        ("online", ["Webinar", "Hybrid talk"]),
        ("Online", ["Webinar", "Hybrid talk"]),
        ("the moon", []),
        ("  ", ["Rust meetup", "Annual day", "Webinar", "Hybrid talk", "Robotics weekend"]),
    ],
    ids=[
        "hall-name",
        "building-any-case",
        "address",
        "address-of-another",
        "online",
        "online-any-case",
        "nowhere",
        "blank",
    ],
)
def test_location_matches_the_hall_building_or_address_of_the_event_or_its_sessions(places, location, expected):
    places["rooms"].sessions.update(room=places["hall"])
    assert titles(events_matching(location=location)) == expected


def test_location_filter_on_the_page(client, places):
    response = client.get("/events/", {"location": "CS Block"})
    assert titles(response.context["events"]) == ["Rust meetup"]
    assert 'value="CS Block"' in response.content.decode()


@pytest.mark.parametrize("language", ["hi", "HI", "Hindi", "hindi", "HINDI", " hindi "])
def test_the_page_takes_a_language_by_name_or_code_in_any_case(client, catalogue, language):
    response = client.get("/events/", {"language": language})
    assert response.status_code == 200
    assert titles(response.context["events"]) == ["Machine Learning Lab"]
    assert '<option value="hi" selected>Hindi</option>' in response.content.decode()


def test_an_unknown_language_on_the_page_is_explained_and_the_rest_still_applies(client, catalogue):
    response = client.get("/events/", {"language": "Klingon", "kind": "workshop"})
    assert response.status_code == 200
    assert "We list no events in “Klingon”. Choose a language from the list." in response.content.decode()
    assert titles(response.context["events"]) == ["Machine Learning Lab"]


# Past events do not invite registration

SEATS_LEFT = re.compile(r"\d+ seats? left")


def test_past_event_cards_show_no_seats_left(client):
    factories.event("Old talk", starts_in=timedelta(days=-3), capacity=40)
    factories.event("New talk", starts_in=timedelta(days=3), capacity=40)

    upcoming = client.get("/events/").content.decode()
    past = client.get("/events/", {"when": "past"}).content.decode()

    assert "40 seats left" in upcoming
    assert "Old talk" in past and "Completed" in past
    assert not SEATS_LEFT.search(past)


def test_cancelled_event_cards_say_so_without_seats(client):
    factories.event("Called off", starts_in=timedelta(days=3), capacity=40, cancelled=True)
    page = client.get("/events/").content.decode()
    assert "Cancelled" in page and not SEATS_LEFT.search(page)


# Phones first: filters fold behind a "Filters" button that counts the active ones


def test_filters_fold_behind_a_button_that_counts_the_active_ones(client, catalogue):
    plain = client.get("/events/").content.decode()
    assert "<summary>Filters</summary>" in plain
    assert '<details class="filter-panel" data-open-when-wide>' in plain, (
        "folded until the script opens it on a wide screen"
    )

    filtered = client.get("/events/", {"q": "lab", "kind": "workshop", "language": "hi"}).content.decode()
    assert 'Filters <span class="badge filter-count">2<span class="visually-hidden"> active</span></span>' in filtered
    assert 'src="/static/cms/filters.js"' in filtered


def test_filters_with_an_error_start_open(client, catalogue):
    page = client.get("/events/", {"starts_after": "garbage"}).content.decode()
    assert '<details class="filter-panel" data-open-when-wide open>' in page
