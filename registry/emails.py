"""Registration emails: text + HTML from templates, each kind sent at most once per registration."""

from collections.abc import Callable
from datetime import timedelta
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from . import qr, tokens
from .models import Certificate, EventRecord, Registration, SentEmail
from .selectors import waitlist_position
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
    }


def build(registration: Registration, kind: str) -> EmailMultiAlternatives:
    base_kind, _, suffix = kind.partition(":")
    event = EventRecord.objects.get(page_id=registration.page_id)
    page_url = registration.page.get_full_url() or settings.SITE_URL
    context = {
        "registration": registration,
        "event": event,
        "page_url": page_url,
        "calendar_url": f"{page_url.rstrip('/')}/event.ics",
        "account_url": absolute(reverse("my_registrations")),
        "confirm_url": confirm_url(registration),
        "cancel_url": cancel_url(registration),
        "waitlist_position": waitlist_position(registration),
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


def _still_due(registration: Registration, kind: str) -> bool:
    """A certificate revoked before its email went out is never announced.

    The row lock makes a revocation wait for a send already under way, so the check cannot go stale.
    """
    if kind != "certificate_issued":
        return True
    valid = Certificate.objects.select_for_update().filter(registration=registration, revoked_at__isnull=True)
    return valid.values_list("pk", flat=True).first() is not None


def send_once(registration: Registration, kind: str) -> bool:
    """Send `kind` unless it was sent before; a failed send leaves no record, so a retry sends it.

    The record and the send share one transaction: a worker killed before the send completed leaves
    no record either (the sweeps find such messages again), and once the record is committed no rerun
    sends the message a second time.
    """
    with transaction.atomic():
        if not _still_due(registration, kind):
            return False
        _, created = SentEmail.objects.get_or_create(registration=registration, kind=kind)
        if not created:
            return False
        build(registration, kind).send()
    return True


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
