"""Django's Redis cache, with one client object per connection pool."""

from django.core.cache.backends import redis


class _ClientPerPool(redis.RedisCacheClient):
    """Django's builds a new `Redis` object on every cache call, which was a fifth of a cached read's
    time; that object only wraps the pool and is thread-safe, so one per pool serves every call."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ClientPerPool
