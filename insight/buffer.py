"""Where events wait between a request and the worker: a list in the cache.

A page view must not write to the database (issue 15), so a request only
appends its event to a list on the default cache, and the worker
(``flushing``) moves the list into the database. On Redis (production) the
list is a Redis list: one ``RPUSH`` per request, shared by every web process,
read and trimmed by the worker with ``LRANGE``/``LTRIM``, so nothing is lost
between processes and nothing is read twice. A cache that is not Redis is
this process's own memory (``make run``, unit tests), so the list is kept in
the process as well.

Recording must never cost a visitor their page: every failure is swallowed
and logged now and then, and after a failure the cache is left alone for
``RETRY_AFTER_SECONDS`` so an outage costs no socket timeout per request. The
list is capped (``INSIGHT_BUFFER_MAX``): if the worker stops, the oldest
events make room for new ones instead of Redis filling up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import deque

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

KEY = "insight:events"
DEFAULT_MAX = 200_000
RETRY_AFTER_SECONDS = 10.0


class BufferUnavailable(Exception):
    """The worker cannot read the buffer (Redis unreachable)."""


_local: deque[str] = deque()
_local_lock = threading.Lock()
_down_until = 0.0


def _cache():
    return caches["default"]


def _redis(cache):
    """The raw Redis client and the list's full key, or None for a cache that is not Redis."""
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True), cache.make_and_validate_key(KEY)


def _limit() -> int:
    return int(getattr(settings, "INSIGHT_BUFFER_MAX", DEFAULT_MAX))


def push(event: dict) -> bool:
    """Append ``event`` (JSON-able); False if it could not be kept. Never raises."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        line = json.dumps(event, separators=(",", ":"))
        redis = _redis(_cache())
        if redis is None:
            with _local_lock:
                _local.append(line)
                while len(_local) > _limit():
                    _local.popleft()
            return True
        client, key = redis
        # One round trip: the append and the cap.
        pipe = client.pipeline(transaction=False)
        pipe.rpush(key, line)
        pipe.ltrim(key, -_limit(), -1)
        pipe.execute()
        return True
    except Exception as error:
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        logger.warning(
            "Insight could not record an event (recording paused for %gs): %s",
            RETRY_AFTER_SECONDS,
            error,
        )
        return False


def _decode(lines) -> list[dict]:
    events = []
    for line in lines:
        try:
            event = json.loads(line)
        except (TypeError, ValueError):
            continue  # not ours, or cut short: nothing to count
        if isinstance(event, dict):
            events.append(event)
    return events


def peek(limit: int) -> tuple[list[dict], int]:
    """The oldest ``limit`` events and how many lines they took (remove them with :func:`drop`)."""
    redis = _redis(_cache())
    if redis is None:
        with _local_lock:
            lines = [_local[i] for i in range(min(limit, len(_local)))]
        return _decode(lines), len(lines)
    client, key = redis
    try:
        lines = client.lrange(key, 0, limit - 1)
    except Exception as error:
        raise BufferUnavailable(str(error)) from error
    return _decode(lines), len(lines)


def drop(count: int) -> None:
    """Remove the oldest ``count`` events (those :func:`peek` returned, now stored)."""
    if count <= 0:
        return
    redis = _redis(_cache())
    if redis is None:
        with _local_lock:
            for _ in range(min(count, len(_local))):
                _local.popleft()
        return
    client, key = redis
    try:
        client.ltrim(key, count, -1)
    except Exception as error:
        raise BufferUnavailable(str(error)) from error


def waiting() -> int:
    """How many events wait to be flushed."""
    redis = _redis(_cache())
    if redis is None:
        return len(_local)
    client, key = redis
    try:
        return int(client.llen(key))
    except Exception as error:
        raise BufferUnavailable(str(error)) from error


def clear_outage() -> None:
    """Try the cache again at the next event, whatever failed last (tests)."""
    global _down_until
    _down_until = 0.0


def clear() -> None:
    """Forget every waiting event (tests), and any remembered outage."""
    clear_outage()
    redis = _redis(_cache())
    if redis is None:
        with _local_lock:
            _local.clear()
        return
    client, key = redis
    # Unreachable: nothing can be waiting there for us.
    with contextlib.suppress(Exception):
        client.delete(key)
