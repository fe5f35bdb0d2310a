"""Insight's work on the background worker: flushing recorded events, every minute or so.

:data:`flush_insight_events` moves what requests recorded in the cache into
the database (``flushing.flush``) and then schedules its own next run
``INSIGHT_FLUSH_SECONDS`` (60) later, so once started (``manage.py
flush_insight --queue``, from cron every 15 minutes as a safety net: a run
already waiting is not doubled) the worker keeps flushing by itself. On a
backend that cannot wait (inline, ``make run``) it just flushes.
"""

from __future__ import annotations

import logging

from django.conf import settings

from django_tasks import task

from cms import background

from . import buffer, flushing

logger = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 60


def flush_seconds() -> float:
    return float(getattr(settings, "INSIGHT_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))


@task()
def flush_insight_events() -> int:
    try:
        moved = flushing.flush()
    except buffer.BufferUnavailable as error:
        logger.warning("Insight events could not be read from the cache: %s", error)
        moved = 0
    finally:
        background.retry_later(flush_insight_events, flush_seconds(), once=True)
    return moved


def start() -> bool:
    """Queue a flush now (unless one is waiting to run): the worker's chain starts or goes on."""
    if background.run_waiting(flush_insight_events) or background.retry_waiting(
        flush_insight_events
    ):
        return True
    return background.enqueue(flush_insight_events)
