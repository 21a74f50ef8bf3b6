"""Optional whole-page cache for anonymous visitors (`PAGE_CACHE_SECONDS` > 0 turns it on).

Only what is the same for every anonymous visitor is stored: GET/HEAD requests without a session cookie,
answered 200 without touching the session, queueing a message, setting a cookie or saying `private`.
A page with a form keeps its CSRF token out of the cache: the stored copy holds a marker, and each visitor
gets a fresh token of their own (the CSRF middleware, which sits outside this one, then sets their cookie).
The guest registration form's timer, which works once, is likewise made afresh for each visitor.

Publishing or unpublishing any page or snippet, or deleting a page, bumps a generation number that retires
every stored page at once. With Redis the generation is shared by every process; on the local-memory default
each process keeps its own, so other processes catch up within the TTL.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from registry.forms import form_started_token

GENERATION_KEY = "cms:page-cache:generation"
SKIPPED_PREFIXES = ("/admin/", "/staff/", "/accounts/", "/documents/", "/healthz", "/static/", "/media/")
HIT_HEADER = "X-Page-Cache"
CSRF_MARKER = b"__cms_page_cache_csrf_token__"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The guest registration form's timer works once, so every visitor gets a fresh one, as with the CSRF token.
FORM_STARTED_INPUT = re.compile(rb'(name="form_started" value=")[^"]*(")')


def purge_page_cache(**kwargs) -> None:
    """Retire every cached page; connected to Wagtail's publish and unpublish signals and page deletion."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    messages = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and "private" not in response.get("Cache-Control", "")
        and not request.session.modified
        and not getattr(messages, "added_new", False)
    )


def _key(request: HttpRequest) -> str:
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"cms:page-cache:{generation}:{digest}"


def _without_csrf_tokens(content: bytes) -> bytes:
    for token in set(CSRF_INPUT.findall(content)):
        content = content.replace(token, CSRF_MARKER)
    return content


class PublicPageCacheMiddleware:
    """Listed after the session, auth, CSRF and messages middleware, whose state it checks."""

    def __init__(self, get_response):
        self.seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not self.seconds:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        stored = cache.get(key)
        if stored is not None:
            return self._from_cache(request, stored)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            content = response.content
            if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                content = _without_csrf_tokens(content)
            headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
            cache.set(key, (content, headers), self.seconds)
            response[HIT_HEADER] = "miss"
        return response

    def _from_cache(self, request: HttpRequest, stored: tuple[bytes, list]) -> HttpResponse:
        content, headers = stored
        if CSRF_MARKER in content:
            content = content.replace(CSRF_MARKER, get_token(request).encode())
        if b'name="form_started"' in content:
            content = FORM_STARTED_INPUT.sub(lambda m: m[1] + form_started_token().encode() + m[2], content)
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[HIT_HEADER] = "hit"
        return response
