"""Every registration email: its content, its once-only rule, and when periodic sweeps send it."""

import re
import socket
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail import get_connection
from django.utils import timezone

from registry import emails, tasks
from registry.models import Message, MessageKind, Registration
from registry.services import messages
from registry.services import registrations as service
from registry.tests.factories import UserFactory, make_event

pytestmark = pytest.mark.django_db


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message) -> str:
    return message.alternatives[0][0]


def test_a_guest_gets_a_confirmation_request_with_working_links(client, django_capture_on_commit_callbacks):
    event = make_event(title="Intro to Rust", capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        registration = service.registration_create(page=event, email="g@example.org", full_name="Grace O'Neil")

    [message] = mails_to("g@example.org")
    assert message.subject == "Confirm your seat: Intro to Rust"
    assert "Grace O'Neil" in message.body
    assert "Grace O&#x27;Neil" in html_of(message)
    assert registration.code in message.body
    confirm = re.search(r"http://\S+/registrations/confirm/\S+/", message.body).group(0)
    cancel = re.search(r"http://\S+/registrations/cancel/\S+/", message.body).group(0)
    assert confirm in html_of(message) and cancel in html_of(message)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm.split("127.0.0.1:8000", 1)[1])
    assert response.status_code == 200
    assert b"You're registered" in response.content
    assert mails_to("g@example.org")[-1].subject == "You're registered: Intro to Rust"


@pytest.mark.parametrize(
    ("setup", "subject"),
    [
        ("waitlisted", "You're on the waitlist: Talk"),
        ("pending", "Registration received, awaiting approval: Talk"),
        ("cancelled", "Registration cancelled: Talk"),
    ],
)
def test_each_status_change_is_announced(setup, subject, django_capture_on_commit_callbacks):
    event = make_event(title="Talk", capacity=0 if setup == "waitlisted" else 5, requires_approval=setup == "pending")
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = service.registration_create(page=event, email=person.email, full_name="P", user=person)
        if setup == "cancelled":
            service.registration_cancel(registration=registration, actor=person)

    assert mails_to(person.email)[-1].subject == subject
    if setup == "waitlisted":
        assert "number 1 on the waitlist" in mails_to(person.email)[-1].body


def test_an_email_kind_is_sent_once_however_often_the_task_runs(django_capture_on_commit_callbacks):
    event = make_event()
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = service.registration_create(page=event, email=person.email, full_name="P", user=person)
    [email] = registration.messages.filter(channel=Message.Channel.EMAIL, template="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        assert messages.tell_registrant(registration=registration, template="confirmed") == []
    for _ in range(3):
        assert tasks.send_message.call_local(email.pk) is False

    assert len(mails_to(person.email)) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Message.Status.SENT, 1)
    assert registration.messages.filter(channel=Message.Channel.EMAIL, template="confirmed").count() == 1


def test_a_failed_send_is_recorded_and_the_sweep_sends_it_again(monkeypatch):
    event = make_event()
    person = UserFactory()
    registration = service.registration_create(page=event, email=person.email, full_name="P", user=person)
    [email] = registration.messages.filter(channel=Message.Channel.EMAIL, template="confirmed")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert messages.message_send(message_id=email.pk) is False
    monkeypatch.undo()

    email.refresh_from_db()
    assert (email.status, email.error, email.sent_at) == (Message.Status.FAILED, "smtp down", None)
    assert mails_to(person.email) == []
    assert messages.messages_send_due(now=email.created_at + timedelta(minutes=9)) == 0, "not retried at once"
    assert messages.messages_send_due(now=email.created_at + timedelta(minutes=11)) == 1
    assert messages.messages_send_due(now=email.created_at + timedelta(minutes=11)) == 0
    assert len(mails_to(person.email)) == 1
    email.refresh_from_db()
    assert (email.status, email.error, email.attempts) == (Message.Status.SENT, "", 2)


def test_reminders_go_out_24h_and_1h_before_once_each_and_respect_preferences(django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(days=3)
    event = make_event(title="Hackathon", starts_at=start, ends_at=start + timedelta(hours=8))
    keen, quiet = UserFactory(), UserFactory()
    messages.preferences_set(actor=quiet, user=quiet, choices={MessageKind.REMINDER: (False, False)})
    for person in (keen, quiet):
        service.registration_create(page=event, email=person.email, full_name="P", user=person)
    mail.outbox.clear()

    with pytest.MonkeyPatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr(timezone, "now", lambda: start - timedelta(hours=23))
        tasks.send_due_reminders_and_follow_ups.call_local()
        tasks.send_due_reminders_and_follow_ups.call_local()
        patch.setattr(timezone, "now", lambda: start - timedelta(minutes=50))
        tasks.send_due_reminders_and_follow_ups.call_local()

    subjects = [message.subject for message in mails_to(keen.email)]
    assert subjects == ["Reminder: Hackathon starts tomorrow", "Reminder: Hackathon starts in 1 hour"]
    assert mails_to(quiet.email) == []
    assert not Message.objects.filter(recipient=quiet, kind=MessageKind.REMINDER).exists(), "nor in the app"


def test_a_follow_up_goes_out_an_hour_after_the_end_once(django_capture_on_commit_callbacks):
    start = timezone.now() + timedelta(hours=2)
    event = make_event(title="Workshop", starts_at=start, ends_at=start + timedelta(hours=2))
    person = UserFactory()
    service.registration_create(page=event, email=person.email, full_name="P", user=person)
    mail.outbox.clear()

    with pytest.MonkeyPatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr(timezone, "now", lambda: start + timedelta(hours=2, minutes=30))
        tasks.send_due_reminders_and_follow_ups.call_local()
        patch.setattr(timezone, "now", lambda: start + timedelta(hours=3, minutes=5))
        tasks.send_due_reminders_and_follow_ups.call_local()
        tasks.send_due_reminders_and_follow_ups.call_local()

    assert [m.subject for m in mails_to(person.email)] == ["Thank you for attending Workshop"]
    assert "certificate" in mails_to(person.email)[0].body


def test_a_guest_registering_twice_sees_nothing_new_and_the_owner_is_told(client, django_capture_on_commit_callbacks):
    event = make_event(capacity=5)
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = service.registration_create(page=event, email=person.email, full_name="P", user=person)
        submissions = [
            service.registration_submit(
                actor=AnonymousUser(),
                page=event,
                full_name="Someone",
                email=person.email.upper(),
                consent=True,
                client_address=ip,
            )
            for ip in ("10.0.0.1", "10.0.0.2")
        ]

    assert all(submission.is_guest and submission.registration is None for submission in submissions)
    assert list(Registration.objects.filter(page_id=event.pk)) == [registration]
    assert [m.subject.split(":")[0] for m in mails_to(person.email)] == [
        "You're registered",
        "You're already registered",
    ]


def test_one_real_smtp_hop_to_a_local_sink(settings):
    """The SMTP backend speaks to a real SMTP server (aiosmtpd on loopback)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Sink(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        event = make_event(title="SMTP day")
        person = UserFactory()
        registration = service.registration_create(page=event, email=person.email, full_name="P", user=person)
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
        message = emails.build(registration, "confirmed")
        message.connection = connection
        message.send()
        for _ in range(50):
            if received:
                break
            threading.Event().wait(0.05)
    finally:
        controller.stop()

    assert len(received) == 1
    assert received[0]["To"] == person.email
    assert received[0]["Subject"] == "You're registered: SMTP day"
    assert received[0].is_multipart()
