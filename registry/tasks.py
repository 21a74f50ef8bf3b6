"""Huey tasks: thin, take ids, reload, call one service; safe to run twice."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from . import certificates as rendering
from . import selectors
from .actors import SYSTEM
from .models import CertificateBatch, User
from .services import certificates as certificate_services
from .services import credits, imports, messages, registrations


@db_task()
def send_message(message_id: int) -> bool:
    """One queued email; a failure is recorded on the message, and the sweep retries it."""
    return messages.message_send(message_id=message_id)


@db_periodic_task(crontab(minute="*/2"))
def send_due_messages() -> int:
    return messages.messages_send_due(actor=SYSTEM)


@db_periodic_task(crontab(minute="*"))
def expire_unconfirmed_holds() -> int:
    return registrations.holds_expire(actor=SYSTEM)


@db_periodic_task(crontab(minute="*"))
def send_due_reminders_and_follow_ups() -> int:
    """The database says what is due, so a missed or repeated run sends nothing twice."""
    now = timezone.now()
    sent = 0
    for offset in settings.REMINDER_OFFSETS_MINUTES:
        for registration in selectors.reminders_due(offset_minutes=offset, now=now).select_related("user"):
            sent += bool(messages.tell_registrant(registration=registration, template=f"reminder:{offset}"))
    for registration in selectors.follow_ups_due(
        delay_minutes=settings.FOLLOW_UP_DELAY_MINUTES, now=now
    ).select_related("user"):
        sent += bool(messages.tell_registrant(registration=registration, template="follow_up"))
    return sent


@db_task(retries=3, retry_delay=30)
def send_invitations(user_ids: list[int], kind: str) -> int:
    from .services import invitations

    return invitations.invitations_send(user_ids=user_ids, kind=kind)


@db_task()
def send_login_alert(user_id: int, addresses: int) -> bool:
    owner = User.objects.filter(pk=user_id, is_active=True).first()
    return bool(owner) and bool(messages.tell_owner_of_failed_sign_ins(user=owner, addresses=addresses))


@db_task()
def issue_certificate_batch(batch_id: int) -> int:
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    return certificate_services.certificate_batch_run(batch=batch).done if batch else 0


@on_startup()
def start_certificate_render_server() -> None:
    rendering.start_render_server()


@db_periodic_task(crontab(minute="*"))
def issue_due_certificates() -> int:
    """Every minute, so a batch whose worker died is resumed soon after its lease lapses."""
    return len(certificate_services.certificates_issue_due(actor=SYSTEM))


@db_periodic_task(crontab(minute="*/15"))
def award_due_credits() -> int:
    return credits.credits_award_due(actor=SYSTEM)


@db_periodic_task(crontab(minute="*/30"))
def remove_stale_import_uploads() -> int:
    return imports.import_uploads_remove_stale(actor=SYSTEM)
