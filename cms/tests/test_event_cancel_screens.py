"""Organizers cancel their events from the page editor and through the API; nobody else can."""

import pytest
from django.core import mail

from cms.tests import factories
from registry.actors import SYSTEM
from registry.models import EventRecord
from registry.services import registrations
from registry.services.events import event_cancel
from registry.tests.api import assert_problem, jwt_client, organizer
from registry.tests.factories import OrganizationFactory, StaffFactory, UserFactory, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def club_event():
    club = OrganizationFactory(name="Coding Club")
    page = factories.event("Hack night", organization=club)
    return club, page


def test_the_page_editor_offers_cancel_to_those_who_run_the_event(client, club_event):
    _, page = club_event
    signed_in(client, StaffFactory(is_superuser=True))

    assert f"/admin/events/{page.pk}/cancel/" in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    event_cancel(page_id=page.pk, actor=SYSTEM)
    assert f"/admin/events/{page.pk}/cancel/" not in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()


def test_the_events_organizers_confirm_the_cancellation_with_a_reason(
    client, club_event, django_capture_on_commit_callbacks
):
    club, page = club_event
    person = UserFactory()
    registrations.registration_create(page=page, email=person.email, full_name="P", user=person)
    signed_in(client, organizer(club))

    confirm = client.get(f"/admin/events/{page.pk}/cancel/").content.decode()
    assert "1 person registered or waiting is" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/events/{page.pk}/cancel/", {"reason": "Power cut."})

    assert response.status_code == 302
    assert EventRecord.objects.get(page_id=page.pk).cancellation_reason == "Power cut."
    assert "Power cut." in mail.outbox[-1].body
    assert "was cancelled on" in client.get(f"/admin/events/{page.pk}/cancel/").content.decode()
    assert "has been cancelled" in client.get(page.url).content.decode()


def test_another_organizations_organizer_is_refused(client, club_event):
    _, page = club_event
    signed_in(client, organizer(OrganizationFactory()))

    refused = client.post(f"/admin/events/{page.pk}/cancel/", {"reason": "Mine now"}, follow=True)

    assert "Only organizers of this event" in refused.content.decode()
    assert "registered or waiting" not in client.get(f"/admin/events/{page.pk}/cancel/", follow=True).content.decode()
    assert not EventRecord.objects.get(page_id=page.pk).is_cancelled


def test_the_api_cancels_for_the_events_organizers_only(club_event):
    club, page = club_event
    outsider = organizer(OrganizationFactory())

    assert_problem(jwt_client(outsider).post(f"/api/v1/events/{page.pk}/cancel", {}, format="json"), 403)
    assert_problem(jwt_client(UserFactory()).post(f"/api/v1/events/{page.pk}/cancel", {}, format="json"), 403)
    response = jwt_client(organizer(club)).post(f"/api/v1/events/{page.pk}/cancel", {"reason": "Rain."}, format="json")
    again = jwt_client(organizer(club)).post(f"/api/v1/events/{page.pk}/cancel", {}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["is_cancelled"]) == ("cancelled", True)
    assert "already cancelled" in assert_problem(again, 409)["detail"]
    assert_problem(jwt_client(organizer(club)).post("/api/v1/events/999999/cancel", {}, format="json"), 404)


def test_a_cancelled_event_says_so_on_its_page_in_the_listing_and_in_its_calendar(client, club_event):
    _, page = club_event

    event_cancel(page_id=page.pk, actor=SYSTEM)

    assert "has been cancelled" in client.get(page.url).content.decode()
    assert "is-cancelled" in client.get("/events/").content.decode()
    assert b"STATUS:CANCELLED" in client.get(f"{page.url}event.ics").content
