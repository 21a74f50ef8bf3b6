"""Keep registry's EventRecord in step with the pages that are registrable events."""

from wagtail.signals import page_published

from .actors import SYSTEM
from .models import RegistrableEvent
from .services.registrations import event_record_sync


def sync_event_record(sender, instance, revision=None, **kwargs) -> None:
    """Publishing acts as whoever saved the revision (scheduled and scripted publishing as the system)."""
    page = instance.specific
    if isinstance(page, RegistrableEvent):
        event_record_sync(page=page, actor=(revision.user if revision is not None else None) or SYSTEM)


def connect() -> None:
    page_published.connect(sync_event_record, dispatch_uid="registry.sync_event_record")
