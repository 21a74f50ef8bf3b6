"""Certificates: issue them for an event in batches, revoke them, and sweep what is due.

A certificate is issued at most once per registration: `Certificate.registration`
is one-to-one, so when two runs race, the database refuses the second row and
that run skips the person. Rendering happens before the insert, so a lost
race costs only the rendering and its stored file is removed again.
"""

import logging
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Least
from django.utils import timezone

from .. import certificates as rendering
from ..actors import SYSTEM, person
from ..codes import CODE_ALPHABET
from ..emails import branding
from ..models import Certificate, CertificateBatch, CertificateTemplate, EventRecord, Registration, User
from ..selectors import eligible_registrations
from .errors import DomainError
from .guards import require_event_manager, require_permission

logger = logging.getLogger(__name__)

Status = CertificateBatch.Status
ACTIVE_BATCH = [Status.QUEUED, Status.RUNNING]
CHUNK_SIZE = 50  # holders laid out as one document
# A batch still queued or running this long after it was requested lost its task (a killed worker): run it again.
STALE_BATCH_AFTER = timedelta(minutes=30)
# Automatic issuing looks back this far, so the sweep stays cheap however many events the site has had.
AUTOMATIC_LOOKBACK = timedelta(days=30)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def _enqueue_batch(batch: CertificateBatch) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.issue_certificate_batch(batch.pk))


def _enqueue_email(registration: Registration) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.send_registration_email(registration.pk, "certificate_issued"))


def _default_template() -> CertificateTemplate:
    template = rendering.default_template()
    if template is None:
        raise DomainError("No certificate template is marked as the default. Choose one under Certificate templates.")
    return template


@transaction.atomic
def certificate_batch_start(*, page_id: int, actor) -> CertificateBatch:
    """Queue issuing for everyone eligible at this event who has no certificate yet.

    The event's organizers and staff admins issue. While a batch for the event is
    queued or running, asking again returns it instead of starting a second one.
    """
    require_event_manager(actor, page_id, permission="registry.add_certificatebatch", doing="issue its certificates")
    record = EventRecord.objects.select_for_update().filter(page_id=page_id).first()
    if record is None:
        raise DomainError("This event has no registrations yet.")
    if record.is_cancelled:
        raise DomainError("This event was cancelled; it issues no certificates.")
    _default_template()
    active = CertificateBatch.objects.filter(page_id=page_id, status__in=ACTIVE_BATCH).first()
    if active is not None:
        return active
    total = rendering.registrations_to_certify(page_id).count()
    if not total and not eligible_registrations(page_id).exists():
        rule = f"at least {record.attendance_threshold}% of its sessions" if record.session_ids else "checking in"
        raise DomainError(
            f"Nobody at this event has earned a certificate yet (the rule is {rule}): "
            "check people in or upload the attendance sheet first."
        )
    if not total:
        raise DomainError("Everyone eligible at this event already has a certificate.")
    batch = CertificateBatch.objects.create(page_id=page_id, requested_by=person(actor), total=total)
    _enqueue_batch(batch)
    return batch


def certificate_batch_run(*, batch: CertificateBatch) -> CertificateBatch:
    """Render, store and announce every missing certificate of the batch's event; safe to run twice, even at once."""
    if batch.status == Status.DONE:
        return batch
    try:
        _issue_missing(batch)
    except Exception as exc:
        logger.exception("Certificate batch %s failed", batch.pk)
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    else:
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=Status.DONE, done=F("total"), error="", finished_at=timezone.now()
        )
    batch.refresh_from_db()
    return batch


def _issue_missing(batch: CertificateBatch) -> None:
    template = _default_template()
    record = EventRecord.objects.select_related("organization", "credit_category").get(page_id=batch.page_id)
    issuer = record.organization.name if record.organization else branding()["site_name"]
    today = timezone.localdate()
    people = list(rendering.registrations_to_certify(batch.page_id).only("pk", "full_name", "email"))
    items = [
        (registration, rendering.certificate_data(registration, record, code=_new_code(), issuer=issuer, today=today))
        for registration in people
    ]
    CertificateBatch.objects.filter(pk=batch.pk).update(status=Status.RUNNING, total=F("done") + len(items))
    chunks = [items[start : start + CHUNK_SIZE] for start in range(0, len(items), CHUNK_SIZE)]
    results = rendering.render_chunks(
        rendering.TemplateSource.of(template),
        [[data for _, data in chunk] for chunk in chunks],
        signatory=rendering.signatory_details(),
        processes=rendering.render_processes(),
    )
    for chunk, rendered in zip(chunks, results, strict=True):
        for (registration, data), pdf in zip(chunk, rendered, strict=True):
            _store(registration, data, pdf, template=template, record=record)
        CertificateBatch.objects.filter(pk=batch.pk).update(done=Least(F("done") + len(chunk), F("total")))


def _store(
    registration: Registration,
    data: rendering.CertificateData,
    rendered: rendering.RenderedCertificate,
    *,
    template: CertificateTemplate,
    record: EventRecord,
) -> Certificate | None:
    """Save the PDF, then the row; the row's unique registration decides a race, and the loser's file goes."""
    certificate = Certificate(
        registration=registration,
        code=data.code,
        holder_name=data.name,
        event_title=data.event,
        event_starts_at=data.starts,
        event_ends_at=data.ends,
        credit_points=data.credits,
        credit_category_id=record.credit_category_id,
        issuer=data.issuer,
        template=template,
        sha256=rendered.sha256,
    )
    certificate.pdf.save(f"{data.code}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            certificate.save()
    except IntegrityError:
        certificate.pdf.delete(save=False)
        if Certificate.objects.filter(registration=registration).exists():
            return None
        raise
    _enqueue_email(registration)
    return certificate


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str, now=None) -> Certificate:
    """Withdraw a certificate: its verification page says so from now on, with the date and the reason."""
    require_event_manager(
        actor,
        certificate.registration.page_id,
        permission="registry.change_certificate",
        doing="revoke its certificates",
    )
    reason = reason.strip()
    if not reason:
        raise DomainError("Give the reason for revoking; the verification page shows it.")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise DomainError(
                f"Certificate {certificate.code} was already revoked on {certificate.revoked_at:%d %b %Y}."
            )
        certificate.revoked_at = now or timezone.now()
        certificate.revoked_reason = reason[:500]
        certificate._history_user = person(actor)
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate


def certificates_issue_due(*, actor=SYSTEM, now=None) -> list[CertificateBatch]:
    """The periodic sweep: issue for recently completed events that do so automatically, and revive lost batches.

    An event whose latest batch failed waits for staff, who see the error on the batch.
    """
    now = now or timezone.now()
    for batch in CertificateBatch.objects.filter(status__in=ACTIVE_BATCH, created_at__lt=now - STALE_BATCH_AFTER):
        _enqueue_batch(batch)
    latest = CertificateBatch.objects.filter(page_id=OuterRef("page_id")).order_by("-created_at").values("status")[:1]
    due = (
        EventRecord.objects.filter(
            issue_certificates_automatically=True,
            is_cancelled=False,
            ends_at__lte=now,
            ends_at__gt=now - AUTOMATIC_LOOKBACK,
        )
        .annotate(latest_batch=Subquery(latest))
        .filter(Q(latest_batch__isnull=True) | ~Q(latest_batch__in=[*ACTIVE_BATCH, Status.FAILED]))
    )
    started = []
    for record in due:
        if rendering.registrations_to_certify(record.page_id).exists():
            try:
                started.append(certificate_batch_start(page_id=record.page_id, actor=actor))
            except DomainError as exc:
                logger.warning("Not issuing certificates for %s: %s", record, exc)
    return started


@transaction.atomic
def certificate_template_set_default(*, template: CertificateTemplate, actor) -> CertificateTemplate:
    """Certificates issued from now on use this template; at most one template is the default."""
    require_permission(
        actor, "registry.change_certificatetemplate", "Only staff admins choose the default certificate template."
    )
    for previous in CertificateTemplate.objects.filter(is_default=True).exclude(pk=template.pk):
        previous._history_user = person(actor)
        previous.is_default = False
        previous.save(update_fields=["is_default", "updated_at"])  # save(), not update(): history keeps the change
    if not template.is_default:
        template._history_user = person(actor)
        template.is_default = True
        template.save(update_fields=["is_default", "updated_at"])
    return template
