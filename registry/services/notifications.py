"""In-app notifications: a person marks theirs read (the API and the account page call these)."""

from django.utils import timezone

from ..models import Notification, User
from .errors import DomainError


def notification_mark_read(*, notification: Notification, user: User, now=None) -> Notification:
    """Mark one of the person's own notifications read; reading it again keeps the first time."""
    if notification.user_id != user.pk:
        raise DomainError("This notification belongs to someone else.")
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User, now=None) -> int:
    """Mark every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
