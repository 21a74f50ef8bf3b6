"""Signed, expiring links in emails: confirm a seat, cancel a registration."""

from django.core import signing

SALT = "registry.registration-link"


class LinkError(Exception):
    """The link was altered, is for something else, or has expired; the message is safe to show."""


def make(code: str, action: str) -> str:
    return signing.dumps([code, action], salt=SALT, compress=True)


def read(token: str, action: str, max_age_seconds: int | None = None) -> str:
    """The registration code a link is for, if it is genuine, for `action`, and not expired."""
    try:
        code, signed_action = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.SignatureExpired as exc:
        raise LinkError("This link has expired.") from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkError("This link is not valid. Please use the link from your most recent email.") from exc
    if signed_action != action:
        raise LinkError("This link is not valid. Please use the link from your most recent email.")
    return code
