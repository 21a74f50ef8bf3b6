"""The back office's home (/staff/) is shaped by the person's role: an organizer sees their events today and ahead
with live figures and the day's actions, a mentor the claims waiting for them, a staff admin the inbox, this month
and the latest activity. What it reads costs the same number of queries however many events there are."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from registry.models import EventRecord, Membership, Role
from registry.tests.factories import MembershipFactory, UserFactory, signed_in

from .home_world import build_day, club_event, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return build_day()


def home_of(user) -> str:
    response = signed_in(Client(), user).get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_organizer_sees_todays_events_of_their_organization_with_live_figures(day):
    html = home_of(day.organizer)

    assert "Your events today and ahead" in html
    assert "Hack Night" in html and "Git for beginners" in html and "Open day" in html
    assert "Robot wars" not in html  # another organization's event
    hack_night = html.split('id="event-')[1]  # the first card: the event on now
    assert "Hack Night" in hack_night and "On now" in hack_night
    assert "<dt>Registered</dt><dd>24</dd>" in hack_night
    assert "<dt>Checked in</dt><dd>8</dd>" in hack_night
    assert "<dt>Seats left</dt><dd>16</dd>" in hack_night  # 40 seats


def action_url(name: str, page_id: int, today: str) -> str:
    """The event control room's page for an action when it is installed, else the page that does it today."""
    try:
        return reverse(name, args=[page_id])
    except NoReverseMatch:
        return today


def test_each_event_on_the_home_has_its_days_actions_one_click_away(day):
    html = home_of(day.organizer)
    on_now = html.split('id="event-')[1]  # the first card: the event on now
    page_id = day.on_now.pk

    assert f'href="/staff/registry/eventrecord/{page_id}/checkin/"' in on_now
    registrations = f"/staff/registry/registration/?page__id__exact={page_id}"
    assert f'href="{action_url("staff_event_participants", page_id, registrations)}"' in on_now
    assert f'href="{action_url("staff_event_attendance", page_id, "/staff/registry/attendance/import/")}"' in on_now
    record = EventRecord.objects.get(page_id=page_id)
    batch = f"/staff/registry/certificatebatch/add/?event={record.pk}"
    assert f'href="{action_url("staff_event_certificates", page_id, batch)}"' in on_now  # it has started
    messages = f"/staff/registry/message/?page__id__exact={page_id}"
    assert f'href="{action_url("staff_event_messages", page_id, messages)}"' in on_now
    assert ">Certificates<" not in html.split("Coming up")[1]  # nothing to certify yet


def test_a_mentor_sees_how_many_claims_wait_and_the_way_to_the_inbox(day):
    html = home_of(day.mentor)

    assert "3 claims to approve or reject" in html
    assert 'href="/staff/inbox/?kind=credit_claim"' in html
    assert "Your events today and ahead" not in html  # a mentor runs no events


def test_a_staff_admin_sees_the_inbox_this_month_and_the_latest_activity(day):
    html = home_of(day.staff_admin)

    assert "Waiting for your decision" in html and "in your inbox" in html
    assert "This month so far" in html
    for figure in ("People joined", "Events", "Registrations", "Check-ins", "Certificates issued", "Credits approved"):
        assert f"<dt>{figure}</dt>" in html
    assert "<dt>Check-ins</dt><dd>8</dd>" in html
    assert "Latest changes" in html and "Latest messages sent" in html
    assert "Robot wars" in html  # staff admins see every organization's events


def sidebar(html: str) -> str:
    return html.split('id="nav-sidebar-inner"')[1].split("</nav>")[0]


def test_the_sidebar_is_arranged_by_task_and_names_no_table_or_app(day):
    nav = sidebar(home_of(day.staff_admin))

    headings = [re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", nav, re.S)]
    assert [h for h in headings if h in GROUPS] == list(GROUPS), headings
    for developer_word in ("AXES", "OTP_STATIC", "TOKEN BLACKLIST", "TAGGIT", "Event records", "Access attempts"):
        assert developer_word not in nav
    assert "Sign-in lockouts" in nav and "Inbox" in nav


GROUPS = ("Today", "Events", "People", "Approvals", "Reports", "Settings")


def test_the_sidebar_shows_each_person_only_what_they_may_open(day):
    organizer_html, mentor_html = sidebar(home_of(day.organizer)), sidebar(home_of(day.mentor))

    assert "Certificate templates" not in organizer_html and "Sign-in lockouts" not in organizer_html
    assert "Check-in" in organizer_html or "Events and check-in" in organizer_html
    assert "Registrations" not in mentor_html and "My events" not in mentor_html
    assert "Credits" in mentor_html


def test_both_admins_link_to_each_other_from_the_home(day):
    html = home_of(day.organizer)

    assert 'href="/admin/"' in html


def _queries_for_home(user) -> int:
    client = signed_in(Client(), user)
    client.get("/staff/")  # warm caches (content types, site, permissions) so both counts measure the same work
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff/").status_code == 200
    return len(queries)


def test_the_homes_query_count_does_not_grow_with_events_or_participants(day):
    organization = day.club
    newcomer = UserFactory(is_staff=True, in_roles=[Role.ORGANIZER, Role.MENTOR])
    MembershipFactory(user=newcomer, organization=organization, role=Membership.Role.ORGANIZER)
    few = {role: _queries_for_home(user) for role, user in (("organizer", newcomer), ("admin", day.staff_admin))}

    for n in range(18):  # 2 events (plus today's three) become 20, each with people registered and checked in
        event = club_event(f"Workshop {n}", organization, starts_in=timedelta(days=2, hours=n))
        registered(event, 3, checked_in=1)
    many = {role: _queries_for_home(user) for role, user in (("organizer", newcomer), ("admin", day.staff_admin))}

    assert many == few


def test_lists_are_titled_in_staff_words_without_app_or_table_names(day):
    client = signed_in(Client(), day.staff_admin)

    for url, words in [
        ("/staff/registry/eventrecord/", "Events"),
        ("/staff/registry/user/", "People"),
        ("/staff/axes/accessattempt/", "Sign-in lockouts"),
        ("/staff/registry/creditentry/", "Credits"),
    ]:
        html = client.get(url).content.decode()
        header = html.split('<h1 class="overflow-hidden')[1].split("</h1>")[0]
        assert words in header, url
        for developer_word in ("Registry", "Axes", "Event records", "Access attempts", "Credit entries", "Users"):
            assert developer_word not in header, (url, developer_word)
        title = html.split("<title>")[1].split("</title>")[0]
        assert "event record" not in title.lower() and "access attempt" not in title.lower(), title
