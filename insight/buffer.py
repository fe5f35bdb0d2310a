"""Where events wait between a request and the worker: a list in the cache.

A page view must not write to the database (issue 15), so a request only
appends its event to a list on the default cache, and the worker
(``flushing``) moves the list into the database. On Redis (production) the
list is a Redis list shared by every web process, read and trimmed by the
worker with ``LRANGE``/``LTRIM``, so nothing is lost between processes and
nothing is read twice. Not even the ``RPUSH`` is in the request: the request
queues its line in the process (a few microseconds) and a sender thread
writes the queue every half second (or at a hundred lines) in one round
trip; lines still queued when the process exits are sent then. A process
that reads the list (a flush, a test) sends its own queue first. A cache that is not Redis is
this process's own memory (``make run``, unit tests), so the list is kept in
the process as well.

Recording must never cost a visitor their page: every failure is swallowed
and logged now and then, and after a failure recording pauses for
``RETRY_AFTER_SECONDS``, so an outage neither piles lines up nor logs a line
per request. The
list is capped (``INSIGHT_BUFFER_MAX``): if the worker stops, the oldest
events make room for new ones instead of Redis filling up.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
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
_down_until = 0.0  # time.monotonic() until which recording is paused


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
    """Append ``event`` (JSON-able); False if it could not be kept. Never raises.

    On Redis the request only queues the line in this process; the sender
    thread writes it (:func:`send_pending`), so no request waits on Redis.
    """
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
        _pending.append((client, key, line))
        _wake_sender()
        return True
    except Exception as error:
        _pause(error)
        return False


# --- the sender thread (Redis only) -------------------------------------------

SEND_EVERY_SECONDS = 0.5
_pending: deque[tuple] = deque()
_send_lock = threading.Lock()
_wake = threading.Event()
_sender: threading.Thread | None = None
_sender_lock = threading.Lock()


def _pause(error) -> None:
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning(
        "Insight could not record events (recording paused for %gs): %s",
        RETRY_AFTER_SECONDS,
        error,
    )


def send_pending() -> int:
    """Write the lines this process has queued to Redis; how many. Never raises."""
    with _send_lock:
        batches: dict[tuple, list[str]] = {}
        clients = {}
        while _pending:
            client, key, line = _pending.popleft()
            # One batch per server (a client object is made per call; its pool is shared).
            target = (id(client.connection_pool), key)
            clients[target] = client
            batches.setdefault(target, []).append(line)
        sent = 0
        for (pool_id, key), lines in batches.items():
            try:
                # One round trip: the append and the cap.
                pipe = clients[(pool_id, key)].pipeline(transaction=False)
                pipe.rpush(key, *lines)
                pipe.ltrim(key, -_limit(), -1)
                pipe.execute()
                sent += len(lines)
            except Exception as error:
                _pause(error)  # these are lost; the searches were answered
        return sent


def _send_forever() -> None:
    while True:
        _wake.wait(SEND_EVERY_SECONDS)
        _wake.clear()
        send_pending()


def _wake_sender() -> None:
    global _sender
    if _sender is None or not _sender.is_alive():
        with _sender_lock:
            if _sender is None or not _sender.is_alive():
                _sender = threading.Thread(target=_send_forever, name="insight-sender", daemon=True)
                _sender.start()
    if len(_pending) >= 100:
        _wake.set()  # a busy process sends in batches of about a hundred


def _forget_after_fork() -> None:
    # A forked worker (gunicorn) has no sender thread, and the lines it
    # inherited are its parent's to send.
    global _sender
    _sender = None
    _pending.clear()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(send_pending)


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
    send_pending()  # what this process still holds comes first
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
    send_pending()
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
    with _send_lock:
        _pending.clear()
    redis = _redis(_cache())
    if redis is None:
        with _local_lock:
            _local.clear()
        return
    client, key = redis
    # Unreachable: nothing can be waiting there for us.
    with contextlib.suppress(Exception):
        client.delete(key)
