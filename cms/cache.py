"""Optional whole-page cache for anonymous visitors (`PAGE_CACHE_SECONDS` > 0 turns it on).

Only what is the same for every anonymous visitor is stored: GET/HEAD requests carrying no session or
messages cookie, answered 200 without setting a cookie (a page that used a CSRF token sets one, so forms are
never cached) and not marked private. Publishing or unpublishing any page or snippet bumps a generation
number, which retires every stored page at once. With Redis the generation is shared by every process; on
the local-memory default each process keeps its own, so other processes catch up within the TTL.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "cms:page-cache:generation"
SKIPPED_PREFIXES = ("/admin/", "/staff/", "/accounts/", "/documents/", "/healthz", "/static/", "/media/")
HIT_HEADER = "X-Page-Cache"


def purge_page_cache(**kwargs) -> None:
    """Retire every cached page; connected to Wagtail's publish and unpublish signals."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIPPED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request: HttpRequest) -> str:
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"cms:page-cache:{generation}:{digest}"


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if not self.seconds:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda rendered: cache.set(key, rendered, self.seconds))
            else:
                cache.set(key, response, self.seconds)
            response[HIT_HEADER] = "miss"
        return response
