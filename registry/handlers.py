"""Keep registry's EventRecord in step with the pages that are registrable events."""

from wagtail.signals import page_published

from .models import RegistrableEvent
from .services.registrations import event_record_sync


def sync_event_record(sender, instance, **kwargs) -> None:
    page = instance.specific
    if isinstance(page, RegistrableEvent):
        event_record_sync(page=page)


def connect() -> None:
    page_published.connect(sync_event_record, dispatch_uid="registry.sync_event_record")
