"""Organizers write their organization's events through the API: the same revisions, workflow and rules as the
page editor, and nothing of another organization's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cms import sections
from cms.models import EventPage
from cms.tests import factories
from registry.models import EventRecord, Membership, Role
from registry.tests.factories import MembershipFactory, OrganizationFactory, RegistrationFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clubs():
    factories.event_index()
    club = OrganizationFactory(name="Coding Club", slug="coding-club")
    society = OrganizationFactory(name="Literary Society", slug="literary-society", publishes_events_directly=True)
    return club, society


def organizer_of(client, organization, role=Membership.Role.ORGANIZER):
    person = UserFactory(in_roles=[Role.ORGANIZER])
    MembershipFactory(user=person, organization=organization, role=role)
    return signed_in(client, person)


def when(days: int, hours: int = 0) -> str:
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=days, hours=hours)
    return start.isoformat()


def new_event(organization: str, **extra) -> dict:
    return {
        "title": "Git Basics",
        "summary": "Branches and merges.",
        "kind": "workshop",
        "starts_at": when(10),
        "ends_at": when(10, 3),
        "organization": organization,
        "capacity": 40,
        "sessions": [
            {"title": "Branches", "starts_at": when(10), "ends_at": when(10, 1)},
            {"title": "Merges", "starts_at": when(10, 1), "ends_at": when(10, 3)},
        ],
        **extra,
    }


def test_an_organizer_creates_a_draft_in_their_section_and_submits_it_for_review(clubs, client):
    club, _ = clubs
    organizer_of(client, club)

    response = client.post(
        "/api/v1/events", new_event("coding-club", publication="submit"), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    page = EventPage.objects.get(pk=body["id"])
    assert page.get_parent().pk == sections.section_of(club).pk and page.organization_id == club.pk
    assert body["in_review"] and not body["live"] and page.workflow_in_progress
    assert [s.title for s in page.get_latest_revision_as_object().sessions.all()] == ["Branches", "Merges"]


def test_an_organizer_of_a_reviewed_organization_cannot_publish_directly(clubs, client):
    club, _ = clubs
    organizer_of(client, club)
    response = client.post(
        "/api/v1/events", new_event("coding-club", publication="publish"), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Your organization's events are reviewed")
    assert not EventPage.objects.filter(title="Git Basics").exists(), "nothing is left behind"


def test_a_trusted_organization_publishes_and_registry_takes_its_record(clubs, client):
    _, society = clubs
    organizer_of(client, society)
    response = client.post(
        "/api/v1/events", new_event("literary-society", publication="publish"), content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["live"]
    record = EventRecord.objects.get(page_id=response.json()["id"])
    assert record.organization_id == society.pk and record.capacity == 40


def test_nobody_writes_another_organizations_events_or_events_for_none(clubs, client):
    club, society = clubs
    theirs = factories.event("Poetry Evening", organization=society)
    organizer_of(client, club)

    assert (
        client.post("/api/v1/events", new_event("literary-society"), content_type="application/json").status_code == 403
    )
    assert client.post("/api/v1/events", new_event(None), content_type="application/json").status_code == 403
    changed = client.patch(f"/api/v1/events/{theirs.pk}", {"title": "Mine now"}, content_type="application/json")
    assert changed.status_code == 403
    assert client.delete(f"/api/v1/events/{theirs.pk}").status_code == 403
    assert (
        client.post(f"/api/v1/events/{theirs.pk}/duplicate", {"days": 7}, content_type="application/json").status_code
        == 403
    )
    theirs.refresh_from_db()
    assert theirs.title == "Poetry Evening" and EventPage.objects.count() == 1


def test_attendees_and_anonymous_visitors_cannot_write(clubs, client):
    club, _ = clubs
    assert client.post("/api/v1/events", new_event("coding-club"), content_type="application/json").status_code in (
        401,
        403,
    )
    signed_in(client, UserFactory(), second_factor=False)
    assert client.post("/api/v1/events", new_event("coding-club"), content_type="application/json").status_code == 403


def test_changing_an_event_saves_a_revision_and_publishing_it_tells_registrants(clubs, client):
    _, society = clubs
    event = factories.event("Poetry Evening", organization=society, starts_in=timedelta(days=5))
    RegistrationFactory(page_id=event.pk, email="reader@example.org")
    organizer_of(client, society)

    draft = client.patch(f"/api/v1/events/{event.pk}", {"summary": "Now with music."}, content_type="application/json")
    assert draft.status_code == 200
    assert EventPage.objects.get(pk=event.pk).summary == "A good event.", "a draft leaves the live page alone"
    moved = client.patch(
        f"/api/v1/events/{event.pk}",
        {"starts_at": when(6), "ends_at": when(6, 2), "publication": "publish"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.json()
    live = EventPage.objects.get(pk=event.pk)
    assert live.summary == "Now with music." and live.revisions.count() == 3
    from registry.models import Message

    assert Message.objects.filter(address="reader@example.org", kind="event_changed").exists()


def test_an_event_people_registered_for_is_cancelled_not_deleted(clubs, client):
    _, society = clubs
    event = factories.event("Poetry Evening", organization=society)
    RegistrationFactory(page_id=event.pk)
    organizer_of(client, society)

    response = client.delete(f"/api/v1/events/{event.pk}")

    assert response.status_code == 409 and "cancel it instead" in response.json()["detail"]
    assert EventPage.objects.filter(pk=event.pk).exists()


def test_a_draft_nobody_registered_for_is_deleted(clubs, client):
    club, _ = clubs
    organizer_of(client, club)
    created = client.post("/api/v1/events", new_event("coding-club"), content_type="application/json").json()
    assert client.delete(f"/api/v1/events/{created['id']}").status_code == 204
    assert not EventPage.objects.filter(pk=created["id"]).exists()


def test_duplicating_makes_a_draft_a_week_later_with_its_sessions_and_nothing_else(clubs, client):
    _, society = clubs
    event = factories.event("Poetry Evening", organization=society, sessions=2, capacity=30)
    RegistrationFactory(page_id=event.pk)
    organizer_of(client, society)

    response = client.post(f"/api/v1/events/{event.pk}/duplicate", {"days": 7}, content_type="application/json")

    assert response.status_code == 201, response.json()
    copy = EventPage.objects.get(pk=response.json()["id"])
    assert not copy.live and copy.get_parent().pk == event.get_parent().pk and copy.organization_id == society.pk
    assert copy.starts_at == event.starts_at + timedelta(days=7) and copy.capacity == 30
    sessions = list(copy.sessions.order_by("starts_at"))
    originals = list(event.sessions.order_by("starts_at"))
    assert [s.starts_at for s in sessions] == [s.starts_at + timedelta(days=7) for s in originals]
    assert not EventRecord.objects.filter(page_id=copy.pk).exists(), "a draft has no registrations or seats"


def test_an_event_that_breaks_its_own_rules_is_a_400_naming_the_field(clubs, client):
    club, _ = clubs
    organizer_of(client, club)

    backwards = client.post(
        "/api/v1/events", new_event("coding-club", ends_at=when(9), sessions=[]), content_type="application/json"
    )
    outside = client.post(
        "/api/v1/events",
        new_event("coding-club", sessions=[{"title": "Early", "starts_at": when(9), "ends_at": when(10)}]),
        content_type="application/json",
    )

    assert backwards.status_code == 400 and "ends_at" in backwards.json()["errors"]
    assert outside.status_code == 400 and "sessions" in outside.json()["errors"]
    assert not EventPage.objects.filter(title="Git Basics").exists()
