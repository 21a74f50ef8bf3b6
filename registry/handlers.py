"""Keep registry's EventRecord in step with the pages that are registrable events; feed every login path's
outcomes to the lockout policy."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from wagtail.signals import page_published

from . import security
from .actors import SYSTEM
from .models import RegistrableEvent
from .services.registrations import event_record_sync


def sync_event_record(sender, instance, revision=None, **kwargs) -> None:
    """Publishing acts as whoever saved the revision (scheduled and scripted publishing as the system)."""
    page = instance.specific
    if isinstance(page, RegistrableEvent):
        actor = (revision.user if revision is not None else None) or SYSTEM
        event_record_sync(
            page=page, actor=actor, change_key=f"revision-{revision.pk}" if revision is not None else None
        )


def record_login_failure(sender, credentials: dict, request=None, **kwargs) -> None:
    security.login_failure_record(request=request, identifier=security.login_identifier(request, credentials))


def record_login(sender, request, user, **kwargs) -> None:
    security.login_success_record(request=request, identifier=user.email.strip().lower())


def connect() -> None:
    page_published.connect(sync_event_record, dispatch_uid="registry.sync_event_record")
    user_login_failed.connect(record_login_failure, dispatch_uid="registry.record_login_failure")
    user_logged_in.connect(record_login, dispatch_uid="registry.record_login")
