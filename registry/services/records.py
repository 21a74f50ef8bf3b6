"""Saving and deleting reference data edited in the back office: halls, facilities, organizations, credit
categories, certificate templates.

These carry no rules beyond who may change them (the model permissions of the staff admin role) and the
model's own validation, so one pair of functions serves them all; anything with more rules has its own service.
"""

from django.db import transaction
from django.db.models import Model

from ..actors import person
from .errors import NotAllowed


def _require(actor, action: str, record: Model) -> None:
    opts = record._meta
    permission = f"{opts.app_label}.{action}_{opts.model_name}"
    if actor is None or not actor.is_authenticated or not actor.has_perm(permission):
        raise NotAllowed(f"You may not {'delete' if action == 'delete' else 'change'} {opts.verbose_name_plural}.")


@transaction.atomic
def record_save(*, actor, record: Model) -> Model:
    """Validate and save one record (new or changed), recording the actor in its history."""
    _require(actor, "add" if record._state.adding else "change", record)
    record.full_clean()
    record._history_user = person(actor)
    record.save()
    return record


@transaction.atomic
def record_delete(*, actor, record: Model) -> None:
    _require(actor, "delete", record)
    record._history_user = person(actor)
    record.delete()
