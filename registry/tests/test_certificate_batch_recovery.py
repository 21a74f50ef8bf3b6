"""Certificate batches outlive the workers running them: a lease says who runs a batch, a lapsed lease gets it
resumed, staff can resume it, its counter counts stored rows, and each certificate is emailed exactly once."""

import itertools
import smtplib
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone

from registry import certificates as rendering
from registry.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    EventRecord,
    Membership,
    Message,
    Role,
)
from registry.services import DomainError, NotAllowed, messages, registrations
from registry.services import certificates as service
from registry.tests.factories import OrganizationFactory, StaffFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing in the worker catches it, so nothing after it runs."""


@pytest.fixture(autouse=True)
def small_chunks(settings, monkeypatch):
    """Two holders a chunk, rendered in this process, so a handful of people make a batch of several chunks."""
    settings.CERTIFICATE_RENDER_PROCESSES = 1
    monkeypatch.setattr(service, "CHUNK_SIZE", 2)


def attended_event(people: int, **event_settings):
    event = make_event(capacity=20, **event_settings)
    registered = []
    for _ in range(people):
        person = UserFactory()
        registration = registrations.registration_create(
            page=event, email=person.email, full_name=person.get_full_name(), user=person
        )
        Attendance.objects.create(registration=registration, session=Attendance.WHOLE_EVENT)
        registered.append(registration)
    now = timezone.now()
    EventRecord.objects.filter(page_id=event.pk).update(starts_at=now - timedelta(hours=4), ends_at=now)
    messages.messages_send_due(now=now + messages.LOST_AFTER)  # their confirmations went out
    mail.outbox.clear()
    return event, registered


def kill_the_worker_after(monkeypatch, stored: int) -> None:
    """The worker dies right after storing its `stored`-th certificate, before anything else it would do."""
    store, count = service._store, itertools.count(1)

    def store_then_die(*args, **kwargs):
        certificate = store(*args, **kwargs)
        if next(count) == stored:
            raise WorkerKilled
        return certificate

    monkeypatch.setattr(service, "_store", store_then_die)


def later(batch, seconds: float):
    """A moment relative to when the batch's lease lapses."""
    return batch.lease_expires_at + timedelta(seconds=seconds)


def certificate_emails_sent():
    return Message.objects.filter(template="certificate_issued", channel="email", status="sent")


def emailed() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_a_batch_whose_worker_died_stalls_when_its_lease_lapses_and_the_sweep_resumes_it(
    django_capture_on_commit_callbacks, monkeypatch
):
    event, people = attended_event(5)
    with monkeypatch.context() as dying:
        kill_the_worker_after(dying, stored=3)
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("running", 2, 5), "counted at the last heartbeat"
    assert batch.lease_expires_at <= timezone.now() + timedelta(minutes=2)

    with django_capture_on_commit_callbacks(execute=True):
        service.certificates_issue_due(now=later(batch, -1))
    assert not rendering.batch_is_stalled(batch, now=later(batch, -1))
    assert rendering.batch_is_stalled(batch, now=later(batch, 1))
    with django_capture_on_commit_callbacks(execute=True):
        service.certificates_issue_due(now=later(batch, 1))

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.lease_owner) == ("done", 5, 5, "")
    assert Certificate.objects.filter(batch=batch).count() == 5
    assert emailed() == sorted(r.email for r in people[3:]), "the dead worker's queued emails were lost with it"


def test_the_sweep_sends_every_certificate_email_a_dead_worker_lost_and_never_one_twice(
    django_capture_on_commit_callbacks, monkeypatch
):
    event, people = attended_event(4)
    with monkeypatch.context() as dying:
        kill_the_worker_after(dying, stored=3)
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    batch.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        service.certificates_issue_due(now=later(batch, 1))
    assert emailed() == [people[3].email]

    issued = Certificate.objects.order_by("issued_at").values_list("issued_at", flat=True)
    soon = issued.first() + messages.LOST_AFTER - timedelta(seconds=1)
    assert messages.messages_send_due(now=soon) == 0, "the tasks queued with them go first"
    due = issued.last() + messages.LOST_AFTER + timedelta(seconds=1)
    assert messages.messages_send_due(now=due) == 3
    assert messages.messages_send_due(now=due) == 0

    assert emailed() == sorted(r.email for r in people)
    assert certificate_emails_sent().count() == 4


def test_a_certificate_revoked_before_its_email_went_out_is_never_emailed(django_capture_on_commit_callbacks):
    event, (keeps, loses) = attended_event(2)
    batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # its task runs below
    with django_capture_on_commit_callbacks() as queued_emails:
        service.certificate_batch_run(batch=batch)
    service.certificate_revoke(certificate=loses.certificate, actor=StaffFactory(), reason="Signed in for a friend.")

    for send in queued_emails:
        send()
    messages.messages_send_due(now=timezone.now() + timedelta(hours=1))

    assert emailed() == [keeps.email]
    assert not certificate_emails_sent().filter(registration=loses).exists()
    assert Message.objects.get(registration=loses, channel="email", template="certificate_issued").status == "withdrawn"


def test_a_refused_send_is_logged_with_the_servers_answer_retried_and_does_not_hold_up_the_rest(
    django_capture_on_commit_callbacks, monkeypatch
):
    event, (refused, accepted) = attended_event(2)
    batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # its task runs below
    with django_capture_on_commit_callbacks():  # the email tasks it queues are lost
        service.certificate_batch_run(batch=batch)
    send = EmailMultiAlternatives.send

    def mail_server(message, *args, **kwargs):
        if message.to == [refused.email]:
            raise smtplib.SMTPRecipientsRefused({refused.email: (550, b"No such mailbox")})
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", mail_server)
    due = timezone.now() + timedelta(hours=1)

    assert messages.messages_send_due(now=due) == 1
    assert emailed() == [accepted.email]
    refusal = Message.objects.get(registration=refused, channel="email", template="certificate_issued")
    assert (refusal.status, refusal.attempts) == ("failed", 1) and "No such mailbox" in refusal.error
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert messages.messages_send_due(now=due) == 1
    assert emailed() == sorted([accepted.email, refused.email])


def test_staff_resume_a_failed_batch_and_it_issues_only_what_is_missing(django_capture_on_commit_callbacks):
    event, people = attended_event(3)
    template = CertificateTemplate.objects.get(is_default=True)
    good_html = template.html
    CertificateTemplate.objects.filter(pk=template.pk).update(html="{% if %}")
    with django_capture_on_commit_callbacks(execute=True):
        batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert rendering.batch_progress(batch)["resumable"]
    CertificateTemplate.objects.filter(pk=template.pk).update(html=good_html)

    with django_capture_on_commit_callbacks(execute=True):
        resumed = service.certificate_batch_resume(batch=batch, actor=StaffFactory())

    assert resumed.pk == batch.pk
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total, batch.error) == ("done", 3, 3, "")
    assert emailed() == sorted(r.email for r in people)
    with pytest.raises(DomainError, match="This batch is done"):
        service.certificate_batch_resume(batch=batch, actor=StaffFactory())


def test_a_batch_whose_worker_is_alive_is_not_resumed():
    event, _ = attended_event(1)
    batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # queued; its task is on its way
    with pytest.raises(DomainError, match="waiting for a worker"):
        service.certificate_batch_resume(batch=batch, actor=StaffFactory())

    CertificateBatch.objects.filter(pk=batch.pk).update(
        status="running", lease_owner="another worker", lease_expires_at=timezone.now() + timedelta(minutes=1)
    )
    batch.refresh_from_db()
    assert service.certificate_batch_run(batch=batch).status == "running"
    with pytest.raises(DomainError, match="still running"):
        service.certificate_batch_resume(batch=batch, actor=StaffFactory())
    assert not Certificate.objects.exists()
    assert not rendering.batch_progress(batch)["resumable"]


def test_asking_to_issue_again_while_a_batch_is_stalled_resumes_it(django_capture_on_commit_callbacks):
    event, _ = attended_event(2)
    batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # its task was lost
    CertificateBatch.objects.filter(pk=batch.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        again = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())

    assert again == batch
    batch.refresh_from_db()
    assert (batch.status, batch.done) == ("done", 2)


def test_only_those_who_may_issue_an_events_certificates_resume_its_batches(django_capture_on_commit_callbacks):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    event, _ = attended_event(1, organization_id=ours.pk)
    CertificateTemplate.objects.filter(is_default=True).update(html="{% if %}")
    with django_capture_on_commit_callbacks(execute=True):
        batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())

    def organizer_of(organization):
        organizer = UserFactory(in_roles=[Role.ORGANIZER])
        organizer.user_permissions.add(Permission.objects.get(codename="add_certificatebatch"))
        Membership.objects.create(user=organizer, organization=organization, role=Membership.Role.ORGANIZER)
        return organizer

    for outsider in (None, UserFactory(), organizer_of(theirs)):
        with pytest.raises(NotAllowed, match="Only organizers of this event's organization and staff admins"):
            service.certificate_batch_resume(batch=batch, actor=outsider)
    assert CertificateBatch.objects.get(pk=batch.pk).status == "failed"

    assert service.certificate_batch_resume(batch=batch, actor=organizer_of(ours)).status == "queued"


@pytest.fixture
def default_template():
    """Transactional tests empty every table, so the default template the data migration installed may be gone."""
    html, css = rendering.default_template_source()
    CertificateTemplate.objects.get_or_create(is_default=True, defaults={"name": "Default", "html": html, "css": css})


@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_of_workers_handed_the_same_batch_at_once_exactly_one_runs_it(monkeypatch, default_template):
    event, people = attended_event(4)
    with monkeypatch.context() as queue:
        queue.setattr(service, "_enqueue_batch", lambda batch: None)
        batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    renders, render = [], rendering.render_chunks

    def counted_render(*args, **kwargs):
        renders.append(threading.get_ident())
        return render(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_chunks", counted_render)
    barrier = threading.Barrier(6)

    def worker():
        try:
            barrier.wait()
            service.certificate_batch_run(batch=CertificateBatch.objects.get(pk=batch.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(renders) == 1
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 4, 4)
    assert Certificate.objects.count() == 4
    assert certificate_emails_sent().count() == 4
    assert len(mail.outbox) == len(people)


def test_the_counter_counts_the_batchs_stored_certificates_not_the_chunks_it_went_through(
    django_capture_on_commit_callbacks, monkeypatch
):
    event, _ = attended_event(5)
    with monkeypatch.context() as dying:
        kill_the_worker_after(dying, stored=1)  # mid-chunk: stored, never counted
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    batch.refresh_from_db()
    assert (batch.done, batch.total) == (0, 5)
    with monkeypatch.context() as dying:
        kill_the_worker_after(dying, stored=3)
        with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
            service.certificates_issue_due(now=later(batch, 1))
    batch.refresh_from_db()
    assert (batch.done, batch.total) == (3, 5), "1 from the first run, 2 from the second's first chunk"

    with django_capture_on_commit_callbacks(execute=True):
        service.certificates_issue_due(now=later(batch, 1))

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 5, 5)
    assert batch.percent == 100
    assert rendering.batch_progress(batch)["finished"]
