"""A registration's own page: reached by the signed link in every registration email, for guests and account
holders alike; it shows the status, ticket and calendar, changes answers, resends, cancels and accepts a waitlist
offer before its deadline; it expires a while after the event and signs nobody in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from cms.tests import factories as cms_factories
from registry import tokens
from registry.emails import registration_path
from registry.models import Registration, RegistrationStatus
from registry.services import DomainError
from registry.services import registrations as service
from registry.tests.factories import PASSWORD, UserFactory, make_event

pytestmark = pytest.mark.django_db

PAGE_LINK = re.compile(r"http://[^\s\"<]+(/registrations/r/[^\s\"<]+/)")


def page_link_in(message) -> str:
    """The registration page's path from an email, in its text and in its HTML alike."""
    paths = {PAGE_LINK.search(message.body)[1], PAGE_LINK.search(message.alternatives[0][0])[1]}
    assert len(paths) == 1
    return paths.pop()


def for_code(path: str) -> str:
    """Which registration a page link opens (links are signed with the time they were made, so they differ)."""
    return tokens.read(path.rstrip("/").rsplit("/", 1)[-1], tokens.MANAGE)


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def guest(event, email="guest@example.org", **kwargs) -> Registration:
    return service.registration_create(page=event, email=email, full_name="Grace Hopper", **kwargs)


def offer_a_seat(event, *, waiting_email="waiting@example.org", user=None):
    """A full event with someone waiting; the seat holder cancels, so the first person waiting is offered it."""
    holder = UserFactory()
    seated = service.registration_create(page=event, email=holder.email, full_name="Holder", user=holder)
    waiting = service.registration_create(
        page=event, email=user.email if user else waiting_email, full_name="Waiting", user=user
    )
    assert waiting.status == RegistrationStatus.WAITLISTED
    service.registration_cancel(registration=seated, actor=holder)
    waiting.refresh_from_db()
    return waiting


# --- The link in every email ------------------------------------------------------------------------------------


def test_every_registration_email_links_to_the_registrations_own_page(django_capture_on_commit_callbacks):
    event = make_event(title="Robotics", capacity=1)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        held = guest(event)
        waiting = service.registration_create(page=event, email=person.email, full_name="P", user=person)
        service.registration_confirm(registration=held, actor=tokens.LinkHolder(held.code, tokens.MANAGE))
        service.registration_cancel(registration=held, actor=tokens.LinkHolder(held.code, tokens.MANAGE))

    sent = {message.subject.split(":")[0]: message for message in mail.outbox}
    assert set(sent) == {
        "Confirm your seat",
        "You're on the waitlist",
        "You're registered",
        "Registration cancelled",
        "A seat opened up for you",
    }
    assert for_code(page_link_in(sent["Confirm your seat"])) == held.code
    assert for_code(page_link_in(sent["You're registered"])) == held.code
    assert for_code(page_link_in(sent["You're on the waitlist"])) == waiting.code
    assert for_code(page_link_in(sent["A seat opened up for you"])) == waiting.code


def test_the_confirmation_button_goes_to_the_registration_page_not_to_a_sign_in(
    client, django_capture_on_commit_callbacks
):
    event = make_event(title="Robotics")
    with django_capture_on_commit_callbacks(execute=True):
        registration = guest(event)
        service.registration_confirm(registration=registration, actor=tokens.LinkHolder(registration.code, "confirm"))

    ticket = mails_to("guest@example.org")[-1]
    html = ticket.alternatives[0][0]
    assert "See my registration</a>" in html and "/registrations/r/" in html
    assert "/accounts/login/" not in html and '/registrations/"' not in html
    page = client.get(page_link_in(ticket))
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session, "the link never signs anyone in"


def test_news_about_an_event_links_each_registrant_to_their_own_page(django_capture_on_commit_callbacks):
    event = make_event(title="Robotics")
    registration = guest(event)
    service.registration_confirm(registration=registration, actor=tokens.LinkHolder(registration.code, "confirm"))
    mail.outbox.clear()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)

    with django_capture_on_commit_callbacks(execute=True):
        service.event_record_sync(page=event, change_key="moved")

    assert for_code(page_link_in(mails_to("guest@example.org")[0])) == registration.code


# --- What the page shows ------------------------------------------------------------------------------------


def test_a_confirmed_guest_sees_status_ticket_calendar_links_and_is_offered_an_account(client):
    event = make_event(title="Robotics", online_url="https://meet.example.org/robotics")
    registration = guest(event)
    service.registration_confirm(registration=registration, actor=tokens.LinkHolder(registration.code, "confirm"))

    response = client.get(registration_path(registration))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Confirmed" in html and registration.code in html
    assert 'alt="Check-in QR code' in html
    assert "https://meet.example.org/robotics" in html
    assert "/registrations/calendar/" in html and "calendar.google.com/calendar/render" in html
    assert "/accounts/signup/?email=guest%40example.org" in html
    assert "Cancel my registration" in html
    assert "private" in response["Cache-Control"], "a personal page is never page-cached"


def test_a_held_seat_shows_no_ticket_and_no_meeting_link_until_confirmed(client):
    event = make_event(online_url="https://meet.example.org/robotics")
    registration = guest(event)

    html = client.get(registration_path(registration)).content.decode()

    assert "Confirm my seat" in html
    assert "Check-in QR code" not in html and "meet.example.org" not in html


def test_confirming_a_held_seat_on_the_page(client):
    registration = guest(make_event())

    response = client.post(registration_path(registration), {"action": "accept"}, follow=True)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert b"Your seat is confirmed." in response.content


def test_cancelling_from_the_page_asks_first(client):
    registration = guest(make_event())
    cancel = f"{registration_path(registration)}cancel/"

    assert b"Cancel your registration?" in client.get(cancel).content
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION
    response = client.post(cancel)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert b"Registration cancelled" in response.content


def test_resending_from_the_page_sends_the_ticket_again_a_few_times_at_most(client, django_capture_on_commit_callbacks):
    person = UserFactory()
    registration = service.registration_create(page=make_event(), email=person.email, full_name="P", user=person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.post(registration_path(registration), {"action": "resend"}, follow=True) for _ in range(5)]

    assert [m.subject.split(":")[0] for m in mails_to(person.email)] == ["You're registered"] * 3
    assert b"We&#x27;ve sent it again" in responses[0].content
    assert b"already sent it several times" in responses[-1].content
    assert registration.messages.filter(channel="in_app").count() == 1, "a resend is an email, not a new notice"


# --- Expiry and tampering ----------------------------------------------------------------------------------


@override_settings(REGISTRATION_LINK_DAYS_AFTER_EVENT=30)
def test_the_link_works_until_thirty_days_after_the_event_ends(client):
    event = make_event()
    registration = guest(event)
    path = registration_path(registration)

    with time_machine.travel(event.ends_at + timedelta(days=29)):
        assert client.get(path).status_code == 200
    with time_machine.travel(event.ends_at + timedelta(days=30, minutes=1)):
        expired = client.get(path)

    assert expired.status_code == 410
    html = expired.content.decode()
    assert "This link has expired" in html
    assert 'action="/registrations/link/"' in html, "the way forward: ask for fresh links"


def test_a_postponed_event_keeps_its_links_working_longer(client):
    event = make_event()
    registration = guest(event)
    path = registration_path(registration)
    event.starts_at += timedelta(days=60)
    event.ends_at += timedelta(days=60)
    service.event_record_sync(page=event, change_key="postponed")

    with time_machine.travel(event.ends_at - timedelta(days=1)):
        assert client.get(path).status_code == 200


def test_a_tampered_link_gets_the_styled_page_with_the_way_forward(client):
    registration = guest(make_event())
    genuine = tokens.make(registration.code, tokens.MANAGE)
    forged = genuine[:-3] + ("aaa" if not genuine.endswith("aaa") else "bbb")

    response = client.get(f"/registrations/r/{forged}/")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This link is not valid" in html and "Get a fresh link" in html
    assert registration.code not in html


@pytest.mark.parametrize("action", ["confirm", "cancel", "calendar"])
def test_a_link_for_something_else_does_not_open_the_page(client, action):
    registration = guest(make_event())

    response = client.get(f"/registrations/r/{tokens.make(registration.code, action)}/")

    assert response.status_code == 400


def test_a_tampered_link_cannot_cancel(client):
    registration = guest(make_event())
    forged = tokens.make(registration.code, tokens.MANAGE)[:-2] + "xx"

    client.post(f"/registrations/r/{forged}/cancel/")

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.AWAITING_CONFIRMATION


# --- Fresh links by email, without telling who is registered -----------------------------------------------------


def test_asking_for_links_answers_the_same_whether_or_not_the_address_is_registered(
    client, still_clock, django_capture_on_commit_callbacks
):
    registration = guest(make_event(title="Robotics"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/registrations/link/", {"email": "GUEST@example.org"})
        unknown = client.post("/registrations/link/", {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"GUEST@example.org", b"ADDRESS") == unknown.content.replace(
        b"nobody@example.org", b"ADDRESS"
    )
    assert [message.to for message in mail.outbox] == [["guest@example.org"]]
    assert for_code(page_link_in(mail.outbox[0])) == registration.code
    assert "Robotics" in mail.outbox[0].body


def test_links_to_registrations_long_over_are_not_sent(client, django_capture_on_commit_callbacks):
    event = make_event()
    guest(event)
    mail.outbox.clear()

    with (
        time_machine.travel(event.ends_at + timedelta(days=31)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/registrations/link/", {"email": "guest@example.org"})

    assert response.status_code == 200 and mail.outbox == []


@override_settings(REGISTRATION_RATE_LIMITS={"ip": ["3/m", "100/h", "100/d"], "email": ["2/m", "10/h", "20/d"]})
def test_asking_for_links_is_rate_limited_the_same_for_every_address(client, still_clock):
    guest(make_event())

    known = [client.post("/registrations/link/", {"email": "guest@example.org"}).status_code for _ in range(3)]
    other = client.post("/registrations/link/", {"email": "nobody@example.org"}, REMOTE_ADDR="10.0.0.9")
    other_again = [
        client.post("/registrations/link/", {"email": "nobody@example.org"}, REMOTE_ADDR="10.0.0.9").status_code
        for _ in range(2)
    ]

    assert known == [200, 200, 429]
    assert other.status_code == 200 and other_again == [200, 429]


def test_the_link_request_form_explains_itself(client):
    response = client.get("/registrations/link/")

    assert response.status_code == 200
    assert b"Email me my links" in response.content


# --- Waitlist offers: accepted before the deadline, refused after it -------------------------------------------


def test_an_offer_is_accepted_before_its_deadline(settings):
    settings.WAITLIST_OFFER_HOURS = 24
    offered = offer_a_seat(make_event(capacity=1))
    assert offered.is_waitlist_offer and offered.offered_at is not None

    with time_machine.travel(offered.hold_expires_at - timedelta(minutes=1)):
        accepted = service.waitlist_offer_accept(
            registration=offered, actor=tokens.LinkHolder(offered.code, tokens.MANAGE)
        )

    assert accepted.status == RegistrationStatus.CONFIRMED


def test_an_offer_is_refused_after_its_deadline_and_the_seat_goes_on(settings):
    event = make_event(capacity=1)
    offered = offer_a_seat(event)
    next_in_line = guest(event, email="next@example.org")
    assert next_in_line.status == RegistrationStatus.WAITLISTED

    with (
        time_machine.travel(offered.hold_expires_at + timedelta(minutes=1)),
        pytest.raises(DomainError, match="This offer ended at"),
    ):
        service.waitlist_offer_accept(registration=offered, actor=tokens.LinkHolder(offered.code, tokens.MANAGE))

    offered.refresh_from_db()
    next_in_line.refresh_from_db()
    assert offered.status == RegistrationStatus.EXPIRED
    assert next_in_line.is_waitlist_offer


def test_nobody_else_accepts_an_offer(settings):
    offered = offer_a_seat(make_event(capacity=1))

    with pytest.raises(DomainError):
        service.waitlist_offer_accept(registration=offered, actor=tokens.LinkHolder("SOMEONEELSE", tokens.MANAGE))
    with pytest.raises(DomainError):
        service.waitlist_offer_accept(registration=offered, actor=AnonymousUser())


def test_someone_still_waiting_has_nothing_to_accept():
    event = make_event(capacity=0)
    waiting = guest(event)

    with pytest.raises(DomainError, match="No seat has been offered"):
        service.waitlist_offer_accept(registration=waiting, actor=tokens.LinkHolder(waiting.code, tokens.MANAGE))


def test_the_page_shows_the_offers_deadline_with_its_time_zone_and_accepts_it(client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    offered = offer_a_seat(make_event(capacity=1))
    deadline = timezone.localtime(offered.hold_expires_at)

    html = client.get(registration_path(offered)).content.decode()
    assert "Accept the seat" in html
    assert f"{deadline:%H:%M} IST" in html and "Asia/Kolkata" in html
    response = client.post(registration_path(offered), {"action": "accept"}, follow=True)

    offered.refresh_from_db()
    assert offered.status == RegistrationStatus.CONFIRMED
    assert b"The seat is yours" in response.content and b"Check-in QR code" in response.content


def test_the_page_refuses_an_offer_after_its_deadline_and_says_why(client):
    offered = offer_a_seat(make_event(capacity=1))

    with time_machine.travel(offered.hold_expires_at + timedelta(minutes=5)):
        response = client.post(registration_path(offered), {"action": "accept"}, follow=True)

    offered.refresh_from_db()
    assert offered.status == RegistrationStatus.EXPIRED
    assert b"This offer ended at" in response.content


# --- My registrations ------------------------------------------------------------------------------------------


def test_my_registrations_shows_an_offer_with_its_deadline_and_accepts_it(client):
    person = UserFactory()
    offered = offer_a_seat(make_event(title="Packed talk", capacity=1), user=person)
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    html = client.get("/registrations/").content.decode()
    assert "Seat offered" in html and "Accept the seat" in html
    assert f"{timezone.localtime(offered.hold_expires_at):%H:%M}" in html
    assert "Awaiting email confirmation" not in html and "Resend confirmation" not in html
    assert registration_path(offered) in html, "each registration links to its own page"

    client.post(f"/registrations/{offered.code}/accept/")
    offered.refresh_from_db()
    assert offered.status == RegistrationStatus.CONFIRMED


def test_cancel_on_my_registrations_is_a_danger_button_apart_from_the_calendar_link(client):
    person = UserFactory()
    service.registration_create(page=make_event(), email=person.email, full_name="P", user=person)
    client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})

    html = client.get("/registrations/").content.decode()

    assert re.search(r'<a class="button danger" href="/registrations/\w+/cancel/">Cancel', html)
    assert re.search(r'<a href="/registrations/calendar/[^"]+">Add to calendar', html)


# --- Answers --------------------------------------------------------------------------------------------------


def test_a_guest_changes_their_answers_on_the_page(client):
    event = cms_factories.event("Robotics 101", capacity=10)
    event.registration_questions.create(label="Dietary needs", field_type="singleline", required=False)
    event.save_revision().publish()
    registration = guest(event, answers={"dietary_needs": "None"})
    path = registration_path(registration)

    assert 'value="None"' in client.get(path).content.decode()
    client.post(path, {"action": "answers", "answers-dietary_needs": "Vegetarian"})

    registration.refresh_from_db()
    assert registration.answers == {"dietary_needs": "Vegetarian"}


def test_answers_cannot_change_once_cancelled():
    registration = guest(make_event())
    holder = tokens.LinkHolder(registration.code, tokens.MANAGE)
    service.registration_cancel(registration=registration, actor=holder)

    with pytest.raises(DomainError, match="cancelled"):
        service.registration_answers_change(actor=holder, registration=registration, answers={"x": "y"})


# --- Consent ------------------------------------------------------------------------------------------------


def test_consent_is_recorded_with_the_time_it_was_given():
    moment = timezone.now().replace(microsecond=0)
    person = UserFactory()

    with time_machine.travel(moment, tick=False):
        service.registration_submit(actor=person, page=make_event(), consent=True)

    assert Registration.objects.get(user=person).consent_given_at == moment


def test_nobody_registers_without_consent():
    with pytest.raises(DomainError, match="Agree"):
        service.registration_submit(actor=UserFactory(), page=make_event(), consent=False)
    assert not Registration.objects.exists()


def test_confirming_a_held_seat_from_the_email_offers_the_ticket_and_the_calendar(client):
    registration = guest(make_event(title="Robotics"))

    response = client.post(f"/registrations/confirm/{tokens.make(registration.code, 'confirm')}/")

    html = response.content.decode()
    assert "You're registered" in html
    assert 'alt="Check-in QR code' in html
    assert 'href="/registrations/calendar/' in html and "calendar.google.com" in html
    assert "/registrations/r/" in html
    assert "private" in response["Cache-Control"]
