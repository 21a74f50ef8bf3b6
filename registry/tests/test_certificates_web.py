"""Certificates on the web: public verification (code and PDF upload), holders' downloads, the back office."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from registry import otp, tokens
from registry.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    EventRecord,
    Membership,
    Role,
)
from registry.services import certificates as service
from registry.services import registrations
from registry.tests.factories import PASSWORD, MembershipFactory, StaffFactory, UserFactory, make_event

pytestmark = pytest.mark.django_db


def attended(event, person):
    registration = registrations.registration_create(
        page=event, email=person.email, full_name=person.get_full_name(), user=person
    )
    Attendance.objects.create(registration=registration, session=Attendance.WHOLE_EVENT)
    return registration


def certified(capture, *people, **event_settings) -> list[Certificate]:
    event = make_event(title="Data Science Bootcamp", **event_settings)
    for person in people:
        attended(event, person)
    now = timezone.now()
    EventRecord.objects.filter(page_id=event.pk).update(starts_at=now - timedelta(hours=3), ends_at=now)
    with capture(execute=True):
        service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    return list(Certificate.objects.filter(registration__page_id=event.pk).order_by("registration_id"))


def sign_in(client, user):
    assert client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302


def staff_client(client, staff=None):
    staff = staff or StaffFactory()
    otp.backup_codes_regenerate(staff, codes=["backup-code"])
    sign_in(client, staff)
    assert client.post("/accounts/2fa/", {"token": "backup-code", "next": "/staff/"}).status_code == 302
    return staff


def revoke(certificate, reason):
    """A staff admin revokes the certificate."""
    return service.certificate_revoke(certificate=certificate, actor=StaffFactory(), reason=reason)


def upload(content: bytes, name="certificate.pdf", content_type="application/pdf"):
    return {"pdf": SimpleUploadedFile(name, content, content_type=content_type)}


def test_anyone_can_verify_a_certificate_by_its_code(client, django_capture_on_commit_callbacks):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory(first_name="Meera", last_name="Iyer"))

    page = client.get(f"/certificates/verify/{certificate.code}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Valid." in text
    for fact in ("Meera Iyer", "Data Science Bootcamp", certificate.issuer, certificate.code):
        assert fact in text


def test_a_revoked_certificate_says_when_and_why(client, django_capture_on_commit_callbacks):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())
    revoke(certificate, "Issued to the wrong person.")

    text = client.get(f"/certificates/verify/{certificate.code}/").content.decode()

    assert "Revoked" in text
    assert "Issued to the wrong person." in text
    assert timezone.localdate().strftime("%Y") in text
    assert "Valid." not in text


def test_an_unknown_code_gets_a_friendly_not_found_page(client):
    response = client.get("/certificates/verify/NOSUCHCODE12/")

    assert response.status_code == 404
    assert b"We have no certificate with that number" in response.content


def test_the_lookup_form_sends_a_typed_number_to_its_verification_page(client):
    response = client.get("/certificates/verify/", {"code": " abcd2345efgh "})

    assert response.status_code == 302
    assert response["Location"] == "/certificates/verify/ABCD2345EFGH/"


def test_an_uploaded_pdf_is_checked_against_what_was_issued(client, django_capture_on_commit_callbacks):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())
    original = certificate.pdf.open("rb").read()
    url = f"/certificates/verify/{certificate.code}/"

    genuine = client.post(url, upload(original))
    altered = client.post(url, upload(original + b"%edited\n"))
    revoke(certificate, "Withdrawn.")
    revoked = client.post(url, upload(original))

    assert b"<strong>Match.</strong>" in genuine.content
    assert b"<strong>No match.</strong>" in altered.content
    assert b"it has been revoked" in revoked.content
    assert b"<strong>Match.</strong>" not in revoked.content


@pytest.mark.parametrize(
    ("content", "content_type", "error"),
    [
        (b"GIF89a not a pdf", "application/pdf", b"That file is not a PDF."),
        (b"%PDF-1.7 pretending", "image/png", b"That file is not a PDF."),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf", b"larger than 10 MB"),
    ],
)
def test_uploads_that_are_not_pdfs_or_too_big_are_refused(
    client, django_capture_on_commit_callbacks, content, content_type, error
):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())

    response = client.post(f"/certificates/verify/{certificate.code}/", upload(content, content_type=content_type))

    assert response.status_code == 400
    assert error in response.content


def test_verification_is_rate_limited_per_address(client, still_clock):
    for _ in range(30):
        assert client.get("/certificates/verify/NOSUCHCODE12/").status_code == 404

    response = client.get("/certificates/verify/NOSUCHCODE12/")

    assert response.status_code == 429
    assert b"Please slow down" in response.content
    other_visitor = client.get("/certificates/verify/NOSUCHCODE12/", REMOTE_ADDR="10.1.2.3")
    assert other_visitor.status_code == 404


def test_holders_list_and_download_their_own_certificates_only(client, django_capture_on_commit_callbacks):
    holder, other = UserFactory(), UserFactory()
    mine, theirs = certified(django_capture_on_commit_callbacks, holder, other)
    sign_in(client, holder)

    listing = client.get("/certificates/")
    download = client.get(f"/certificates/{mine.code}/download/")

    assert mine.code.encode() in listing.content
    assert theirs.code.encode() not in listing.content
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="certificate-{mine.code}.pdf"'
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == mine.sha256
    assert client.get(f"/certificates/{theirs.code}/download/").status_code == 404


def test_a_guest_registration_is_found_by_the_account_with_the_same_address(client, django_capture_on_commit_callbacks):
    event = make_event()
    guest = registrations.registration_create(page=event, email="guest@example.org", full_name="Guest Person")
    link = tokens.make(guest.code, "confirm")  # the guest opens the link in their confirmation email
    registrations.registration_confirm(registration=guest, actor=tokens.holder(link, "confirm"))
    Attendance.objects.create(registration=guest, session=Attendance.WHOLE_EVENT)
    with django_capture_on_commit_callbacks(execute=True):
        service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())
    certificate = Certificate.objects.get(registration=guest)
    sign_in(client, UserFactory(email="guest@example.org"))

    assert client.get(f"/certificates/{certificate.code}/download/").status_code == 200


def test_revoked_certificates_are_listed_but_no_longer_downloadable(client, django_capture_on_commit_callbacks):
    holder = UserFactory()
    [certificate] = certified(django_capture_on_commit_callbacks, holder)
    revoke(certificate, "Withdrawn by the organizers.")
    sign_in(client, holder)

    listing = client.get("/certificates/").content.decode()

    assert "Withdrawn by the organizers." in listing
    assert f"/certificates/{certificate.code}/download/" not in listing
    assert client.get(f"/certificates/{certificate.code}/download/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/certificates/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_my_registrations_links_to_the_certificate(client, django_capture_on_commit_callbacks):
    holder = UserFactory()
    [certificate] = certified(django_capture_on_commit_callbacks, holder)
    sign_in(client, holder)

    page = client.get("/registrations/")

    assert f'href="/certificates/{certificate.code}/download/">Certificate</a>'.encode() in page.content


def test_staff_issue_from_the_back_office_and_watch_progress(client, django_capture_on_commit_callbacks):
    event = make_event(title="Cloud Workshop")
    attended(event, UserFactory())
    attended(event, UserFactory())
    EventRecord.objects.filter(page_id=event.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    record = EventRecord.objects.get(page_id=event.pk)
    staff_client(client)

    form = client.get("/staff/registry/certificatebatch/add/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/registry/certificatebatch/add/", {"event": record.pk})

    batch = CertificateBatch.objects.get()
    assert b"Cloud Workshop" in form.content
    assert response["Location"] == f"/staff/registry/certificatebatch/{batch.pk}/progress/"
    progress = client.get(response["Location"])
    assert b"registry/certificates/batch_progress.js" in progress.content
    assert b"data-progress-url" in progress.content
    status = client.get(f"/staff/registry/certificatebatch/{batch.pk}/progress.json").json()
    assert status == {
        "status": "done",
        "status_display": "Done",
        "done": 2,
        "total": 2,
        "percent": 100,
        "finished": True,
        "error": "",
        "stalled": False,
        "resumable": False,
    }
    assert Certificate.objects.count() == 2


def test_staff_see_a_stalled_batch_and_resume_it_from_its_progress_page(client, django_capture_on_commit_callbacks):
    event = make_event(title="Cloud Workshop")
    attended(event, UserFactory())
    EventRecord.objects.filter(page_id=event.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    batch = service.certificate_batch_start(page_id=event.pk, actor=StaffFactory())  # its worker died
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status="running", lease_owner="a worker that died", lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    staff_client(client)
    progress_url = f"/staff/registry/certificatebatch/{batch.pk}/progress/"

    page = client.get(progress_url).content.decode()
    status = client.get(f"/staff/registry/certificatebatch/{batch.pk}/progress.json").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/registry/certificatebatch/{batch.pk}/resume/")

    assert "Stalled: no worker has reported progress on this batch for a while" in page
    assert f'action="/staff/registry/certificatebatch/{batch.pk}/resume/"' in page
    assert (status["status"], status["stalled"], status["resumable"]) == ("running", True, True)
    assert response["Location"] == progress_url
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == ("done", 1, 1)
    assert client.get(f"/staff/registry/certificatebatch/{batch.pk}/resume/").status_code == 405
    again = client.post(f"/staff/registry/certificatebatch/{batch.pk}/resume/", follow=True)
    assert "This batch is done." in again.content.decode()


def test_staff_revoke_with_a_reason_from_an_intermediate_page(client, django_capture_on_commit_callbacks):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())
    staff = staff_client(client)
    changelist = "/staff/registry/certificate/"
    selection = {"action": "revoke", "_selected_action": [certificate.pk]}

    confirm = client.post(changelist, selection)
    client.post(changelist, {**selection, "apply": "1", "reason": "Duplicate of another certificate."})

    assert b"Revoke 1 certificate" in confirm.content
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Duplicate of another certificate."
    assert certificate.history.latest().history_user == staff


def test_a_revocation_cannot_be_undone_by_restoring_an_old_version(client, django_capture_on_commit_callbacks):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())
    issued_version = certificate.history.earliest()
    revoke(certificate, "Withdrawn.")
    staff_client(client)

    url = f"/staff/registry/certificate/{certificate.pk}/history/{issued_version.history_id}/"
    page = client.get(url)
    response = client.post(url, {})

    assert page.status_code == 200 and "adminform" not in page.context, "a version is shown, never as a form"
    assert response.status_code == 405
    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoked_reason == "Withdrawn."


def test_template_versions_can_be_previewed_and_an_old_one_restored(client):
    staff_client(client)
    template = CertificateTemplate.objects.get(is_default=True)
    original_html = template.html
    change_url = f"/staff/registry/certificatetemplate/{template.pk}/change/"
    edit = {"name": template.name, "html": "<p>{{ name }} — new design</p>", "css": template.css}

    refused = client.post(change_url, {**edit, "html": "{% if %}"})
    client.post(change_url, edit)
    preview = client.get(f"/staff/registry/certificatetemplate/{template.pk}/preview/")
    version_url = f"/staff/registry/certificatetemplate/{template.pk}/history/{template.history.earliest().history_id}/"
    version_page = client.get(version_url)
    old_version = version_page.context["version"]
    reverting = client.post(version_url, {"name": old_version.name, "html": old_version.html, "css": old_version.css})
    assert reverting.status_code == 405, "history is a record: nothing is restored from the version page itself"
    template.refresh_from_db()
    assert "new design" in template.html
    # Restoring is saving the old version's values through the template's own page, which checks them again.
    client.post(change_url, {"name": old_version.name, "html": old_version.html, "css": old_version.css})

    assert "adminform" not in version_page.context
    assert original_html in [row["value"] for row in version_page.context["rows"]]
    assert b"The certificate template has an error" in refused.content
    assert preview["Content-Type"] == "application/pdf"
    assert "Aarav Sharma — new design" in PdfReader(io.BytesIO(preview.content)).pages[0].extract_text()
    template.refresh_from_db()
    assert template.html == original_html


def test_organizers_see_only_their_organizations_certificates(client, django_capture_on_commit_callbacks):
    membership = MembershipFactory(role=Membership.Role.ORGANIZER, user=StaffFactory())
    membership.user.groups.clear()
    membership.user.groups.add(Group.objects.get(name=Role.ORGANIZER))
    [ours] = certified(django_capture_on_commit_callbacks, UserFactory(), organization_id=membership.organization_id)
    [others] = certified(django_capture_on_commit_callbacks, UserFactory())
    staff_client(client, membership.user)

    listing = client.get("/staff/registry/certificate/")
    our_pdf = client.get(f"/staff/registry/certificate/{ours.pk}/pdf/")

    assert listing.status_code == 200
    assert ours.code.encode() in listing.content
    assert others.code.encode() not in listing.content
    assert our_pdf.status_code == 200 and hashlib.sha256(b"".join(our_pdf.streaming_content)).hexdigest() == ours.sha256
    assert client.get(f"/staff/registry/certificate/{others.pk}/pdf/").status_code == 404
    assert client.get(f"/staff/registry/certificate/{ours.pk}/history/").status_code == 200
    assert client.get(f"/staff/registry/certificate/{others.pk}/history/").status_code == 404
    other_version = others.history.earliest().history_id
    assert client.get(f"/staff/registry/certificate/{others.pk}/history/{other_version}/").status_code == 404


def test_issued_pdfs_are_never_in_the_public_media_folder(client, django_capture_on_commit_callbacks, settings):
    [certificate] = certified(django_capture_on_commit_callbacks, UserFactory())
    staff_client(client)

    listing = client.get("/staff/registry/certificate/").content.decode()

    assert not (Path(settings.MEDIA_ROOT) / certificate.pdf.name).exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / certificate.pdf.name).exists()
    assert f'href="/staff/registry/certificate/{certificate.pk}/pdf/"' in listing
    assert settings.MEDIA_URL not in listing


def test_the_verification_page_is_reachable_from_every_certificate(client, django_capture_on_commit_callbacks):
    holder = UserFactory()
    mail.outbox.clear()
    [certificate] = certified(django_capture_on_commit_callbacks, holder)
    sign_in(client, holder)
    lookup = 'href="/certificates/verify/"'

    mine = client.get("/certificates/").content.decode()
    its_page = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    [email] = [message for message in mail.outbox if certificate.code in message.body]

    assert f'href="/certificates/verify/{certificate.code}/">Verification page</a>' in mine
    assert 'type its number at <a href="/certificates/verify/">http://testserver/certificates/verify/</a>' in mine
    assert '<a href="/certificates/verify/">Verify another certificate</a>' in its_page
    site = settings.SITE_URL.rstrip("/")
    assert f"or by typing its number at: {site}/certificates/verify/\n" in email.body
    assert f'href="{site}/certificates/verify/"' in email.alternatives[0][0]
    assert lookup in mine and lookup in its_page


@pytest.mark.parametrize("path", ["/certificates/verify/", "/accounts/login/"])
def test_the_footer_links_to_certificate_verification(client, path):
    page = client.get(path).content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<li><a href="/certificates/verify/">Verify a certificate</a></li>' in footer
