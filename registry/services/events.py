"""An event's life beyond its page: cancelling it is registry's decision, kept on its record."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..actors import person
from ..models import EventRecord, Registration, RegistrationStatus
from ..signals import event_cancelled
from . import messages
from .errors import DomainError
from .guards import require_event_manager


def event_cancel(*, page_id: int, actor, reason: str = "", now=None) -> EventRecord:
    """Cancel a published event for good: everyone registered or waiting is told once, held seats and waitlist
    offers end, and the apps above release what they hold for it (halls; refunds). Reminders, certificates
    and credits skip cancelled events. The page keeps no say: publishing any revision leaves it cancelled.
    """
    if not EventRecord.objects.filter(page_id=page_id).exists():
        raise DomainError("Only a published event can be cancelled; delete a draft instead.")
    require_event_manager(actor, page_id, permission="registry.cancel_event", doing="cancel this event")
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        record = EventRecord.objects.select_for_update().get(page_id=page_id)
        if record.is_cancelled:
            raise DomainError("This event is already cancelled.")
        if record.ends_at <= now:
            raise DomainError("This event is over; it can no longer be cancelled.")
        record.is_cancelled, record.cancelled_at = True, now
        record.cancelled_by, record.cancellation_reason = person(actor), reason
        record.save(update_fields=["is_cancelled", "cancelled_at", "cancelled_by", "cancellation_reason"])
        messages.tell_registrants_event_cancelled(record=record, reason=reason)
        holds = list(
            Registration.objects.select_for_update().filter(
                page_id=page_id, status=RegistrationStatus.AWAITING_CONFIRMATION
            )
        )
        for held in holds:
            held.status, held.cancelled_at, held.hold_expires_at = RegistrationStatus.CANCELLED, now, None
            held.save(update_fields=["status", "cancelled_at", "hold_expires_at"])
        if holds:
            EventRecord.objects.filter(pk=record.pk).update(seats_taken=F("seats_taken") - len(holds))
        event_cancelled.send(sender=EventRecord, record=record, actor=actor, reason=reason)
    return record
