"""What messages say: registration emails (text + HTML from templates) and their in-app notices, invitations, sign-in
alerts, and the renderers other apps register for theirs. `services.messages` decides who gets what, and sends."""

from collections.abc import Callable
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import calendars, qr, selectors, tokens
from .models import Certificate, EventRecord, Message, MessageKind, Registration
from .services.attendance import checkin_token

CHECKIN_QR_CID = "checkin-qr"
TICKET_KINDS = {"confirmed", "reminder"}

SUBJECTS = {
    "confirm_request": "Confirm your seat: {title}",
    "confirmed": "You're registered: {title}",
    "waitlisted": "You're on the waitlist: {title}",
    "pending": "Registration received, awaiting approval: {title}",
    "promoted": "A seat opened up for you: {title}",
    "cancelled": "Registration cancelled: {title}",
    "rejected": "Registration not approved: {title}",
    "expired": "Your held seat was released: {title}",
    "already_registered": "You're already registered: {title}",
    "reminder": "Reminder: {title} starts {when}",
    "follow_up": "Thank you for attending {title}",
    "certificate_issued": "Your certificate: {title}",
}

# Higher apps (cms) supply branding — site name, logo URL, footer — without registry importing them.
_branding_providers: list[Callable[[], dict]] = []


def register_branding_provider(provider: Callable[[], dict]) -> None:
    _branding_providers.append(provider)


def branding() -> dict:
    details = {"site_name": "Convene", "footer": "", "logo_url": ""}
    for provider in _branding_providers:
        details.update(provider())
    return details


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(registration: Registration) -> str:
    return absolute(reverse("registration_confirm", args=[tokens.make(registration.code, "confirm")]))


def cancel_url(registration: Registration) -> str:
    return absolute(reverse("registration_cancel", args=[tokens.make(registration.code, "cancel")]))


def registration_path(registration: Registration) -> str:
    """The registration's own page, by a signed link: status, ticket, calendar, answers, cancel, offers.
    It works until `REGISTRATION_LINK_DAYS_AFTER_EVENT` days after the event ends and signs nobody in."""
    return reverse("registration_page", args=[tokens.make(registration.code, tokens.MANAGE)])


def registration_url(registration: Registration) -> str:
    return absolute(registration_path(registration))


def _when(minutes: int) -> str:
    delta = timedelta(minutes=minutes)
    if delta >= timedelta(days=1):
        return "tomorrow" if delta == timedelta(days=1) else f"in {delta.days} days"
    hours = minutes // 60
    return f"in {hours} hour{'s' if hours != 1 else ''}" if hours else f"in {minutes} minutes"


def _certificate_context(registration: Registration) -> dict:
    certificate = registration.certificate
    return {
        "certificate": certificate,
        "verify_url": absolute(reverse("certificate_verify", args=[certificate.code])),
        "certificates_url": absolute(reverse("my_certificates")),
        "lookup_url": absolute(reverse("certificate_lookup")),
    }


def build(registration: Registration, kind: str) -> EmailMultiAlternatives:
    base_kind, _, suffix = kind.partition(":")
    event = EventRecord.objects.get(page_id=registration.page_id)
    page_url = registration.page.get_full_url() or settings.SITE_URL
    context = {
        "registration": registration,
        "event": event,
        "page_url": page_url,
        "calendar_url": calendars.calendar_url(registration),
        "online_url": selectors.meeting_link(registration) if base_kind in TICKET_KINDS else "",
        "account_url": absolute(reverse("my_registrations")),
        "registration_url": registration_url(registration),
        "confirm_url": confirm_url(registration),
        "cancel_url": cancel_url(registration),
        "waitlist_position": selectors.waitlist_position(registration),
        "branding": branding(),
        "kind": base_kind,
        # The ticket QR goes with messages people open at the door.
        "checkin_qr_cid": CHECKIN_QR_CID if base_kind in TICKET_KINDS and registration.status == "confirmed" else "",
    }
    when = _when(int(suffix)) if base_kind == "reminder" else ""
    if base_kind == "certificate_issued":
        context.update(_certificate_context(registration))
    subject = SUBJECTS[base_kind].format(title=event.title, when=when)
    text = render_to_string(f"registry/email/{base_kind}.txt", context)
    html = render_to_string(f"registry/email/{base_kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[registration.email])
    message.attach_alternative(html, "text/html")
    if context["checkin_qr_cid"]:
        image = MIMEImage(qr.png_bytes(checkin_token(registration)), "png")
        image.add_header("Content-ID", f"<{CHECKIN_QR_CID}>")
        image.add_header("Content-Disposition", "inline", filename=f"ticket-{registration.code}.png")
        message.attach(image)
    if base_kind == "certificate_issued" and registration.certificate.pdf:
        with registration.certificate.pdf.open("rb") as pdf:
            message.attach(f"certificate-{registration.certificate.code}.pdf", pdf.read(), "application/pdf")
    return message


# Which kind of message each registration email is, for preferences and the message log.
TEMPLATE_KINDS = {
    "confirm_request": MessageKind.REGISTRATION,
    "confirmed": MessageKind.REGISTRATION,
    "pending": MessageKind.REGISTRATION,
    "already_registered": MessageKind.REGISTRATION,
    "waitlisted": MessageKind.WAITLISTED,
    "promoted": MessageKind.WAITLIST_OFFER,
    "cancelled": MessageKind.CANCELLATION,
    "expired": MessageKind.CANCELLATION,
    "rejected": MessageKind.REGISTRATION_DECIDED,
    "reminder": MessageKind.REMINDER,
    "follow_up": MessageKind.FOLLOW_UP,
    "certificate_issued": MessageKind.CERTIFICATE,
}
NOTICES = {
    "confirm_request": "Open the link we emailed to confirm your seat.",
    "confirmed": "Your seat is confirmed. Your ticket is on My registrations.",
    "pending": "The organizers approve each registration; we'll tell you their decision.",
    "already_registered": "Someone tried to register you again; your registration stands.",
    "waitlisted": "The event is full, so you are on the waitlist. We'll tell you if a seat opens.",
    "promoted": "A seat opened up for you. Confirm it by {deadline}, or it goes to the next person.",
    "cancelled": "Your registration was cancelled.",
    "expired": "Your seat was held for a limited time and has been released.",
    "rejected": "The organizers did not approve your registration. {reason}",
    "reminder": "{title} starts {when}.",
    "follow_up": "Thank you for coming to {title}.",
    "certificate_issued": "Your certificate for {title} is ready.",
}


def registrant_notice(registration: Registration, template: str, *, title: str | None = None) -> dict:
    """What to tell a registrant for one of the registration emails: its kind, subject, notice and link."""
    base, _, suffix = template.partition(":")
    title = title or EventRecord.objects.filter(page_id=registration.page_id).values_list("title", flat=True).first()
    when = _when(int(suffix)) if base == "reminder" else ""
    deadline = (
        timezone.localtime(registration.hold_expires_at).strftime("%H:%M on %d %b")
        if registration.hold_expires_at
        else ""
    )
    if base == "promoted":
        url = confirm_url(registration)
    elif base == "certificate_issued":
        url = reverse("my_certificates")
    else:
        url = reverse("my_registrations")
    return {
        "kind": TEMPLATE_KINDS[base],
        "subject": SUBJECTS[base].format(title=title, when=when),
        "body": NOTICES[base].format(title=title, when=when, deadline=deadline, reason=registration.decision_reason),
        "url": url,
    }


# Emails that are not a registration's: the renderer for each template family, by its name before any ":".
_renderers: dict[str, Callable[[Message], EmailMultiAlternatives]] = {}


def register_renderer(family: str, renderer: Callable[[Message], EmailMultiAlternatives]) -> None:
    """Let a higher app render its own messages (approvals: hall bookings) without registry importing it."""
    _renderers[family] = renderer


def render(message: Message) -> EmailMultiAlternatives:
    """The email for a queued message, built when it is sent (the log keeps no bodies: links in them are keys)."""
    family = message.template.partition(":")[0]
    if message.registration_id is not None and family in TEMPLATE_KINDS:
        email = build(message.registration, message.template)
    else:
        email = _renderers[family](message)
    email.to = [message.address]
    return email


def still_true(message: Message) -> bool:
    """A certificate revoked before its email went out is never announced.

    The certificate's row is locked, so a revocation waits for a send already under way and cannot go stale.
    """
    if message.template.partition(":")[0] != "certificate_issued":  # also "certificate_issued:again-…"
        return True
    valid = Certificate.objects.select_for_update().filter(registration_id=message.registration_id, revoked_at=None)
    return valid.values_list("pk", flat=True).first() is not None


INVITATION_SUBJECTS = {
    "invitation": "You're invited to {site_name}: set your password",
    "password_reset": "Set a new password for {site_name}",
}


def invitation_url(user) -> str:
    """A link to set a password; it stops working once the password changes or after PASSWORD_RESET_TIMEOUT."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(reverse("invitation_accept", args=[uid, default_token_generator.make_token(user)]))


def invitation_build(user, kind: str) -> EmailMultiAlternatives:
    brand = branding()
    context = {
        "user": user,
        "kind": kind,
        "url": invitation_url(user),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "branding": brand,
    }
    subject = INVITATION_SUBJECTS[kind].format(site_name=brand["site_name"])
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string("registry/email/invitation.txt", context), to=[user.email]
    )
    message.attach_alternative(render_to_string("registry/email/invitation.html", context), "text/html")
    return message


def login_alert_build(user, *, addresses: int) -> EmailMultiAlternatives:
    """Tell an account's owner that sign-ins to it are failing from many addresses: that the account stays
    open to them, and what to do if the password may be known."""
    brand = branding()
    context = {
        "user": user,
        "addresses": addresses,
        "window_minutes": int(settings.LOGIN_SPREAD_WINDOW.total_seconds() // 60),
        "reset_url": absolute(reverse("account_reset_password")),
        "branding": brand,
    }
    message = EmailMultiAlternatives(
        subject=f"Failed sign-ins to your {brand['site_name']} account",
        body=render_to_string("registry/email/login_alert.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("registry/email/login_alert.html", context), "text/html")
    return message


def _notice(message: Message) -> EmailMultiAlternatives:
    """A short message in the site's email layout: what happened, and the one thing to do about it."""
    registration = message.registration
    url, action = message.url, message.data.get("action", "Open it")
    if registration is not None:
        # News about a registration leads to its own page, for guests and account holders alike.
        url, action = registration_url(registration), "See my registration"
    context = {
        "subject": message.subject,
        "body": message.body,
        "changes": message.data.get("changes", []),
        "name": registration.full_name
        if registration
        else (message.recipient.get_full_name() if message.recipient else ""),
        "url": absolute(url) if url.startswith("/") else url,
        "action": action,
        "branding": branding(),
    }
    email = EmailMultiAlternatives(subject=message.subject, body=render_to_string("registry/email/notice.txt", context))
    email.attach_alternative(render_to_string("registry/email/notice.html", context), "text/html")
    return email


def _registration_links(message: Message) -> EmailMultiAlternatives:
    """The links to an address's registrations, made now (the message log keeps only which registrations)."""
    registrations = Registration.objects.filter(
        pk__in=message.data.get("registrations", []), email__iexact=message.address
    ).select_related("page", "page__event_record")
    context = {
        "items": [(registration, registration_url(registration)) for registration in registrations],
        "days": settings.REGISTRATION_LINK_DAYS_AFTER_EVENT,
        "branding": branding(),
    }
    email = EmailMultiAlternatives(
        subject=message.subject, body=render_to_string("registry/email/registration_links.txt", context)
    )
    email.attach_alternative(render_to_string("registry/email/registration_links.html", context), "text/html")
    return email


def _invitation(message: Message) -> EmailMultiAlternatives:
    return invitation_build(message.recipient, message.template)


def _login_alert(message: Message) -> EmailMultiAlternatives:
    return login_alert_build(message.recipient, addresses=message.data["addresses"])


register_renderer("notice", _notice)
register_renderer("registration_links", _registration_links)
register_renderer("invitation", _invitation)
register_renderer("password_reset", _invitation)
register_renderer("login_alert", _login_alert)
