"""Certificates: rendered in batches, stored with their hash, emailed, issued once, revoked with a reason."""

import base64
import hashlib
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from registry import certificates as rendering
from registry.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    EventRecord,
    Membership,
    Registration,
    Role,
)
from registry.services import DomainError, NotAllowed, registrations
from registry.services import certificates as service
from registry.tests.factories import OrganizationFactory, StaffFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def register(event, person=None, *, attended=True):
    person = person or UserFactory()
    registration = registrations.registration_create(
        page=event, email=person.email, full_name=person.get_full_name(), user=person
    )
    if attended:
        Attendance.objects.create(registration=registration, session=Attendance.WHOLE_EVENT)
    return registration


def held(event):
    """The event took place: it started and ended in the past."""
    now = timezone.now()
    EventRecord.objects.filter(page_id=event.pk).update(
        starts_at=now - timedelta(hours=4), ends_at=now - timedelta(hours=1)
    )
    return event


def issue(event, actor=None, capture=None):
    """A staff admin (unless `actor` says who) issues the event's certificates, and the queued task runs."""
    with capture(execute=True):
        batch = service.certificate_batch_start(page_id=event.pk, actor=actor or StaffFactory())
    batch.refresh_from_db()
    return batch


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def image_of(data_uri: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))


def pixels(image: Image.Image) -> list[int]:
    return list(image.convert("L").get_flattened_data())


def stored_pdfs() -> list[str]:
    return sorted(path.name for path in (Path(settings.PRIVATE_MEDIA_ROOT) / "certificates").rglob("*.pdf"))


def default_source():
    return rendering.TemplateSource.of(CertificateTemplate.objects.get(is_default=True))


def test_a_batch_is_laid_out_once_and_split_into_one_pdf_per_holder_with_its_hash():
    people = [replace(rendering.SAMPLE, code=f"CODE{i:08d}", name=name) for i, name in enumerate(["Asha", "Bilal"])]

    rendered = rendering.render_pdfs(default_source(), people, signatory={})

    assert [certificate.code for certificate in rendered] == ["CODE00000000", "CODE00000001"]
    for person, certificate in zip(people, rendered, strict=True):
        assert len(PdfReader(io.BytesIO(certificate.pdf)).pages) == 1
        text = pdf_text(certificate.pdf)
        assert person.name in text
        assert f"http://testserver.example/certificates/verify/{person.code}/" in text.replace("\n", "")
        assert certificate.sha256 == hashlib.sha256(certificate.pdf).hexdigest()
    assert "Bilal" not in pdf_text(rendered[0].pdf)


def test_each_holders_pdf_carries_only_its_own_qr_code_and_is_titled_for_them():
    people = [replace(rendering.SAMPLE, code=f"OWN{i:08d}", name=f"Holder {i}") for i in range(3)]

    rendered = rendering.render_pdfs(default_source(), people, signatory={})

    for person, certificate in zip(people, rendered, strict=True):
        reader = PdfReader(io.BytesIO(certificate.pdf))
        [qr_code] = reader.pages[0].images
        assert pixels(qr_code.image) == pixels(image_of(rendering.qr_data_uri(rendering.verify_url(person.code))))
        assert reader.metadata.title == f"Certificate {person.code}: {person.event}"
        assert reader.metadata.author == person.issuer
        assert reader.trailer["/Root"]["/Lang"] == "en"


def test_a_certificate_longer_than_a_page_keeps_all_its_pages_and_only_its_own():
    source = rendering.TemplateSource(
        html='<p>{{ name }} page one</p><p style="break-before: page">{{ name }} page two</p>',
        css="@page { size: A4 landscape }",
    )
    people = [replace(rendering.SAMPLE, code=f"LONG{i:08d}", name=f"Holder {i}") for i in range(3)]

    rendered = rendering.render_pdfs(source, people, signatory={})

    for index, certificate in enumerate(rendered):
        reader = PdfReader(io.BytesIO(certificate.pdf))
        assert [page.extract_text().strip() for page in reader.pages] == [
            f"Holder {index} page one",
            f"Holder {index} page two",
        ]


def test_templates_cannot_pull_in_files_from_the_server(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(rendering.base64.b64decode(rendering.qr_data_uri("x").split(",", 1)[1]))
    embedded = rendering.TemplateSource(html='<img src="{{ qr }}">', css="")
    from_disk = rendering.TemplateSource(html=f'<img src="file://{secret}">', css="")

    [allowed] = rendering.render_pdfs(embedded, [rendering.SAMPLE], signatory={})
    [refused] = rendering.render_pdfs(from_disk, [rendering.SAMPLE], signatory={})

    assert len(PdfReader(io.BytesIO(allowed.pdf)).pages[0].images) == 1
    assert len(PdfReader(io.BytesIO(refused.pdf)).pages[0].images) == 0


def test_issuing_certifies_eligible_attendees_only_stores_each_pdf_with_its_hash_and_emails_it(
    django_capture_on_commit_callbacks,
):
    event = make_event(title="Rust for Beginners", credit_points=0)
    attendees = [register(event), register(event)]
    absentee = register(event, attended=False)
    held(event)
    staff = StaffFactory()
    mail.outbox.clear()

    batch = issue(event, staff, django_capture_on_commit_callbacks)

    assert (batch.status, batch.done, batch.total, batch.requested_by) == ("done", 2, 2, staff)
    certified = Certificate.objects.order_by("registration_id")
    assert [c.registration for c in certified] == attendees
    assert not Certificate.objects.filter(registration=absentee).exists()
    for certificate in certified:
        stored = certificate.pdf.open().read()
        assert hashlib.sha256(stored).hexdigest() == certificate.sha256
        assert certificate.holder_name in pdf_text(stored)
        assert (certificate.event_title, certificate.template.is_default) == ("Rust for Beginners", True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(r.email for r in attendees)
    message = mail.outbox[0]
    assert message.subject == "Your certificate: Rust for Beginners"
    [(filename, content, mimetype)] = message.attachments
    certificate = Certificate.objects.get(registration__email=message.to[0])
    assert (filename, mimetype) == (f"certificate-{certificate.code}.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    assert f"http://testserver.example/certificates/verify/{certificate.code}/" in message.body


def test_an_event_nobody_attended_says_what_is_missing_instead_of_issuing():
    event = make_event()
    register(event, attended=False)
    held(event)

    with pytest.raises(DomainError, match="Nobody at this event has earned a certificate yet .the rule is checking in"):
        service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())

    assert not CertificateBatch.objects.exists()


def test_issuing_again_adds_only_people_without_a_certificate_and_never_emails_twice(
    django_capture_on_commit_callbacks,
):
    event = make_event()
    first = register(event)
    late = register(event, attended=False)
    held(event)
    issue(event, capture=django_capture_on_commit_callbacks)
    original = Certificate.objects.get(registration=first)

    with pytest.raises(DomainError, match="already has a certificate"):
        service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())

    Attendance.objects.create(registration=late, method=Attendance.Method.UPLOAD)  # checked in later, from a sheet
    mail.outbox.clear()
    batch = issue(event, capture=django_capture_on_commit_callbacks)

    assert (batch.done, batch.total) == (1, 1)
    assert Certificate.objects.get(registration=first).sha256 == original.sha256
    assert Certificate.objects.filter(registration=late).exists()
    assert [message.to for message in mail.outbox] == [[late.email]]


def test_two_runs_racing_for_the_same_people_leave_one_certificate_each_and_no_stray_files(
    django_capture_on_commit_callbacks, monkeypatch
):
    event = make_event()
    register(event)
    register(event)
    held(event)
    issue(event, capture=django_capture_on_commit_callbacks)
    files_before = stored_pdfs()
    # The second run read the list of people before the first run stored their certificates.
    stale = Registration.objects.filter(page_id=event.pk).order_by("pk")
    monkeypatch.setattr(rendering, "registrations_to_certify", lambda page_id: stale)
    late_batch = CertificateBatch.objects.create(page_id=event.pk, total=2)

    service.certificate_batch_run(batch=late_batch)

    late_batch.refresh_from_db()
    assert late_batch.status == "done"
    assert Certificate.objects.count() == 2
    assert len(files_before) == 2
    assert stored_pdfs() == files_before


def test_asking_while_a_batch_is_queued_returns_that_batch_instead_of_a_second_one():
    event = make_event()
    register(event)
    held(event)

    staff = StaffFactory()
    first = service.certificate_batch_start(page_id=event.pk, actor=staff)  # its task runs after commit, never here
    again = service.certificate_batch_start(page_id=event.pk, actor=staff)

    assert again == first
    assert CertificateBatch.objects.count() == 1


def test_without_a_default_template_nothing_is_queued():
    event = make_event()
    register(event)
    CertificateTemplate.objects.update(is_default=False)

    with pytest.raises(DomainError, match="No certificate template is marked as the default"):
        service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    assert not CertificateBatch.objects.exists()


def test_a_failing_template_marks_the_batch_failed_with_the_reason(django_capture_on_commit_callbacks):
    event = make_event()
    register(event)
    held(event)
    CertificateTemplate.objects.filter(is_default=True).update(html="{% if %}")

    batch = issue(event, capture=django_capture_on_commit_callbacks)

    assert batch.status == "failed"
    assert "The certificate template has an error" in batch.error
    assert not Certificate.objects.exists()


def test_completed_events_that_issue_automatically_are_swept_once(django_capture_on_commit_callbacks):
    automatic = make_event(issue_certificates_automatically=True)
    manual = make_event()
    running = make_event(issue_certificates_automatically=True)
    for event in (automatic, manual, running):
        register(event)
    held(automatic)
    held(manual)
    EventRecord.objects.filter(page_id=running.pk).update(starts_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        started = service.certificates_issue_due()
    with django_capture_on_commit_callbacks(execute=True):
        again = service.certificates_issue_due()

    assert [batch.page_id for batch in started] == [automatic.pk]
    assert again == []
    assert list(Certificate.objects.values_list("registration__page_id", flat=True)) == [automatic.pk]


def test_the_sweep_reruns_a_batch_whose_task_was_lost(django_capture_on_commit_callbacks):
    event = make_event()
    register(event)
    held(event)
    lost = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # committed, but its worker died

    with django_capture_on_commit_callbacks(execute=True):
        service.certificates_issue_due(now=lost.lease_expires_at + timedelta(seconds=1))

    lost.refresh_from_db()
    assert lost.status == "done"
    assert Certificate.objects.count() == 1


def test_revoking_needs_a_reason_records_who_and_when_and_happens_once(django_capture_on_commit_callbacks):
    event = make_event()
    register(event)
    held(event)
    issue(event, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    staff = StaffFactory()

    with pytest.raises(DomainError, match="Give the reason"):
        service.certificate_revoke(certificate=certificate, actor=staff, reason="  ")
    revoked = service.certificate_revoke(certificate=certificate, actor=staff, reason="Attendance was falsified.")

    assert revoked.revoked_at is not None
    assert not revoked.is_valid
    latest = certificate.history.latest()
    assert (latest.revoked_reason, latest.history_user) == ("Attendance was falsified.", staff)
    with pytest.raises(DomainError, match="already revoked"):
        service.certificate_revoke(certificate=certificate, actor=staff, reason="Again")


def organizer_of(organization, *codenames, roles=(Role.ORGANIZER,)):
    """An organizer of `organization` (with the organizer role unless `roles` says otherwise), given these
    permissions besides the role's."""
    organizer = UserFactory(in_roles=list(roles))
    organizer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry", codename__in=codenames)
    )
    Membership.objects.create(user=organizer, organization=organization, role=Membership.Role.ORGANIZER)
    return organizer


def test_only_the_events_organizers_and_staff_admins_issue_its_certificates(django_capture_on_commit_callbacks):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    event = make_event(organization_id=ours.pk)
    register(event)
    held(event)
    outsiders = (None, UserFactory(), organizer_of(ours, roles=()), organizer_of(theirs))

    for outsider in outsiders:
        with pytest.raises(NotAllowed, match="Only organizers of this event's organization and staff admins"):
            service.certificate_batch_start(page_id=event.pk, actor=outsider)
    assert not CertificateBatch.objects.exists()

    organizer = organizer_of(ours)
    batch = issue(event, organizer, django_capture_on_commit_callbacks)
    assert (batch.status, batch.done, batch.requested_by) == ("done", 1, organizer)


def test_revoking_is_for_staff_admins_and_the_events_organizers_allowed_to_change_certificates(
    django_capture_on_commit_callbacks,
):
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    event = make_event(organization_id=ours.pk)
    register(event)
    held(event)
    issue(event, capture=django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()

    for outsider in (None, organizer_of(ours), organizer_of(theirs, "change_certificate")):
        with pytest.raises(NotAllowed, match="Only organizers of this event's organization and staff admins"):
            service.certificate_revoke(certificate=certificate, actor=outsider, reason="Falsified.")
    certificate.refresh_from_db()
    assert certificate.is_valid and certificate.revoked_reason == ""

    allowed = organizer_of(ours, "change_certificate")
    service.certificate_revoke(certificate=certificate, actor=allowed, reason="Falsified.")
    certificate.refresh_from_db()
    assert not certificate.is_valid
    assert certificate.history.latest().history_user == allowed


def test_a_new_default_template_replaces_the_old_one_and_both_changes_are_in_history():
    old = CertificateTemplate.objects.get(is_default=True)
    new = CertificateTemplate.objects.create(name="Minimal", html="<h1>{{ name }}</h1>")

    staff = StaffFactory()

    service.certificate_template_set_default(template=new, actor=staff)

    assert list(CertificateTemplate.objects.filter(is_default=True)) == [new]
    assert old.history.latest().is_default is False


def test_only_staff_admins_choose_the_default_template():
    old = CertificateTemplate.objects.get(is_default=True)
    new = CertificateTemplate.objects.create(name="Minimal", html="<h1>{{ name }}</h1>")
    organizer = UserFactory(in_roles=[Role.ORGANIZER])

    for outsider in (None, organizer):
        with pytest.raises(NotAllowed, match="Only staff admins choose the default certificate template"):
            service.certificate_template_set_default(template=new, actor=outsider)

    assert list(CertificateTemplate.objects.filter(is_default=True)) == [old]


def test_the_sample_preview_renders_the_template_with_sample_data():
    template = CertificateTemplate.objects.get(is_default=True)

    text = pdf_text(rendering.render_sample(template))

    assert rendering.SAMPLE.name in text
    assert "12–14 March 2026" in text


@pytest.mark.parametrize(
    ("starts", "ends", "expected"),
    [
        ((2026, 3, 12), (2026, 3, 12), "12 March 2026"),
        ((2026, 3, 12), (2026, 3, 14), "12–14 March 2026"),
        ((2026, 2, 28), (2026, 3, 2), "28 February – 2 March 2026"),
        ((2025, 12, 30), (2026, 1, 2), "30 December 2025 – 2 January 2026"),
    ],
)
def test_event_dates_read_naturally(starts, ends, expected):
    zone = timezone.get_current_timezone()
    as_datetime = lambda ymd: timezone.datetime(*ymd, 10, tzinfo=zone)  # noqa: E731

    assert rendering.date_range(as_datetime(starts), as_datetime(ends)) == expected


def test_big_batches_render_in_several_processes_and_each_holder_still_gets_their_own(
    django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.CERTIFICATE_RENDER_PROCESSES = 2
    monkeypatch.setattr(service, "CHUNK_SIZE", 2)
    event = make_event()
    people = [register(event) for _ in range(5)]
    held(event)

    batch = issue(event, capture=django_capture_on_commit_callbacks)

    assert (batch.status, batch.done) == ("done", 5)
    for registration in people:
        certificate = Certificate.objects.get(registration=registration)
        stored = certificate.pdf.open().read()
        assert registration.full_name in pdf_text(stored)
        assert hashlib.sha256(stored).hexdigest() == certificate.sha256
