"""Telling people what affects them: one `notify` for every part of Convene, and sending what it queued.

`notify` writes the messages in the caller's transaction — one per channel the person gets (service mail
always; optional kinds as they chose) — so nothing is lost if a worker dies: a queued email is sent after
commit, and a sweep sends any whose task was lost. A `once_key` names what a message is about (this
registration's ticket, this change to this event); the database keeps one message per key and channel.
"""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..actors import SYSTEM
from ..models import Message, MessageKind, NotificationPreference, User
from ..models.messages import SERVICE_KINDS
from .errors import NotAllowed
from .guards import require_permission

logger = logging.getLogger(__name__)

Channel, Status = Message.Channel, Message.Status
CHANNELS = (Channel.EMAIL, Channel.IN_APP)
MAX_ATTEMPTS = 3
# A queued email older than this lost its task (a worker died or the queue was down): the sweep sends it.
LOST_AFTER = timedelta(minutes=2)
RETRY_AFTER = timedelta(minutes=10)


def wants(user: User | None, kind: str, channel: str) -> bool:
    """Whether this person gets this kind by this channel: service mail always, the rest as they chose."""
    if kind in SERVICE_KINDS:
        return True
    if user is None:  # guests get what they registered for, by email
        return channel == Channel.EMAIL
    choice = NotificationPreference.objects.filter(user=user, kind=kind).values_list(channel, flat=True).first()
    return choice is None or choice


def notify(
    *,
    kind: str,
    template: str,
    subject: str,
    recipient: User | None = None,
    address: str = "",
    body: str = "",
    url: str = "",
    registration=None,
    page_id: int | None = None,
    about: str = "",
    data: dict | None = None,
    once_key: str | None = None,
    channels: tuple[str, ...] = CHANNELS,
) -> list[Message]:
    """Queue what one happening means for one person: an email to `address` (theirs, by default) and an in-app
    notice for account holders, by the channels they get. Returns the messages written (none for a repeat)."""
    if kind not in MessageKind.values:
        raise ValueError(f"Unknown kind of message {kind!r}.")
    address = address or (recipient.email if recipient is not None else "")
    written = []
    for channel in channels:
        if channel == Channel.EMAIL and not address:
            continue
        if channel == Channel.IN_APP and recipient is None:
            continue
        if not wants(recipient, kind, channel):
            continue
        message = Message(
            recipient=recipient,
            address=address if channel == Channel.EMAIL else "",
            kind=kind,
            template=template,
            channel=channel,
            subject=subject[:255],
            body=body,
            url=url,
            registration=registration,
            page_id=page_id if page_id is not None else getattr(registration, "page_id", None),
            about=about,
            data=data or {},
            once_key=once_key,
        )
        if channel == Channel.IN_APP:
            message.status, message.sent_at = Status.SENT, message.created_at  # delivered by being written
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            if once_key is None:
                raise
            continue  # this person was already told, by this channel
        written.append(message)
        if channel == Channel.EMAIL:
            _send_after_commit(message)
    return written


def _send_after_commit(message: Message) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.send_message(message.pk))


def message_send(*, message_id: int) -> bool:
    """Send one queued email; the mail server's refusal is recorded, and a message no longer true is withdrawn.

    The row stays locked while the message is handed to the mail server and is marked sent in the same
    transaction: a worker killed halfway leaves it queued for the sweep, and a rerun sends nothing.
    """
    from .. import emails

    with transaction.atomic():
        # Only the message's row is locked: PostgreSQL cannot lock the nullable side of the joins.
        message = Message.objects.select_for_update(of=("self",)).filter(
            pk=message_id, status__in=[Status.QUEUED, Status.FAILED]
        )
        message = message.select_related("registration", "recipient").first()
        if message is None or message.channel != Channel.EMAIL:
            return False
        if not emails.still_true(message):
            message.status = Status.WITHDRAWN
            message.save(update_fields=["status"])
            return False
        message.attempts += 1
        try:
            emails.render(message).send()
        except (SMTPException, OSError) as error:
            message.status, message.error = Status.FAILED, str(error)[:2000]
            message.save(update_fields=["status", "error", "attempts"])
            logger.warning("Could not send message %s to %s: %s", message.pk, message.address, error)
            return False
        message.status, message.sent_at, message.error = Status.SENT, timezone.now(), ""
        message.save(update_fields=["status", "sent_at", "error", "attempts"])
    return True


def messages_send_due(*, actor=SYSTEM, now=None) -> int:
    """The sweep: send emails whose task was lost, and retry failed ones a few times."""
    require_permission(actor, "registry.see_all_organizations", "Only the scheduler and staff admins run this sweep.")
    now = now or timezone.now()
    lost = Message.objects.filter(channel=Channel.EMAIL, status=Status.QUEUED, created_at__lt=now - LOST_AFTER)
    retry = Message.objects.filter(
        channel=Channel.EMAIL, status=Status.FAILED, attempts__lt=MAX_ATTEMPTS, created_at__lt=now - RETRY_AFTER
    )
    sent = 0
    for message_id in list(lost.values_list("pk", flat=True)) + list(retry.values_list("pk", flat=True)):
        sent += message_send(message_id=message_id)
    return sent


def message_mark_read(*, message: Message, actor, now=None) -> Message:
    """Mark one of the person's own notices read; reading it again keeps the first time."""
    if message.recipient_id is None or message.recipient_id != actor.pk or message.channel != Channel.IN_APP:
        raise NotAllowed("This notice belongs to someone else.")
    if message.read_at is None:
        message.read_at = now or timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_mark_all_read(*, actor, now=None) -> int:
    """Mark every unread notice of the person read; returns how many changed."""
    unread = Message.objects.filter(recipient=actor, channel=Channel.IN_APP, read_at__isnull=True)
    return unread.update(read_at=now or timezone.now())


@transaction.atomic
def preferences_set(*, actor, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """A person chooses, per optional kind, whether they get it by email and in the app (service mail stays on)."""
    if actor is None or actor.pk != user.pk:
        raise NotAllowed("People choose only their own notifications.")
    for kind, (email, in_app) in choices.items():
        if kind in SERVICE_KINDS or kind not in MessageKind.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": email, "in_app": in_app}
        )


def tell_registrant(
    *, registration, template: str, title: str | None = None, email_only: bool = False
) -> list[Message]:
    """Queue one of the registration emails (and its in-app notice for account holders, unless `email_only`),
    once per registration."""
    from .. import emails

    notice = emails.registrant_notice(registration, template, title=title)
    return notify(
        recipient=registration.user,
        address=registration.email,
        template=template,
        registration=registration,
        once_key=f"registration:{registration.pk}:{template}",
        channels=(Channel.EMAIL,) if email_only else CHANNELS,
        **notice,
    )


def tell_registration_links(*, address: str, registration_ids: list[int]) -> list[Message]:
    """Someone asked for the links to an address's registrations: one email to that address lists them. The links
    are made when it is sent, so the log keeps no key."""
    return notify(
        kind=MessageKind.REGISTRATION,
        template="registration_links",
        subject="Links to your registrations",
        recipient=User.objects.filter(email__iexact=address).first(),
        address=address,
        body="The links to your registrations' own pages.",
        data={"registrations": registration_ids},
        channels=(Channel.EMAIL,),
    )


def tell_owner_of_failed_sign_ins(*, user: User, addresses: int) -> list[Message]:
    """Account security mail: sign-ins to this account fail from many addresses (the account stays open)."""
    return notify(
        kind=MessageKind.ACCOUNT,
        template="login_alert",
        subject="Failed sign-ins to your account",
        recipient=user,
        body=f"Sign-ins to your account failed from {addresses} addresses. If your password may be known, change it.",
        data={"addresses": addresses},
    )


def tell_invitation(*, user: User, kind: str) -> list[Message]:
    """An invitation to set a password, or a staff-sent link to set a new one (account mail)."""
    subjects = {"invitation": "You're invited: set your password", "password_reset": "Set a new password"}
    return notify(
        kind=MessageKind.ACCOUNT, template=kind, subject=subjects[kind], recipient=user, channels=(Channel.EMAIL,)
    )


def account_email_send(*, address: str, template: str, email) -> Message:
    """Send one of allauth's account emails now (it carries a one-time link or code) and log it without its body.

    The code or link lives only in the email itself, so a lost send is not retried: the person asks again.
    """
    recipient = User.objects.filter(email__iexact=address).first()
    message = Message.objects.create(
        recipient=recipient,
        address=address,
        kind=MessageKind.ACCOUNT,
        template=template,
        channel=Channel.EMAIL,
        subject=email.subject[:255],
        attempts=MAX_ATTEMPTS,  # never retried by the sweep: the code or link is not kept
    )
    try:
        email.send()
    except (SMTPException, OSError) as error:
        message.status, message.error = Status.FAILED, str(error)[:2000]
    else:
        message.status, message.sent_at = Status.SENT, timezone.now()
    message.save(update_fields=["status", "error", "sent_at"])
    return message


def _tell_registrants(*, record, kind: str, template: str, subject: str, body: str, once_key: str, **notice) -> int:
    """Tell everyone registered or waiting for this event, once each (`once_key` gets the registration's id)."""
    from ..models import ACTIVE, Registration

    told = 0
    for registration in Registration.objects.filter(page_id=record.page_id, status__in=ACTIVE).select_related("user"):
        told += bool(
            notify(
                kind=kind,
                template=template,
                subject=subject,
                recipient=registration.user,
                address=registration.email,
                body=body,
                registration=registration,
                once_key=f"{once_key}:{registration.pk}",
                **notice,
            )
        )
    return told


def tell_registrants_event_changed(*, record, changes: list[str], change_key: str) -> int:
    """Everyone registered or waiting hears once per change (`change_key`: the publish that made it) what changed."""
    from django.urls import reverse

    return _tell_registrants(
        record=record,
        kind=MessageKind.EVENT_CHANGED,
        template="notice:event_changed",
        subject=f"Changed: {record.title}",
        body=" ".join(changes),
        url=reverse("my_registrations"),
        data={"changes": changes},
        once_key=f"event-changed:{record.page_id}:{change_key}",
    )


def tell_registrants_event_cancelled(*, record, reason: str = "") -> int:
    """Everyone registered or waiting hears once that the event is cancelled, and why when the organizers said."""
    return _tell_registrants(
        record=record,
        kind=MessageKind.EVENT_CANCELLED,
        template="notice:event_cancelled",
        subject=f"Cancelled: {record.title}",
        body=f"{record.title} will not take place. {reason or 'We are sorry for the change of plans.'}",
        once_key=f"event-cancelled:{record.page_id}",
    )
