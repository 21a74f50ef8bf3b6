"""Login-throttling glue shared by every login path (allauth, both admins, the API)."""

import functools
import hashlib
import ipaddress
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest
from ipware import get_client_ip


def login_identifier(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account name axes locks on, whichever form or API sent it.

    allauth posts `login` and authenticates with `email`; the admin login forms
    and JWT post `username` or `email`. Lower-casing means `A@x.org` and
    `a@x.org` share one failure counter.
    """
    for source in (credentials or {}, getattr(request, "POST", {}) or {}, getattr(request, "data", {}) or {}):
        for key in ("email", "username", "login"):
            value = source.get(key) if hasattr(source, "get") else None
            if value:
                return str(value).strip().lower()
    return None


def can_use_admin(user) -> bool:
    """Who may open either admin; all of them must verify a second factor first."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def client_address(request: HttpRequest) -> str:
    """The address of the person making the request: every limit, lockout and throttle keys on this one answer.

    A forwarding header is believed only from a hop in TRUSTED_PROXIES, and only the one header named by
    TRUSTED_CLIENT_IP_HEADER, read where that proxy writes it (the right-hand end of X-Forwarded-For). From
    anyone else the header is the client's own writing, so forging it never moves a client to a fresh counter.
    django-ipware parses the header (ports, brackets, IPv4-mapped IPv6 addresses).
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted_proxy(peer):
        return peer
    header = "HTTP_" + settings.TRUSTED_CLIENT_IP_HEADER.upper().replace("-", "_")
    address, _routable = get_client_ip(request, proxy_count=0, request_header_order=[header], strict=False)
    return address or peer


def _is_trusted_proxy(peer: str) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


# The lockout policy. Axes locks an (account, address) pair; these keep an account from ever being locked
# across addresses while still slowing a guess-from-everywhere attack, and tell its owner. Every key is built
# from what was typed as the account name, whether or not such an account exists, so an attacker sees the
# same answers either way.
FAMILIAR_FOR = timedelta(days=90)
ALERT_EVERY = timedelta(days=1)


def login_failure_record(*, request: HttpRequest | None, identifier: str | None) -> None:
    """Count the distinct addresses failing to sign in to an account this window; past LOGIN_SPREAD_ADDRESSES
    its owner is emailed, at most once a day.

    Addresses, not failures: many failures from one address are axes' to lock; failures from many addresses
    are someone guessing from everywhere, which no per-address limit slows.
    """
    address = client_address(request) if request is not None else ""
    if not identifier or not address:
        return
    account, window = _account_key(identifier), _window()
    ttl = 2 * int(settings.LOGIN_SPREAD_WINDOW.total_seconds())
    if not cache.add(f"login:failed:{account}:{window}:{address}", 1, ttl):
        return
    spread = f"login:spread:{account}:{window}"
    cache.add(spread, 0, ttl)
    addresses = cache.incr(spread)
    if addresses >= settings.LOGIN_SPREAD_ADDRESSES and cache.add(
        f"login:alerted:{account}", 1, int(ALERT_EVERY.total_seconds())
    ):
        _alert_owner(identifier, addresses=addresses)


def login_success_record(*, request: HttpRequest | None, identifier: str) -> None:
    """An address that signed in to an account is familiar to it: never slowed down for that account."""
    address = client_address(request) if request is not None else ""
    if address:
        cache.set(f"login:familiar:{_account_key(identifier)}:{address}", 1, int(FAMILIAR_FOR.total_seconds()))


def login_slowed(*, request: HttpRequest, identifier: str | None) -> bool:
    """Whether this sign-in attempt must wait, never whether it is locked.

    Once an account is failing from many addresses (this window or the last), attempts on it from unfamiliar
    addresses share one slot every LOGIN_SLOWDOWN_SECONDS, so guessing from everywhere at once gains nothing;
    its owner, from an address they signed in from before, goes straight through.
    """
    if not identifier:
        return False
    account, window = _account_key(identifier), _window()
    familiar = f"login:familiar:{account}:{client_address(request)}"
    known = cache.get_many([f"login:spread:{account}:{window}", f"login:spread:{account}:{window - 1}", familiar])
    if known.pop(familiar, None) or max(known.values(), default=0) < settings.LOGIN_SPREAD_ADDRESSES:
        return False
    return not cache.add(f"login:pace:{account}", 1, settings.LOGIN_SLOWDOWN_SECONDS)


def _account_key(identifier: str) -> str:
    """Cache keys carry a digest, not the email someone typed."""
    return hashlib.sha256(identifier.encode()).hexdigest()[:32]


def _window() -> int:
    return int(time.time() // settings.LOGIN_SPREAD_WINDOW.total_seconds())


def _alert_owner(identifier: str, *, addresses: int) -> None:
    from . import tasks

    owner = get_user_model().objects.filter(email__iexact=identifier, is_active=True).values_list("pk", flat=True)
    if owner_id := owner.first():
        tasks.send_login_alert(owner_id, addresses)
