"""Signed, expiring links in emails: confirm a seat, cancel a registration, open the registration's own page."""

from django.core import signing

SALT = "registry.registration-link"
# The registration's own page; its age is checked against the event's end, not the link's (see the view).
MANAGE = "manage"


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


class LinkHolder:
    """Whoever opened a genuine emailed link: they may act on that one registration and on nothing else.

    Made only by `holder()`, after the link's signature, action and age have been checked.
    """

    pk = None
    is_authenticated = False
    is_active = False

    def __init__(self, code: str, action: str):
        self.code, self.action = code, action

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def __str__(self) -> str:
        return "the holder of the emailed link"


def holder(token: str, action: str, max_age_seconds: int | None = None) -> LinkHolder:
    return LinkHolder(read(token, action, max_age_seconds=max_age_seconds), action)
