"""Every happening in a person's dealings with Convene reaches them once, by the channels they chose (or must
get), and leaves a row in the message log staff can read."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from approvals.tests.factories import organizer_of
from approvals.tests.test_services import request as hall_request
from cms.tests import factories as cms
from registry.models import CreditCategory, CreditEntry, Message, MessageKind, Registration
from registry.services import credits, messages, registrations
from registry.services.events import event_cancel
from registry.tests.factories import RegistrationFactory, StaffFactory, UserFactory, VenueFactory, make_event, signed_in

pytestmark = pytest.mark.django_db

EMAIL, IN_APP = Message.Channel.EMAIL, Message.Channel.IN_APP


def register(event, person) -> Registration:
    return registrations.registration_create(page=event, email=person.email, full_name="P", user=person)


def log(person, kind: str) -> list[tuple[str, str]]:
    """What the log holds for this person and kind: (channel, status) per message."""
    rows = Message.objects.filter(recipient=person, kind=kind).order_by("channel", "pk")
    return list(rows.values_list("channel", "status"))


def notice(person, subject: str, url: str = "") -> Message:
    """An in-app notice to this person, as any part of Convene sends one."""
    [written] = messages.notify(
        kind=MessageKind.CERTIFICATE,
        template="notice:test",
        subject=subject,
        recipient=person,
        url=url,
        channels=(IN_APP,),
    )
    return written


def mails_to(person) -> list[str]:
    return [message.subject for message in mail.outbox if message.to == [person.email]]


# --- one notice per happening, by both channels ----------------------------------------------


def test_each_registration_happening_is_told_once_by_email_and_in_the_app(django_capture_on_commit_callbacks):
    event = make_event(title="Robotics 101", capacity=1)
    seated, waiting = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        seat = register(event, seated)
        register(event, waiting)
        registrations.registration_cancel(registration=seat, actor=seated)

    assert log(seated, MessageKind.REGISTRATION) == [(EMAIL, "sent"), (IN_APP, "sent")]
    assert log(seated, MessageKind.CANCELLATION) == [(EMAIL, "sent"), (IN_APP, "sent")]
    assert log(waiting, MessageKind.WAITLISTED) == [(EMAIL, "sent"), (IN_APP, "sent")]
    assert log(waiting, MessageKind.WAITLIST_OFFER) == [(EMAIL, "sent"), (IN_APP, "sent")]
    assert mails_to(waiting) == ["You're on the waitlist: Robotics 101", "A seat opened up for you: Robotics 101"]


def test_a_waitlist_offer_carries_its_deadline_and_a_link_to_take_the_seat(django_capture_on_commit_callbacks):
    event = make_event(title="Robotics 101", capacity=1)
    seated, guest_email = UserFactory(), "guest@example.org"
    waiting = RegistrationFactory(page_id=event.pk, email=guest_email, status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        seat = register(event, seated)
        registrations.registration_cancel(registration=seat, actor=seated)

    waiting.refresh_from_db()
    offer = Message.objects.get(registration=waiting, kind=MessageKind.WAITLIST_OFFER)
    assert (offer.channel, offer.status, offer.address) == (EMAIL, "sent", guest_email), "guests get email only"
    assert timezone.localtime(waiting.hold_expires_at).strftime("%H:%M") in offer.body
    assert [m.subject for m in mail.outbox if m.to == [guest_email]][-1] == "A seat opened up for you: Robotics 101"


def test_a_decision_on_a_registration_that_needs_approval_reaches_the_person(django_capture_on_commit_callbacks):
    event = make_event(title="Mentoring circle", requires_approval=True)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pending = register(event, person)
        registrations.registration_decide(
            registration=pending, actor=StaffFactory(is_superuser=True), approve=False, reason="Final-year only."
        )

    decision = Message.objects.get(recipient=person, kind=MessageKind.REGISTRATION_DECIDED, channel=IN_APP)
    assert "Final-year only." in decision.body
    assert mails_to(person)[-1] == "Registration not approved: Mentoring circle"


def test_a_credit_decision_reaches_the_person_with_a_link_to_their_credits(django_capture_on_commit_callbacks):
    student = UserFactory()
    category = CreditCategory.objects.create(code="nss", name="NSS")
    entry = CreditEntry.objects.create(user=student, category=category, points=5, description="Blood drive")
    with django_capture_on_commit_callbacks(execute=True):
        credits.credit_decide(entry=entry, actor=StaffFactory(is_superuser=True), approve=True)

    assert log(student, MessageKind.CREDIT_DECIDED) == [(EMAIL, "sent"), (IN_APP, "sent")]
    decision = Message.objects.get(recipient=student, kind=MessageKind.CREDIT_DECIDED, channel=IN_APP)
    assert decision.url == "/credits/" and decision.body == "Blood drive: 5 NSS points approved."
    assert mails_to(student) == ["NSS points approved"]


def test_a_hall_decision_reaches_the_requester(django_capture_on_commit_callbacks):
    organizer = organizer_of()
    club = organizer.memberships.get().organization
    with django_capture_on_commit_callbacks(execute=True):
        hall_request(organizer, club, VenueFactory())

    assert log(organizer, MessageKind.BOOKING_DECIDED) == [(EMAIL, "sent"), (IN_APP, "sent")]


def test_allauths_account_emails_are_logged_without_their_one_time_code(client):
    person = UserFactory(email="reset.me@example.org")

    client.post("/accounts/password/reset/", {"email": "Reset.Me@example.org"})

    [logged] = Message.objects.filter(kind=MessageKind.ACCOUNT)
    assert (logged.recipient, logged.channel, logged.status) == (person, EMAIL, "sent")
    assert logged.template == "account:password_reset_code"
    code = re.search(r"\b\d{6}\b", mail.outbox[0].body).group(0)
    assert logged.body == "" and code not in logged.subject, "the code lives in the email only"


# --- once: reruns and retries send nothing, different changes each send their own -------------


def test_two_different_changes_to_one_event_send_two_notices_and_republishing_or_rewording_sends_none(
    django_capture_on_commit_callbacks,
):
    page = cms.event("Design sprint", capacity=10)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        register(page, person)
    new_hall = VenueFactory(name="Seminar Hall 2")

    with django_capture_on_commit_callbacks(execute=True):
        page.starts_at += timedelta(hours=2)
        page.ends_at += timedelta(hours=2)
        page.save_revision().publish()
        page.venue = new_hall
        moved = page.save_revision()
        moved.publish()
        moved.publish()  # published again: the same change, nothing new to tell
        page.summary = "Now with more pizza."
        page.save_revision().publish()  # words only: nothing registrants must hear about

    changed = Message.objects.filter(recipient=person, kind=MessageKind.EVENT_CHANGED, channel=EMAIL)
    assert changed.count() == 2
    assert [m for m in mails_to(person) if m.startswith("Changed")] == ["Changed: Design sprint"] * 2
    assert "It now takes place at Seminar Hall 2." in mail.outbox[-1].body
    assert "It now runs from" in changed.last().body


def test_a_cancelled_event_tells_everyone_registered_or_waiting_once(django_capture_on_commit_callbacks):
    page = cms.event("Field trip", capacity=1)
    seated, waiting, cancelled_already = UserFactory(), UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        register(page, seated)
        register(page, waiting)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(page_id=page.pk, actor=StaffFactory(is_superuser=True), reason="The bus broke down.")

    assert sorted(m.to[0] for m in mail.outbox) == sorted([seated.email, waiting.email])
    assert {m.subject for m in mail.outbox} == {"Cancelled: Field trip"}
    assert "The bus broke down." in mail.outbox[0].body
    assert not Message.objects.filter(recipient=cancelled_already).exists()


# --- what people chose, and what nobody can switch off -----------------------------------------


def test_an_optional_kind_switched_off_by_email_still_arrives_in_the_app(django_capture_on_commit_callbacks):
    event = make_event(capacity=0)
    person = UserFactory()
    messages.preferences_set(actor=person, user=person, choices={MessageKind.WAITLISTED: (False, True)})
    with django_capture_on_commit_callbacks(execute=True):
        register(event, person)

    assert log(person, MessageKind.WAITLISTED) == [(IN_APP, "sent")]
    assert mails_to(person) == []


def test_an_optional_kind_switched_off_in_the_app_still_comes_by_email(django_capture_on_commit_callbacks):
    person = UserFactory()
    messages.preferences_set(actor=person, user=person, choices={MessageKind.WAITLISTED: (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        register(make_event(capacity=0), person)

    assert log(person, MessageKind.WAITLISTED) == [(EMAIL, "sent")]


def test_service_mail_is_sent_whatever_the_person_tried_to_switch_off(client, django_capture_on_commit_callbacks):
    person = UserFactory()
    signed_in(client, person)
    assert client.post("/accounts/profile/", profile_form(person)).status_code == 302, "every optional kind off"
    messages.preferences_set(
        actor=person,
        user=person,
        choices={MessageKind.REGISTRATION: (False, False), MessageKind.REMINDER: (False, False)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        register(make_event(title="Ticketed"), person)

    assert log(person, MessageKind.REGISTRATION) == [(EMAIL, "sent"), (IN_APP, "sent")]
    assert mails_to(person) == ["You're registered: Ticketed"]
    assert not person.notification_preferences.filter(kind=MessageKind.REGISTRATION).exists()


def profile_form(person) -> dict:
    return {"profile-first_name": person.first_name, "profile-last_name": person.last_name}


def test_the_profile_page_saves_each_optional_kind_per_channel(client):
    person = UserFactory()
    signed_in(client, person)
    assert "Reminders before an event" in client.get("/accounts/profile/").content.decode()
    choices = {
        f"notify-{kind}-{channel}": "on" for kind in ("reminder", "certificate") for channel in ("email", "in_app")
    }
    del choices["notify-reminder-email"]

    response = client.post("/accounts/profile/", {**profile_form(person), **choices})

    assert response.status_code == 302
    reminder = person.notification_preferences.get(kind=MessageKind.REMINDER)
    assert (reminder.email, reminder.in_app) == (False, True)
    follow_up = person.notification_preferences.get(kind=MessageKind.FOLLOW_UP)
    assert (follow_up.email, follow_up.in_app) == (False, False)


def test_nobody_chooses_for_someone_else():
    person, other = UserFactory(), UserFactory()

    with pytest.raises(messages.NotAllowed):
        messages.preferences_set(actor=other, user=person, choices={MessageKind.REMINDER: (False, False)})


# --- in the app: the bell, the page, opening a notice --------------------------------------------


def test_the_bell_counts_unread_notices_on_the_site_and_in_the_back_office(client):
    staff = StaffFactory(is_superuser=True)
    for subject in ("One", "Two"):
        notice(staff, subject)
    signed_in(client, staff)

    assert '2<span class="visually-hidden"> unread' in client.get("/accounts/profile/").content.decode()
    assert "Notifications (2 unread)" in client.get("/staff/").content.decode()


def test_opening_a_notice_marks_it_read_and_takes_the_person_where_they_act(client):
    person = UserFactory()
    opened = notice(person, "Your certificate: Robotics", url="/accounts/certificates/")
    signed_in(client, person)
    page = client.get("/notifications/").content.decode()
    assert "Your certificate: Robotics" in page and "Unread: " in page

    response = client.post(f"/notifications/{opened.pk}/open/")

    assert response.status_code == 302 and response.url == "/accounts/certificates/"
    opened.refresh_from_db()
    assert opened.read_at is not None
    assert "Unread: " not in client.get("/notifications/").content.decode()


def test_a_notice_never_sends_its_reader_off_the_site(client):
    person = UserFactory()
    phish = notice(person, "Phish", url="https://evil.example.com/")
    signed_in(client, person)

    assert client.post(f"/notifications/{phish.pk}/open/").url == "/notifications/"


def test_nobody_opens_or_reads_someone_elses_notice(client):
    owner, other = UserFactory(), UserFactory()
    mine = notice(owner, "Mine")
    signed_in(client, other)

    assert client.post(f"/notifications/{mine.pk}/open/").status_code == 404
    assert "Mine" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_notifications_page_pages_through_many_notices(client):
    person = UserFactory()
    for number in range(25):
        messages.notify(
            kind=MessageKind.CERTIFICATE,
            template="notice:test",
            subject=f"N{number:02}",
            recipient=person,
            channels=(IN_APP,),
        )
    signed_in(client, person)

    first, second = (client.get(f"/notifications/?page={n}").content.decode() for n in (1, 2))

    assert "N24" in first and "N00" not in first and "Page 1 of 2" in first
    assert "N00" in second


# --- staff read the log --------------------------------------------------------------------------


def test_staff_read_a_persons_log_and_an_events_log_in_the_back_office(client, django_capture_on_commit_callbacks):
    event = make_event(title="Logged event")
    person = UserFactory(email="logged.person@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        register(event, person)
    signed_in(client, StaffFactory(is_superuser=True))

    by_person = client.get(f"/staff/registry/message/?recipient__id__exact={person.pk}").content.decode()
    by_event = client.get(f"/staff/registry/message/?page__id__exact={event.pk}").content.decode()

    assert "You&#x27;re registered: Logged event" in by_person and "logged.person@example.org" in by_person
    assert "You&#x27;re registered: Logged event" in by_event
