"""The event page: what a visitor sees, its lifecycle status, and the rules editors are held to."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.models import EventPage, EventStatus, RegistrationQuestion
from cms.tests import factories
from registry.actors import SYSTEM
from registry.services.events import event_cancel
from registry.services.registrations import registration_create
from registry.tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_status_follows_the_clock_and_cancelled_is_the_organizers_call():
    event = factories.event(starts_in=timedelta(days=1), duration=timedelta(hours=2))
    assert event.status == EventStatus.SCHEDULED
    with time_machine.travel(event.starts_at + timedelta(minutes=30)):
        assert event.status == EventStatus.ONGOING
    with time_machine.travel(event.ends_at + timedelta(minutes=1)):
        assert event.status == EventStatus.COMPLETED
    event_cancel(page_id=event.pk, actor=SYSTEM)
    assert EventPage.objects.get(pk=event.pk).status == EventStatus.CANCELLED


def test_visitor_sees_the_event_with_its_sessions_speakers_partners_and_seats(client):
    hall = VenueFactory(name="Seminar Hall", capacity=200)
    speaker, partner = factories.speaker("Grace Hopper"), factories.partner("Compiler Co")
    event = factories.event(
        "Compilers Workshop",
        venue=hall,
        capacity=40,
        sessions=2,
        speakers=[speaker],
        partners=[partner],
        session_speakers=[speaker],
    )
    page = client.get(event.url).content.decode()
    assert '<h1 id="event-title">Compilers Workshop</h1>' in page
    assert "Session 1" in page and "Session 2" in page
    assert 'href="/speakers/grace-hopper/">Grace Hopper</a>' in page
    assert "Compiler Co" in page and "Seminar Hall" in page
    assert "40 left" in page
    assert f'href="{event.url}event.ics"' in page
    assert "calendar.google.com" in page
    assert 'property="og:title" content="Compilers Workshop"' in page
    assert 'name="description" content="A good event."' in page


def test_cancelled_event_says_so(client):
    event = factories.event("Rained Out", cancelled=True)
    page = client.get(event.url).content.decode()
    assert "has been cancelled" in page and "Cancelled" in page


def test_draft_speakers_and_partners_are_not_shown_on_the_event(client):
    draft_speaker, draft_partner = factories.speaker("Not Yet", live=False), factories.partner("Hush Inc", live=False)
    event = factories.event(
        speakers=[draft_speaker], partners=[draft_partner], sessions=1, session_speakers=[draft_speaker]
    )
    page = client.get(event.url).content.decode()
    assert "Not Yet" not in page and "Hush Inc" not in page


def test_unpublished_event_is_not_public(client):
    event = factories.event(live=False)
    assert client.get(f"/events/{event.slug}/").status_code == 404


def test_registration_questions_build_a_django_form():
    event = factories.event()
    RegistrationQuestion.objects.create(page=event, label="Dietary needs", field_type="multiline", required=False)
    RegistrationQuestion.objects.create(page=event, label="Year", field_type="dropdown", choices="1\n2\n3\n4")
    form = event.registration_form_class()({"dietary_needs": "", "year": "2"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"dietary_needs": "", "year": "2"}


def test_a_new_question_is_optional_and_a_required_dropdown_starts_on_an_empty_choice():
    event = factories.event()
    assert RegistrationQuestion(page=event, label="Anything else?").required is False
    RegistrationQuestion.objects.create(
        page=event, label="Year", field_type="dropdown", choices="1\n2\n3\n4", required=True
    )
    form_class = event.registration_form_class()

    assert form_class().fields["year"].choices[0] == ("", "Choose…")
    unanswered = form_class({"year": ""})
    assert not unanswered.is_valid() and "year" in unanswered.errors


def validation_errors(page: EventPage) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    return caught.value.message_dict


def unsaved_event(**fields) -> EventPage:
    starts = timezone.now() + timedelta(days=3)
    defaults = {
        "title": "Draft",
        "slug": "draft",
        "summary": "s",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
    }
    page = EventPage(**{**defaults, **fields})
    page.path, page.depth = "00019999", 3  # full_clean needs tree fields; the page is never saved
    return page


def test_the_event_must_end_after_it_starts():
    now = timezone.now()
    errors = validation_errors(unsaved_event(starts_at=now, ends_at=now - timedelta(hours=1)))
    assert errors["ends_at"] == ["The event must end after it starts."]


def test_registration_must_close_before_the_event_ends():
    page = unsaved_event()
    page.registration_closes_at = page.ends_at + timedelta(minutes=1)
    assert validation_errors(page)["registration_closes_at"] == ["Registration must close before the event ends."]


def test_capacity_cannot_be_negative():
    assert "capacity" in validation_errors(unsaved_event(capacity=-1))


def test_an_image_needs_alt_text():
    picture = factories.image()
    errors = validation_errors(unsaved_event(image=picture))
    assert errors["image_alt"] == ["Describe the image for people who cannot see it."]
    assert "image_alt" not in validation_errors(
        unsaved_event(image=picture, image_alt="Students at a hackathon", capacity=-1)
    )


def test_admin_form_keeps_sessions_inside_the_event_and_ending_after_they_start(client):
    factories.verified_admin_client(client)
    event = factories.event(sessions=1)
    starts, fmt = timezone.localtime(event.starts_at), "%Y-%m-%d %H:%M"
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "summary": event.summary,
            "kind": "event",
            "language": "en",
            "body": streamfield([]),
            "starts_at": starts.strftime(fmt),
            "ends_at": (starts + timedelta(hours=3)).strftime(fmt),
            "attendance_threshold": 75,
            "credit_points": 0,
            "sessions": inline_formset(
                [
                    {
                        "title": "Too early",
                        "session_speakers": inline_formset([]),
                        "starts_at": (starts - timedelta(hours=1)).strftime(fmt),
                        "ends_at": starts.strftime(fmt),
                        "description": "",
                    },
                    {
                        "title": "Too late",
                        "session_speakers": inline_formset([]),
                        "starts_at": (starts + timedelta(hours=2)).strftime(fmt),
                        "ends_at": (starts + timedelta(hours=4)).strftime(fmt),
                        "description": "",
                    },
                    {
                        "title": "Backwards",
                        "session_speakers": inline_formset([]),
                        "starts_at": (starts + timedelta(hours=2)).strftime(fmt),
                        "ends_at": (starts + timedelta(hours=1)).strftime(fmt),
                        "description": "",
                    },
                ]
            ),
            "registration_questions": inline_formset([]),
            "event_speakers": inline_formset([]),
            "event_partners": inline_formset([]),
        }
    )
    response = client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 200, "an invalid form is shown again"
    page = response.content.decode()
    assert "A session cannot start before the event starts." in page
    assert "A session cannot end after the event ends." in page
    assert "A session must end after it starts." in page


# Past events do not invite registration; an open one offers a jump to its form near the top

JUMP_TO_REGISTER = '<p class="jump"><a class="button" href="#register">Register</a></p>'


def test_an_open_event_offers_a_register_jump_to_its_form_near_the_top(client):
    event = factories.event("Open day", capacity=30)
    page = client.get(event.url).content.decode()
    assert JUMP_TO_REGISTER in page
    assert page.index(JUMP_TO_REGISTER) < page.index('class="facts"'), "before the details, not after them"
    assert 'id="register"' in page and "30 left" in page


def test_a_full_event_with_a_waitlist_jumps_to_join_it(client):
    event = factories.event("Tiny room", capacity=0)
    page = client.get(event.url).content.decode()
    assert '<a class="button" href="#register">Join the waitlist</a>' in page


@pytest.mark.parametrize(
    "fields",
    [{"starts_in": timedelta(days=-2)}, {"cancelled": True}, {"capacity": 0, "waitlist_enabled": False}],
    ids=["past", "cancelled", "full-without-waitlist"],
)
def test_no_register_jump_where_nobody_can_register(client, fields):
    event = factories.event("Closed", **fields)
    page = client.get(event.url).content.decode()
    assert 'href="#register"' not in page


def test_a_past_event_shows_no_seats_left(client):
    event = factories.event("Last week's talk", starts_in=timedelta(days=-7), capacity=40)
    page = client.get(event.url).content.decode()
    assert "Completed" in page and "Registration for this event has closed." in page
    assert "<dt>Seats</dt>" not in page and "40 left" not in page


def test_a_cancelled_event_says_it_has_no_seats(client):
    event = factories.event("Rained Out", capacity=40, cancelled=True)
    page = client.get(event.url).content.decode()
    assert "<dt>Seats</dt><dd>None: this event is cancelled</dd>" in page and "40 left" not in page


def test_someone_registered_jumps_to_their_registration_and_cancelling_looks_unlike_the_calendar(client):
    event = factories.event("Robotics 101", capacity=10)
    person = UserFactory()
    registration_create(page=event, email=person.email, full_name="Ada Lovelace", user=person)
    client.force_login(person, backend="registry.backends.AuthenticationBackend")

    page = client.get(event.url).content.decode()

    assert '<a class="button secondary" href="#register">Your registration</a>' in page
    assert 'class="button danger" href="/registrations/' in page and "Cancel my registration" in page
    assert '<a class="button secondary" href="' + event.url + 'event.ics" download>Add to calendar (.ics)</a>' in page
