"""A Redis cache that a Redis outage cannot turn into errors for visitors.

Django's ``RedisCache`` raises when the server does not answer, so with
Redis down every page (the site frame, the page cache, renditions and rate
limits all read it) would answer 500. Everything in this cache can be
rebuilt, so :class:`ResilientRedisCache` treats an unreachable server as an
empty cache instead: reads miss, writes are dropped, and the request goes on
to the database as it would on a cold cache. The first failure in a while
is logged, so an outage shows in the logs without one line per request.

**One request, few round trips.** A page reads the same small entries many
times (the page cache's generation, the site frame, each image's rendition),
and on a shared machine every round trip to Redis waits for the server to be
scheduled. Inside :func:`request_reads` (the page cache middleware opens it
for every request), the cache remembers what it read and wrote for the rest
of the request: a key is asked of Redis once, later reads are answered from
memory, and every write goes to Redis and to that memory at once, so the
request always reads what it wrote. The keys a page read are kept with its
page cache entry, and the next rendering of that page (the first visitor
after a publish) asks for all of them in one round trip before its view runs
(:meth:`RequestReads.prefetch`), then for the values kept under tokens
(``cms.page_cache.kept_under``) at their keys under the tokens just read, in
one more. Outside a request (the worker, commands)
nothing is remembered. Wagtail's own write-back of each rendition it reads
is dropped by :class:`RenditionCache`.

**Kept after the response.** What a page rendering keeps for the next one
(kept values, routes, the page's own entry: all named after the tokens they
were built under) is written with :meth:`ResilientRedisCache.set_many_later`:
held in the request's memory, and written in one round trip per cache once
the WSGI server has sent the response and closes it. The first visitor
after a change no longer waits for a dozen writes of what it built.
"""

from __future__ import annotations

import contextlib
import contextvars
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
MISSING = object()  # remembered: the cache has no such key
RECORD_AT_MOST = 400  # keys kept per page to read ahead next time


class RequestReads:
    """What one request read from and wrote to each cache (by key prefix), and in which order."""

    def __init__(self):
        self.values: dict[tuple, object] = {}
        self.order: dict[tuple, None] = {}
        self.unrecorded = 0  # inside unrecorded(): read, but not read ahead next time
        # Values kept under tokens, as (key prefix, version, name, token keys):
        # read ahead by the tokens' values of the day, never by an old key.
        self.kept: dict[tuple, None] = {}
        self.later: dict[tuple, dict] = {}  # (key prefix, timeout): {full key: pickled}

    def record(self, name) -> None:
        if not self.unrecorded:
            self.order.setdefault(name)

    def record_kept(self, prefix, version, name: str, token_keys) -> None:
        """A value kept at ``kept_key(name, tokens)`` was read (``cms.page_cache.kept_under``)."""
        if not self.unrecorded:
            self.kept.setdefault((prefix, version, name, tuple(token_keys)))

    def recorded(self) -> list[tuple]:
        """What this request read, to read ahead next time (a few hundred entries).

        (key prefix, version, key) of each key, in order, then (key prefix,
        version, name, token keys) of each value kept under tokens.
        """
        return list(self.order)[:RECORD_AT_MOST] + list(self.kept)[:RECORD_AT_MOST]

    def prefetch(self, recorded, renamed: tuple[str, str] | None = None) -> None:
        """Read ``recorded`` (an earlier request's :meth:`recorded`): a round trip per cache.

        ``renamed`` (old, new) reads a key naming ``old`` (the generation an
        earlier rendering was kept under) as the same key naming ``new``.
        """
        groups: dict[tuple, list[str]] = {}
        kept = []
        for item in recorded if isinstance(recorded, list | tuple) else ():
            if _is_kept_recipe(item):
                kept.append(item)
                continue
            if not (isinstance(item, tuple) and len(item) == 3 and isinstance(item[2], str)):
                continue  # written by another release: only a missed read-ahead
            prefix, version, key = item
            if renamed and renamed[0] in key:
                key = key.replace(*renamed)
            groups.setdefault((prefix, version), []).append(key)
        self.unrecorded += 1  # recorded again only if this request reads them itself
        try:
            self._read_groups(groups)
            # Then the kept values, each at its key under the tokens just
            # read (those read last time among them): one more round trip.
            groups = {}
            for prefix, version, name, token_keys in kept:
                tokens = [self.values.get((prefix, version, key), MISSING) for key in token_keys]
                if all(isinstance(token, str) for token in tokens):
                    groups.setdefault((prefix, version), []).append(kept_key(name, tokens))
            self._read_groups(groups)
        finally:
            self.unrecorded -= 1

    @staticmethod
    def _read_groups(groups: dict[tuple, list[str]]) -> None:
        for (prefix, version), keys in groups.items():
            backend = _cache_with_prefix(prefix)
            if backend is not None:
                backend.get_many(keys, version=version)

    def write_later(self) -> None:
        """Send what ``set_many_later`` kept back: one round trip per cache and timeout.

        Called when the response has been sent (``cms.page_cache`` adds it to
        the response's closers, which the WSGI server calls after the body),
        so the visitor does not wait for the cache to be filled. An
        unreachable server is logged as for any write, and the next request
        builds the values again.
        """
        later, self.later = self.later, {}
        for (prefix, timeout), data in later.items():
            backend = _cache_with_prefix(prefix)
            if backend is not None and data:  # none if every value failed to pickle
                backend._write_pickled(data, timeout)


def kept_key(name: str, tokens) -> str:
    """The key of a value kept under ``tokens``: made here, and read ahead the same way."""
    return ":".join([name, *tokens])


def _is_kept_recipe(item) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 4
        and isinstance(item[2], str)
        and isinstance(item[3], tuple)
        and all(isinstance(key, str) for key in item[3])
    )


def record_kept(backend, name: str, token_keys) -> None:
    """Inside a request, ``backend``'s value kept under ``token_keys`` is read ahead next time."""
    reads = _reads.get()
    if reads is not None and hasattr(backend, "set_many_later"):  # Redis (``cache`` is a proxy)
        reads.record_kept(backend.key_prefix, None, name, token_keys)


_reads: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar(
    "cms_cache_request_reads", default=None
)


@contextlib.contextmanager
def request_reads():
    """Remember the cache's answers until the block ends (one request); yields the record."""
    reads = RequestReads()
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


@contextlib.contextmanager
def unrecorded():
    """Reads in the block are remembered for the request but not read ahead next time.

    For large values kept under tokens (``cms.page_cache.kept_under``): once
    a token changes, the old entry is still in Redis, and reading it ahead
    would fetch and unpickle what the page no longer uses; they are read
    ahead by their tokens instead (:func:`record_kept`).
    """
    reads = _reads.get()
    if reads is None:
        yield
        return
    reads.unrecorded += 1
    try:
        yield
    finally:
        reads.unrecorded -= 1


def set_many_later(backend, data: dict, timeout=DEFAULT_TIMEOUT) -> None:
    """``backend.set_many_later`` where it has one (Redis), else ``set_many`` now."""
    if hasattr(backend, "set_many_later"):  # ``cache`` is a proxy: no isinstance
        backend.set_many_later(data, timeout)
    else:
        backend.set_many(data, timeout)


def _cache_with_prefix(prefix: str):
    from django.core.cache import caches

    for alias in caches.settings:
        backend = caches[alias]
        if isinstance(backend, ResilientRedisCache) and backend.key_prefix == prefix:
            return backend
    return None


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


class _ResilientRedisCache(RedisCache):
    """Django's ``RedisCache``, answering as an empty cache while the server is unreachable."""

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


class ResilientRedisCache(_ResilientRedisCache):
    """The resilient cache, remembering its answers inside :func:`request_reads`."""

    def _memo(self, key, version):
        reads = _reads.get()
        return reads, (self.key_prefix, version, key)

    def _remember_read(self, reads, name, value) -> None:
        reads.values[name] = value
        reads.record(name)

    def get(self, key, default=None, version=None):
        reads, name = self._memo(key, version)
        if reads is None:
            return super().get(key, default, version)
        reads.record(name)
        if name not in reads.values:
            value = super().get(key, MISSING, version)
            self._remember_read(reads, name, value)
        value = reads.values[name]
        return default if value is MISSING else value

    def get_many(self, keys, version=None):
        reads = _reads.get()
        if reads is None:
            return super().get_many(keys, version)
        keys = list(keys)
        names = {key: (self.key_prefix, version, key) for key in keys}
        unknown = [key for key in keys if names[key] not in reads.values]
        if unknown:
            found = super().get_many(unknown, version)
            for key in unknown:
                self._remember_read(reads, names[key], found.get(key, MISSING))
        answer = {}
        for key in keys:
            reads.record(names[key])
            value = reads.values[names[key]]
            if value is not MISSING:
                answer[key] = value
        return answer

    def has_key(self, key, version=None):
        reads, name = self._memo(key, version)
        if reads is None or name not in reads.values:
            return super().has_key(key, version)
        return reads.values[name] is not MISSING

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        reads, name = self._memo(key, version)
        if reads is None:
            return super().set(key, value, timeout, version)
        super().set(key, value, timeout, version)
        reads.values[name] = value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = super().set_many(data, timeout, version)
        reads = _reads.get()
        if reads is not None:
            for key, value in data.items():
                reads.values[(self.key_prefix, version, key)] = value
        return failed

    def set_many_later(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        """``set_many``, sent once the response has gone (:meth:`RequestReads.write_later`).

        Only for a value kept under a key that names the tokens it was built
        under (a kept value, a page's cache entry, a route stamped with its
        tokens): written late, it is still never read after a change. Never
        for a plain key that a change deletes (the frame, facet labels, a
        rendition): a late write would put back what the change removed. Nor
        for what another request must see at once (a token, a counter).

        Each value is pickled now, as it is: what the request does to it
        afterwards (a card's distance, a listing's renditions) is not kept.
        This request reads it from memory meanwhile; outside a request it is
        written now.
        """
        reads = _reads.get()
        if not data:
            return
        if reads is None:
            _ResilientRedisCache.set_many(self, data, timeout, version)
            return
        pending = reads.later.setdefault((self.key_prefix, self.get_backend_timeout(timeout)), {})
        for key, value in data.items():
            try:
                pickled = self._cache._serializer.dumps(value)
            except Exception:  # a value that will not pickle: not kept, never the visitor's error
                logger.exception("Could not keep %r in the cache", key)
                continue
            reads.values[(self.key_prefix, version, key)] = value
            pending[self.make_and_validate_key(key, version=version)] = pickled

    @_when_unreachable(None)
    def _write_pickled(self, data: dict, timeout) -> None:
        """What Django's ``RedisCacheClient.set_many`` sends, for values already pickled."""
        pipeline = self._cache.get_client(None, write=True).pipeline()
        pipeline.mset(data)
        if timeout is not None:
            for key in data:
                pipeline.expire(key, timeout)
        pipeline.execute()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        added = super().add(key, value, timeout, version)
        reads, name = self._memo(key, version)
        if reads is not None:
            self._forget(reads, name)
            if added:
                reads.values[name] = value
        return added

    def delete(self, key, version=None):
        deleted = super().delete(key, version)
        reads, name = self._memo(key, version)
        if reads is not None:
            self._forget(reads, name)
            reads.values[name] = MISSING
        return deleted

    def delete_many(self, keys, version=None):
        keys = list(keys)
        super().delete_many(keys, version)
        reads = _reads.get()
        if reads is not None:
            for key in keys:
                name = (self.key_prefix, version, key)
                self._forget(reads, name)
                reads.values[name] = MISSING

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        finally:
            reads, name = self._memo(key, version)
            if reads is not None:
                self._forget(reads, name)

    def clear(self):
        cleared = super().clear()
        reads = _reads.get()
        if reads is not None:
            for name in [name for name in reads.values if name[0] == self.key_prefix]:
                self._forget(reads, name)
        return cleared

    @staticmethod
    def _forget(reads, name) -> None:
        reads.values.pop(name, None)


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
