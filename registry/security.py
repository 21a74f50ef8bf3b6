"""Login-throttling glue shared by every login path (allauth, both admins, the API)."""

from django.http import HttpRequest


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
    """The address of the person making the request, which every limit and lockout keys on."""
    return request.META.get("REMOTE_ADDR", "")
