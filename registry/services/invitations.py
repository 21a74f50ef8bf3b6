"""Invitations for imported people and staff-sent password resets: one signed link to set a password."""

from allauth.account.models import EmailAddress
from django.db import transaction

from ..models import User
from .errors import NotAllowed
from .guards import require_permission

CHUNK = 200
KINDS = ("invitation", "password_reset")


def users_invite(*, actor, user_ids: list[int], kind: str) -> None:
    """Email each person a set-password link after commit, a few hundred people per background task."""
    from .. import tasks

    if kind not in KINDS:
        raise ValueError(f"Unknown invitation kind {kind!r}.")
    require_permission(actor, "registry.change_user", "Only staff admins send invitations and password links.")
    if not actor.is_superuser and User.objects.filter(pk__in=user_ids, is_superuser=True).exists():
        raise NotAllowed("Only a superuser can send a superuser a link to set their password.")
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        transaction.on_commit(lambda chunk=chunk: tasks.send_invitations(chunk, kind))


def invitations_send(*, user_ids: list[int], kind: str) -> int:
    """Send the emails; an invitation already accepted (a password is set) is not sent again."""
    from .messages import tell_invitation

    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        if kind == "invitation" and user.has_usable_password():
            continue
        sent += bool(tell_invitation(user=user, kind=kind))
    return sent


@transaction.atomic
def invitation_accept(*, actor: User, password: str) -> User:
    """The person whose invitation link was checked sets their password; the link proved they own the address,
    so it is verified too."""
    user = actor
    user.set_password(password)
    user.save(update_fields=["password"])
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user
