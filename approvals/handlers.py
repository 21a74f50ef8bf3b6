"""Signal receivers: thin, each hands an event page to one service."""

import logging

from wagtail.models import Page

from registry.services import DomainError

from . import services

logger = logging.getLogger(__name__)


def _is_event_page(page) -> bool:
    return isinstance(page, Page) and all(hasattr(page, name) for name in ("venue", "starts_at", "ends_at"))


def event_page_published(sender, instance, revision=None, **kwargs) -> None:
    """Publishing an event page books its hall (and its sessions' rooms) by the usual rules."""
    if not _is_event_page(instance):
        return
    actor = (revision.user if revision is not None else None) or instance.owner
    if actor is None:
        logger.warning("Event page %s was published by nobody known; its hall was not booked.", instance.pk)
        return
    try:
        services.event_bookings_sync(page=instance, actor=actor)
    except DomainError as error:
        # Publishing must not fail because a hall cannot be held; the page's bookings list shows what is missing.
        logger.warning("Hall booking for event page %s failed: %s", instance.pk, error)


def event_page_unpublished(sender, instance, **kwargs) -> None:
    if _is_event_page(instance):
        services.event_bookings_release(page=instance, actor=None, reason="The event page was unpublished.")


def event_cancelled(sender, record, actor, reason: str, **kwargs) -> None:
    """A cancelled event gives its halls back, in the cancelling transaction."""
    services.event_bookings_release(page=record.page, actor=actor, reason=reason or "The event was cancelled.")


def event_page_deleted(sender, instance, **kwargs) -> None:
    if _is_event_page(instance) and instance.pk:
        services.event_bookings_release(page=instance, actor=None, reason="The event page was deleted.")
