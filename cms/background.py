"""Handing slow or fallible work to the background worker.

Everything that may wait on another service (mail, the search engine) or take
long (clean-up) is a task of Django's task framework (``django_tasks``). In
production the tasks are stored in the database (``django_tasks_db``) and run
by ``python manage.py db_worker``; ``make run`` and unit tests run them inline.

Two rules every caller follows, written once here:

* **After the commit.** A task is enqueued only once the transaction that
  made its work necessary has committed, so the worker never sees a row that
  might still roll back, and a rolled-back edit leaves no task behind.
* **The record comes first.** Each kind of work keeps its own durable record
  (an outbox row, a pending index update) *inside* the edit's transaction.
  The task only says "look now"; if enqueueing fails or the worker dies,
  the record survives and a later task, or the sweep command, finds it.

Retries with back-off are the task's own business: it calls
:func:`retry_later`, which defers a new run on a backend that can wait and
reports False on one that cannot (inline), where the sweeps cover it.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def backend_can_defer(task) -> bool:
    """True when ``task``'s backend stores work for later (a real worker runs it)."""
    return bool(getattr(task_backends[task.backend], "supports_defer", False))


def _stored_runs(task):
    """The runs of ``task`` that the database backend stores and no worker has started."""
    return DBTaskResult.objects.filter(status="READY", task_path=task.module_path)


def retry_waiting(task) -> bool:
    """True if a deferred run of ``task`` is stored and waiting for its time.

    Only a backend that stores tasks can say; inline backends answer False.
    """
    if not backend_can_defer(task):
        return False
    return (
        _stored_runs(task)
        .filter(run_after__gt=timezone.now())
        .exclude(run_after=get_date_max())  # "no time given" is stored as the far future
        .exists()
    )


def enqueue(task, *args, **kwargs) -> bool:
    """Enqueue now; never raises (the caller's durable record covers a failure)."""
    try:
        task.enqueue(*args, **kwargs)
    except Exception:
        logger.exception("Could not enqueue %s", task.name)
        return False
    return True


def run_waiting(task) -> bool:
    """True if a run of ``task`` is stored, due and not started yet.

    A run that has not started will see everything committed before it
    starts, so a sweep task (one without arguments) need not be queued twice.
    Inline backends answer False.
    """
    if not backend_can_defer(task):
        return False
    due = Q(run_after__lte=timezone.now()) | Q(run_after=get_date_max())
    return _stored_runs(task).filter(due).exists()


def enqueue_on_commit(task, *args, once: bool = False, **kwargs) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside one).

    ``once``: for a sweep without arguments, skip it when a run that has not
    started yet is already waiting (it will see this transaction's work).
    """

    def send():
        if once and run_waiting(task):
            return
        enqueue(task, *args, **kwargs)

    transaction.on_commit(send, robust=True)


def retry_later(task, delay_seconds: float, *args, once: bool = False, **kwargs) -> bool:
    """Run ``task`` again after ``delay_seconds``, if its backend can wait.

    Returns False on an inline backend: it cannot wait, and running the task
    again at once would only fail again; the sweep command retries instead.
    ``once``: do nothing (and return True) if a deferred run is already waiting.
    """
    if not backend_can_defer(task):
        return False
    if once and retry_waiting(task):
        return True
    run_after = timezone.now() + datetime.timedelta(seconds=delay_seconds)
    try:
        task.using(run_after=run_after).enqueue(*args, **kwargs)
    except Exception:
        logger.exception("Could not schedule a retry of %s", task.name)
        return False
    return True


def backoff_seconds(attempts: int, *, base: float = 30.0, most: float = 6 * 60 * 60) -> float:
    """Exponential back-off: 30 s, 1 min, 2 min, ... capped at ``most`` (6 h)."""
    return min(most, base * 2 ** max(0, attempts - 1))
