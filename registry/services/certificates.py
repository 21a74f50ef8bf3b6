"""Certificates: issue them for an event in batches, revoke them, and sweep what is due.

A certificate is issued at most once per registration: `Certificate.registration`
is one-to-one, so when two runs race, the database refuses the second row and
that run skips the person. Rendering happens before the insert, so a lost
race costs only the rendering and its stored file is removed again.

A batch is run under a lease (`CertificateBatch.lease_owner`, `lease_expires_at`):
a run claims it with one conditional UPDATE, renews it after every chunk and
stops when it finds the lease taken by another run. Huey delivers at most once,
so a batch whose worker died simply stops renewing; once the lease lapses the
sweep (every minute) queues it again, and the new run issues what is missing.
"""

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from .. import certificates as rendering
from .. import emails
from ..actors import SYSTEM, person
from ..codes import CODE_ALPHABET
from ..models import Certificate, CertificateBatch, CertificateTemplate, EventRecord, Registration, User
from ..selectors import eligible_registrations
from . import messages
from .errors import DomainError
from .guards import require_event_manager, require_permission

logger = logging.getLogger(__name__)

Status = CertificateBatch.Status
ACTIVE_BATCH = rendering.ACTIVE_BATCH
CHUNK_SIZE = 50  # holders laid out as one document
# Automatic issuing looks back this far, so the sweep stays cheap however many events the site has had.
AUTOMATIC_LOOKBACK = timedelta(days=30)


class LeaseLost(Exception):
    """Another run claimed the batch after this run's lease lapsed; this run stops and leaves the batch to it."""


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def _enqueue_batch(batch: CertificateBatch) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.issue_certificate_batch(batch.pk))


def _lease_owner() -> str:
    """Names this run (host and process, for whoever reads the row; a random part, so each run is distinct)."""
    return f"{secrets.token_hex(4)} pid {os.getpid()} on {socket.gethostname()}"[:100]


def _requeue(batch: CertificateBatch, *, now: datetime, failed_too: bool = False) -> bool:
    """Queue a fresh run of the batch unless a live run holds its lease; of callers racing, one wins.

    The batch is reserved for its new task for one lease, so the sweep does not queue it again meanwhile.
    """
    resumable = Q(status__in=ACTIVE_BATCH) & (Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
    if failed_too:
        resumable |= Q(status=Status.FAILED)
    requeued = CertificateBatch.objects.filter(resumable, pk=batch.pk).update(
        status=Status.QUEUED,
        lease_owner="",
        lease_expires_at=now + rendering.batch_lease(),
        error="",
        finished_at=None,
    )
    if requeued:
        _enqueue_batch(batch)
    return bool(requeued)


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
        _requeue(active, now=timezone.now())  # only if its worker died
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
    now = timezone.now()
    batch = CertificateBatch.objects.create(
        page_id=page_id, requested_by=person(actor), total=total, lease_expires_at=now + rendering.batch_lease()
    )
    _enqueue_batch(batch)
    return batch


def certificate_batch_resume(*, batch: CertificateBatch, actor) -> CertificateBatch:
    """Run a failed batch, or one whose worker died, again: it issues only the certificates still missing.

    Whoever may start a batch for the event may resume it. A batch whose worker is alive is left alone.
    """
    require_event_manager(
        actor, batch.page_id, permission="registry.add_certificatebatch", doing="issue its certificates"
    )
    with transaction.atomic():
        record = EventRecord.objects.select_for_update().filter(page_id=batch.page_id).first()
        batch = CertificateBatch.objects.get(pk=batch.pk)
        if record is not None and record.is_cancelled:
            raise DomainError("This event was cancelled; it issues no certificates.")
        if batch.status == Status.DONE:
            raise DomainError("This batch is done. Issue again to add people who have earned a certificate since.")
        other = CertificateBatch.objects.filter(page_id=batch.page_id, status__in=ACTIVE_BATCH).exclude(pk=batch.pk)
        if other.exists():
            raise DomainError(f"Batch {other.first().pk} is issuing this event's certificates now.")
        _default_template()
        if not _requeue(batch, now=timezone.now(), failed_too=True):
            if batch.status == Status.QUEUED:
                raise DomainError(
                    "This batch is waiting for a worker; if none takes it within a few minutes, it is resumed."
                )
            raise DomainError("This batch is still running: its worker reported progress moments ago.")
    logger.info("Certificate batch %s resumed by %s", batch.pk, actor)
    batch.refresh_from_db()
    return batch


def certificate_batch_run(*, batch: CertificateBatch) -> CertificateBatch:
    """Claim the batch's lease, then render, store and announce every missing certificate of its event.

    Safe to run twice, even at once: a run that cannot claim the lease (a live run holds it, or the
    batch is done or failed) returns the batch as it is.
    """
    owner = _lease_owner()
    if _claim(batch, owner):
        try:
            _issue_missing(batch, owner)
        except LeaseLost:
            logger.warning("Certificate batch %s was taken over by another run; %s stops", batch.pk, owner)
        except Exception as exc:
            logger.exception("Certificate batch %s failed", batch.pk)
            _release(batch, owner, status=Status.FAILED, error=str(exc)[:2000])
        else:
            _release(batch, owner, status=Status.DONE, error="")
    batch.refresh_from_db()
    return batch


def _claim(batch: CertificateBatch, owner: str) -> bool:
    """Take the lease in one conditional UPDATE: of runs racing for a batch, the database lets exactly one win."""
    now = timezone.now()
    claimable = Q(lease_owner="") | Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    return bool(
        CertificateBatch.objects.filter(claimable, pk=batch.pk, status__in=ACTIVE_BATCH).update(
            status=Status.RUNNING, lease_owner=owner, lease_expires_at=now + rendering.batch_lease()
        )
    )


def _renew(batch: CertificateBatch, owner: str) -> None:
    """The heartbeat after each chunk: `done` is counted from the stored rows, and the lease is extended."""
    renewed = CertificateBatch.objects.filter(pk=batch.pk, lease_owner=owner).update(
        done=Certificate.objects.filter(batch_id=batch.pk).count(),
        lease_expires_at=timezone.now() + rendering.batch_lease(),
    )
    if not renewed:
        raise LeaseLost(owner)


def _release(batch: CertificateBatch, owner: str, *, status: str, error: str) -> None:
    CertificateBatch.objects.filter(pk=batch.pk, lease_owner=owner).update(
        status=status,
        error=error,
        done=Certificate.objects.filter(batch_id=batch.pk).count(),
        finished_at=timezone.now(),
        lease_owner="",
        lease_expires_at=None,
    )


def _issue_missing(batch: CertificateBatch, owner: str) -> None:
    template = _default_template()
    record = EventRecord.objects.select_related("organization", "credit_category").get(page_id=batch.page_id)
    issuer = record.organization.name if record.organization else emails.branding()["site_name"]
    today = timezone.localdate()
    people = list(rendering.registrations_to_certify(batch.page_id).only("pk", "full_name", "email"))
    items = [
        (registration, rendering.certificate_data(registration, record, code=_new_code(), issuer=issuer, today=today))
        for registration in people
    ]
    # What this batch set out to issue: what it stored before (a run that died) and who is still missing.
    stored = Certificate.objects.filter(batch_id=batch.pk).count()
    if not CertificateBatch.objects.filter(pk=batch.pk, lease_owner=owner).update(
        done=stored, total=stored + len(items)
    ):
        raise LeaseLost(owner)
    chunks = [items[start : start + CHUNK_SIZE] for start in range(0, len(items), CHUNK_SIZE)]
    results = rendering.render_chunks(
        rendering.TemplateSource.of(template),
        [[data for _, data in chunk] for chunk in chunks],
        signatory=rendering.signatory_details(),
        processes=rendering.render_processes(),
    )
    for chunk, rendered in zip(chunks, results, strict=True):
        for (registration, data), pdf in zip(chunk, rendered, strict=True):
            _store(registration, data, pdf, template=template, record=record, batch=batch)
        _renew(batch, owner)


def _store(
    registration: Registration,
    data: rendering.CertificateData,
    rendered: rendering.RenderedCertificate,
    *,
    template: CertificateTemplate,
    record: EventRecord,
    batch: CertificateBatch,
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
        batch=batch,
        sha256=rendered.sha256,
    )
    certificate.pdf.save(f"{data.code}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        with transaction.atomic():
            certificate.save()
            messages.tell_registrant(registration=registration, template="certificate_issued", title=data.event)
    except IntegrityError:
        certificate.pdf.delete(save=False)
        if Certificate.objects.filter(registration=registration).exists():
            return None
        raise
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


def certificate_reissue(*, certificate: Certificate, actor: User, now=None) -> Certificate:
    """Replace one person's certificate and send it to them again: a fresh PDF from the default template with the
    registration's name as it is now (a corrected spelling, say) and the event's details, under the same code, so
    its verification link and QR code keep working. The PDF it replaces no longer matches any certificate.

    Whoever may issue the event's certificates may reissue one; a revoked certificate is not sent again.
    """
    registration = certificate.registration
    require_event_manager(
        actor, registration.page_id, permission="registry.add_certificatebatch", doing="reissue its certificates"
    )
    if certificate.revoked_at is not None:
        raise DomainError(
            f"Certificate {certificate.code} was revoked on {certificate.revoked_at:%d %b %Y}; it is not sent again."
        )
    template = _default_template()
    record = EventRecord.objects.select_related("organization", "credit_category").get(page_id=registration.page_id)
    issuer = record.organization.name if record.organization else emails.branding()["site_name"]
    now = now or timezone.now()
    data = rendering.certificate_data(
        registration, record, code=certificate.code, issuer=issuer, today=timezone.localdate(now)
    )
    # Rendered before the transaction: laying a certificate out takes a moment, and no row waits for it.
    [[rendered]] = rendering.render_chunks(
        rendering.TemplateSource.of(template), [[data]], signatory=rendering.signatory_details()
    )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise DomainError(f"Certificate {certificate.code} was revoked meanwhile; it is not sent again.")
        replaced = certificate.pdf.name
        certificate.holder_name, certificate.event_title = data.name, data.event
        certificate.event_starts_at, certificate.event_ends_at = data.starts, data.ends
        certificate.credit_points, certificate.credit_category_id = data.credits, record.credit_category_id
        certificate.issuer, certificate.template, certificate.sha256 = data.issuer, template, rendered.sha256
        certificate.issued_at = now
        certificate.pdf.save(f"{data.code}.pdf", ContentFile(rendered.pdf), save=False)
        certificate._history_user = person(actor)
        certificate.save()
        if replaced and replaced != certificate.pdf.name:
            storage = certificate.pdf.storage
            transaction.on_commit(lambda: storage.delete(replaced))
        messages.tell_registrant(
            registration=registration,
            template=f"certificate_issued:again-{now:%Y%m%d%H%M%S}",
            title=data.event,
        )
    logger.info("Certificate %s reissued by %s", certificate.code, actor)
    return certificate


def certificates_issue_due(*, actor=SYSTEM, now=None) -> list[CertificateBatch]:
    """The periodic sweep: resume batches whose worker died, and issue for recently completed events that do so
    automatically.

    An event whose latest batch failed waits for staff, who see the error on the batch and may resume it.
    """
    now = now or timezone.now()
    for batch in rendering.abandoned_batches(now=now):
        if _requeue(batch, now=now):
            logger.warning("Certificate batch %s lost its worker (lease lapsed); queued it again", batch.pk)
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
