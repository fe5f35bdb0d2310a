"""A Redis cache that a Redis outage cannot turn into errors for visitors.

Django's ``RedisCache`` raises when the server does not answer, so with
Redis down every page (the site frame, the page cache, renditions and rate
limits all read it) would answer 500. Everything in this cache can be
rebuilt, so :class:`ResilientRedisCache` treats an unreachable server as an
empty cache instead: reads miss, writes are dropped, and the request goes on
to the database as it would on a cold cache. The first failure in a while
is logged, so an outage shows in the logs without one line per request.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY_SECONDS = 60.0


def _when_unreachable(answer):
    """Wrap a cache method: on an unreachable server, log (now and then) and ``answer``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._report(error)
                return answer(*args, **kwargs) if callable(answer) else answer

        return wrapper

    return decorate


def _default(key, default=None, version=None):
    return default


def _missing(key, *args, **kwargs):
    # What Django's caches raise for incr/decr of a missing key; callers
    # (django-ratelimit) already handle it.
    raise ValueError(f"Key {key!r} not found (the cache is unreachable)")


class ResilientRedisCache(RedisCache):
    _last_report = 0.0

    def _report(self, error) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_report >= LOG_EVERY_SECONDS:
            ResilientRedisCache._last_report = now
            logger.warning("The cache is unreachable; answering as if it were empty: %s", error)

    get = _when_unreachable(_default)(RedisCache.get)
    get_many = _when_unreachable({})(RedisCache.get_many)
    has_key = _when_unreachable(False)(RedisCache.has_key)
    add = _when_unreachable(False)(RedisCache.add)
    set = _when_unreachable(None)(RedisCache.set)
    set_many = _when_unreachable(lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _when_unreachable(False)(RedisCache.touch)
    delete = _when_unreachable(False)(RedisCache.delete)
    delete_many = _when_unreachable(None)(RedisCache.delete_many)
    incr = _when_unreachable(_missing)(RedisCache.incr)
    clear = _when_unreachable(False)(RedisCache.clear)


# The attribute that tells a rendition read from :class:`RenditionCache` from
# one made or read from the database: the key it was read under.
READ_UNDER = "_rendition_cache_key"


class RenditionCache(ResilientRedisCache):
    """Wagtail's rendition cache (the ``renditions`` alias), without the write-back of each read.

    Wagtail's ``AbstractImage.get_rendition`` (every ``{% image %}``) sets its
    rendition's entry after every lookup, even when the entry is what it has
    just read from this cache: a second round trip per image shown, and on a
    listing twenty writes of what Redis already holds. Here every rendition
    read is marked with the key it came from, and a set of that same object
    under that same key is dropped. A rendition made now, or found in the
    database, carries no mark and is cached as before; so is anything set
    under another key. The entry's week-long timeout runs from when it was
    written, not from its last read: an entry read for a week is then read
    once from the database and written again.
    """

    def get(self, key, default=None, version=None):
        value = super().get(key, default, version)
        if value is not default:
            _mark(value, key)
        return value

    def get_many(self, keys, version=None):
        found = super().get_many(keys, version)
        for key, value in found.items():
            _mark(value, key)
        return found

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if _read_under(value) == key:
            return None
        return super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        fresh = {key: value for key, value in data.items() if _read_under(value) != key}
        return super().set_many(fresh, timeout, version) if fresh else []


def _mark(value, key) -> None:
    # A str or an int cannot be marked; Wagtail sets none of them here.
    with contextlib.suppress(AttributeError, TypeError):
        setattr(value, READ_UNDER, key)


def _read_under(value):
    return getattr(value, READ_UNDER, None)
