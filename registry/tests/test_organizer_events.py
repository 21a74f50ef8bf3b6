"""My events: an organizer's events of their organizations (every event for staff admins), each with its registration,
approval, check-in and seat figures — the selector, the back-office page at /staff/my-events/ and the API at
/api/v1/organizer/events."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry import selectors
from registry.models import Attendance, EventRecord, Membership, RegistrationStatus, Role
from registry.tests.api import assert_problem, jwt_client
from registry.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
    make_event,
    signed_in,
)

pytestmark = pytest.mark.django_db

PAGE = "/staff/my-events/"
API = "/api/v1/organizer/events"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def event(title: str, *, organization=None, starts_in: timedelta, hours: int = 3, capacity: int | None = 10):
    now = timezone.now()
    return make_event(
        title=title,
        organization_id=organization.pk if organization else None,
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=hours),
        capacity=capacity,
    )


def register(page, status: str, *, n: int = 1, check_in_sessions: tuple[int, ...] = ()) -> list:
    made = RegistrationFactory.create_batch(n, page_id=page.pk, status=status)
    for registration in made:
        for session in check_in_sessions:
            Attendance.objects.create(registration=registration, session=session)
    return made


def seats_taken(page, taken: int) -> None:
    """What the registration service keeps on the record as seats are held (the factory writes rows only)."""
    EventRecord.objects.filter(page_id=page.pk).update(seats_taken=taken)


def organizer_of(organization, **kwargs):
    user = UserFactory(is_staff=True, in_roles=[Role.ORGANIZER], **kwargs)
    MembershipFactory(user=user, organization=organization, role=Membership.Role.ORGANIZER)
    return user


def figures(row) -> dict:
    return {
        "status": row.status,
        "registered": row.registered,
        "confirmed": row.confirmed,
        "waitlisted": row.waitlisted,
        "pending": row.pending,
        "checked_in": row.checked_in,
        "seats_left": row.seats_left,
    }


@pytest.fixture
def campus():
    """Two clubs. The coding club has an event under way, one next week with every kind of registration, one that
    ended and one it called off; the robotics club has one of its own, and one event belongs to nobody."""
    coding, robotics = OrganizationFactory(name="Coding Club"), OrganizationFactory(name="Robotics Club")
    open_day = event("Open day", organization=coding, starts_in=-HOUR, capacity=None)
    hack_night = event("Hack Night", organization=coding, starts_in=7 * DAY)
    last_term = event("Last term's talk", organization=coding, starts_in=-30 * DAY)
    clinic = event("Startup clinic", organization=coding, starts_in=3 * DAY)
    robot_race = event("Robot race", organization=robotics, starts_in=2 * DAY)
    orphan = event("Nobody's meetup", starts_in=4 * DAY)

    register(open_day, RegistrationStatus.CONFIRMED, n=3, check_in_sessions=(0,))
    register(hack_night, RegistrationStatus.CONFIRMED, check_in_sessions=(0, 7))  # two check-ins, one person
    register(hack_night, RegistrationStatus.CONFIRMED)
    register(hack_night, RegistrationStatus.AWAITING_CONFIRMATION)
    register(hack_night, RegistrationStatus.PENDING, n=2)
    register(hack_night, RegistrationStatus.WAITLISTED)
    for gone in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED, RegistrationStatus.EXPIRED):
        register(hack_night, gone)
    seats_taken(hack_night, 5)  # confirmed, awaiting confirmation and pending hold seats; the waitlisted one waits
    register(last_term, RegistrationStatus.CONFIRMED, n=2, check_in_sessions=(0,))
    register(last_term, RegistrationStatus.CONFIRMED)
    register(robot_race, RegistrationStatus.CONFIRMED, n=4)
    EventRecord.objects.filter(page_id=clinic.pk).update(is_cancelled=True)  # as cancelling the event does

    return {
        "coding": coding,
        "robotics": robotics,
        "open_day": open_day,
        "hack_night": hack_night,
        "last_term": last_term,
        "clinic": clinic,
        "robot_race": robot_race,
        "orphan": orphan,
        "organizer": organizer_of(coding),
        "robotics_organizer": organizer_of(robotics),
        "staff_admin": StaffFactory(),
    }


def titles(rows) -> list[str]:
    return [row.title for row in rows]


# --- what the selector answers -------------------------------------------------------------------------------


def test_an_organizer_sees_their_clubs_upcoming_events_soonest_first_with_every_figure(campus):
    rows = list(selectors.organizer_events(user=campus["organizer"]))

    assert titles(rows) == ["Open day", "Hack Night"], "the cancelled clinic waits under past; the race is not theirs"
    open_day, hack_night = rows
    assert figures(open_day) == {
        "status": "ongoing",
        "registered": 3,
        "confirmed": 3,
        "waitlisted": 0,
        "pending": 0,
        "checked_in": 3,
        "seats_left": None,
    }, "no capacity: no limit"
    assert figures(hack_night) == {
        "status": "scheduled",
        "registered": 6,  # 2 confirmed + 1 awaiting confirmation + 2 awaiting approval + 1 waitlisted
        "confirmed": 2,
        "waitlisted": 1,
        "pending": 2,
        "checked_in": 1,  # checked in to the event and a session: one person
        "seats_left": 5,
    }, "cancelled, rejected and expired registrations count nowhere"


def test_past_lists_events_that_ended_or_were_called_off_latest_first(campus):
    rows = list(selectors.organizer_events(user=campus["organizer"], when="past"))

    assert titles(rows) == ["Startup clinic", "Last term's talk"]
    assert [row.status for row in rows] == ["cancelled", "completed"]
    assert (rows[1].confirmed, rows[1].checked_in) == (3, 2)


def test_an_organizer_never_sees_another_clubs_events(campus):
    theirs = [
        *selectors.organizer_events(user=campus["robotics_organizer"]),
        *selectors.organizer_events(user=campus["robotics_organizer"], when="past"),
    ]

    assert titles(theirs) == ["Robot race"]


def test_a_staff_admin_sees_every_clubs_events_and_those_of_no_club(campus):
    rows = selectors.organizer_events(user=campus["staff_admin"])

    assert titles(rows) == ["Open day", "Robot race", "Nobody's meetup", "Hack Night"]


def test_search_finds_events_by_a_part_of_their_title_whatever_the_case(campus):
    assert titles(selectors.organizer_events(user=campus["staff_admin"], q="  night ")) == ["Hack Night"]
    assert titles(selectors.organizer_events(user=campus["organizer"], q="robot")) == []


def test_someone_who_organizes_nothing_sees_no_events(campus):
    assert list(selectors.organizer_events(user=UserFactory(is_staff=True))) == []


def test_an_unknown_when_is_refused_rather_than_guessed(campus):
    with pytest.raises(ValueError, match="upcoming"):
        selectors.organizer_events(user=campus["organizer"], when="soon")


def test_the_figures_cost_one_query_however_many_events_and_registrations(campus, django_assert_num_queries):
    user = campus["staff_admin"]
    list(selectors.organizer_events(user=user))  # loads the person's permissions once, as a request does
    for n in range(10):
        more = event(f"Extra {n}", organization=campus["coding"], starts_in=(10 + n) * DAY)
        register(more, RegistrationStatus.CONFIRMED, n=2, check_in_sessions=(0,))
        register(more, RegistrationStatus.WAITLISTED)

    with django_assert_num_queries(1):
        rows = list(selectors.organizer_events(user=user))

    assert len(rows) == 14
    assert {(row.confirmed, row.waitlisted, row.checked_in) for row in rows if row.title.startswith("Extra")} == {
        (2, 1, 2)
    }


# --- the back-office page ------------------------------------------------------------------------------------


def test_the_page_shows_an_organizer_their_events_with_links_to_registrations_and_check_in(campus):
    response = signed_in(Client(), campus["organizer"]).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    shown = {row.title: figures(row) for row in response.context["page_obj"]}
    assert list(shown) == ["Open day", "Hack Night"]
    assert shown["Hack Night"]["registered"] == 6 and shown["Hack Night"]["checked_in"] == 1
    assert "<title>My events |" in html
    hack_night = campus["hack_night"].pk
    assert f'href="/staff/registry/registration/?page__id__exact={hack_night}"' in html
    assert f'href="/staff/registry/eventrecord/{hack_night}/checkin/"' in html
    assert "Happening now" in html and "No limit" in html
    assert "Robot race" not in html


def test_the_page_is_readable_on_a_phone_and_by_a_screen_reader(campus):
    html = signed_in(Client(), campus["organizer"]).get(PAGE).content.decode()

    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="' in html
    assert "<caption>2 upcoming events; soonest first</caption>" in html
    table = html.partition('<table id="result_list">')[2].partition("</table>")[0]
    assert table.count('<th scope="col">') == 11
    hack_night = campus["hack_night"].pk
    assert f'<th scope="row"><a href="/staff/events/{hack_night}/">Hack Night</a></th>' in table  # its control room
    assert '<label for="id_when">Show</label>' in html and '<label for="id_q">Search by title</label>' in html
    assert 'Registrations<span class="visually-hidden"> for Hack Night</span>' in html


def test_past_events_on_the_page_offer_no_check_in_for_a_cancelled_one(campus):
    response = signed_in(Client(), campus["organizer"]).get(PAGE, {"when": "past"})

    html = response.content.decode()
    assert titles(response.context["page_obj"]) == ["Startup clinic", "Last term's talk"]
    assert f"/staff/registry/eventrecord/{campus['clinic'].pk}/checkin/" not in html
    assert f"/staff/registry/eventrecord/{campus['last_term'].pk}/checkin/" in html


def test_a_staff_admin_sees_every_clubs_events_on_the_page(campus):
    response = signed_in(Client(), campus["staff_admin"]).get(PAGE)

    assert titles(response.context["page_obj"]) == ["Open day", "Robot race", "Nobody's meetup", "Hack Night"]
    assert "of every organization" in response.content.decode()


def test_staff_with_no_organization_are_told_so(campus):
    html = signed_in(Client(), UserFactory(is_staff=True)).get(PAGE).content.decode()

    assert "You do not organize events for any organization yet." in html
    assert "<table" not in html


def test_a_search_with_no_match_says_so_and_an_unknown_filter_falls_back_to_upcoming(campus):
    client = signed_in(Client(), campus["organizer"])

    nothing = client.get(PAGE, {"q": "robot"}).content.decode()
    unknown = client.get(PAGE, {"when": "soon"})

    assert "No upcoming events match “robot”." in nothing
    assert unknown.status_code == 200
    assert titles(unknown.context["page_obj"]) == ["Open day", "Hack Night"]
    assert 'role="alert"' in unknown.content.decode()


def test_the_page_shows_25_events_at_a_time_and_keeps_the_filters_across_pages(campus):
    for n in range(26):
        event(f"Weekly lab {n:02d}", organization=campus["coding"], starts_in=(20 + n) * DAY)
    client = signed_in(Client(), campus["organizer"])

    first = client.get(PAGE, {"q": "lab"})
    second = client.get(PAGE, {"q": "lab", "page": 2})

    assert len(first.context["page_obj"]) == 25
    assert titles(second.context["page_obj"]) == ["Weekly lab 25"]
    assert 'href="?q=lab&amp;page=2" rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def queries_for(client, url: str) -> int:
    client.get(url)  # warm caches (content types, site, permissions) so both counts measure the same work
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_many_events_it_lists(campus, django_assert_num_queries):
    client = signed_in(Client(), campus["organizer"])
    few = queries_for(client, PAGE)
    for n in range(12):
        more = event(f"Extra {n}", organization=campus["coding"], starts_in=(10 + n) * DAY)
        register(more, RegistrationStatus.CONFIRMED, n=2, check_in_sessions=(0,))
        register(more, RegistrationStatus.PENDING)

    with django_assert_num_queries(few):
        response = client.get(PAGE)

    assert len(response.context["page_obj"]) == 14


def test_the_back_office_home_links_to_my_events(campus):
    html = signed_in(Client(), campus["organizer"]).get("/staff/").content.decode()

    assert f'<a href="{PAGE}">' in html


# --- the API -------------------------------------------------------------------------------------------------


def test_the_api_lists_an_organizers_events_with_their_figures(campus):
    response = jwt_client(campus["organizer"]).get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["title"] for row in body["results"]] == ["Open day", "Hack Night"]
    hack_night = campus["hack_night"]
    record = EventRecord.objects.get(page_id=hack_night.pk)
    assert body["results"][1] == {
        "id": hack_night.pk,
        "title": "Hack Night",
        "organization": {"slug": campus["coding"].slug, "name": "Coding Club"},
        "starts_at": timezone.localtime(record.starts_at).isoformat(),
        "ends_at": timezone.localtime(record.ends_at).isoformat(),
        "status": "scheduled",
        "status_display": "Scheduled",
        "capacity": 10,
        "registered": 6,
        "confirmed": 2,
        "waitlisted": 1,
        "pending": 2,
        "checked_in": 1,
        "seats_left": 5,
    }
    assert body["results"][0]["seats_left"] is None and body["results"][0]["status_display"] == "Happening now"


def test_the_api_filters_by_when_and_title_and_never_shows_another_clubs_events(campus):
    organizer = jwt_client(campus["organizer"])
    robotics = jwt_client(campus["robotics_organizer"])

    past = organizer.get(API, {"when": "past"}).json()["results"]
    searched = organizer.get(API, {"q": "hack"}).json()["results"]

    assert [(row["title"], row["status"]) for row in past] == [
        ("Startup clinic", "cancelled"),
        ("Last term's talk", "completed"),
    ]
    assert [row["title"] for row in searched] == ["Hack Night"]
    assert [row["title"] for row in robotics.get(API).json()["results"]] == ["Robot race"]
    assert robotics.get(API, {"when": "past"}).json()["results"] == []


def test_the_api_shows_a_staff_admin_every_event(campus):
    body = jwt_client(campus["staff_admin"]).get(API).json()

    assert [row["title"] for row in body["results"]] == ["Open day", "Robot race", "Nobody's meetup", "Hack Night"]
    assert body["results"][2]["organization"] is None


def test_the_api_answers_someone_who_organizes_nothing_with_an_empty_list(campus):
    response = jwt_client(UserFactory(in_roles=[Role.ATTENDEE])).get(API)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_api_asks_who_is_calling(campus):
    assert_problem(jwt_client().get(API), 401)


@pytest.mark.parametrize("query", [{"when": "soon"}, {"when": ""}, {"q": "x" * 201}, {"page": "0"}])
def test_the_api_refuses_filters_it_cannot_read(campus, query):
    body = assert_problem(jwt_client(campus["organizer"]).get(API, query), 400)

    assert set(body["errors"]) == set(query)


def test_the_api_pages_its_list(campus):
    client = jwt_client(campus["staff_admin"])

    first = client.get(API, {"page_size": 3}).json()
    second = client.get(API, {"page_size": 3, "page": 2}).json()

    assert first["count"] == 4 and len(first["results"]) == 3 and "page=2" in first["next"]
    assert [row["title"] for row in second["results"]] == ["Hack Night"]


def test_the_api_costs_the_same_queries_however_many_events_it_lists(campus, django_assert_num_queries):
    client = jwt_client(campus["organizer"])
    client.get(API)  # warm caches
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    for n in range(12):
        more = event(f"Extra {n}", organization=campus["coding"], starts_in=(10 + n) * DAY)
        register(more, RegistrationStatus.CONFIRMED, n=2, check_in_sessions=(0,))

    with django_assert_num_queries(len(few)):
        body = client.get(API).json()

    assert body["count"] == 14
