"""The API's throttles: DRF's, keyed on the one client address, and one for scopes running to thousands a minute."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

from ..security import client_address


class ClientAddressIdent:
    """Anonymous callers are told apart by `client_address`, as axes, allauth and django-ratelimit tell them.

    DRF's own `get_ident` counts NUM_PROXIES entries into X-Forwarded-For whoever sent it (and with 0 keys
    everyone behind a proxy on the proxy).
    """

    def get_ident(self, request) -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressIdent, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressIdent, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressIdent, throttling.ScopedRateThrottle):
    pass


class CountingScopedRateThrottle(ScopedRateThrottle):
    """A counter per fixed window (one cache round trip a request) instead of DRF's sliding history.

    DRF keeps every request's time in one cached list and rewrites it whole on each
    request; at a busy door, thousands of scans a minute on one account, that list is
    the most expensive part of a scan. A fixed window may let up to twice the rate
    through across a window's edge, which is fine for a limit this generous.
    """

    @property
    def cache(self):
        """The backend itself (DRF's is a proxy), so the Redis path can be chosen."""
        return caches["default"]

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        count = self._count_in_redis if isinstance(self.cache, RedisCache) else self._count
        return count(f"{key}:{window}") <= self.num_requests

    def _count(self, key: str) -> int:
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (or its key just expired)
            if self.cache.add(key, 1, self.duration + 1):
                return 1
            return self.cache.incr(key)

    def _count_in_redis(self, key: str) -> int:
        """One pipelined round trip; Django's `incr` costs two (it asks whether the key exists first)."""
        key = self.cache.make_and_validate_key(key)
        client = self.cache._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipeline:
            pipeline.set(key, 0, ex=self.duration + 1, nx=True)
            pipeline.incr(key)
            return pipeline.execute()[1]

    def wait(self) -> float:
        return max(0.0, self.window_ends - self.now)
