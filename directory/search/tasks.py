"""Durable index writes: changes the engine missed are kept in the database and retried.

Every edit that ``sync`` sees records its companies as ``PendingIndexUpdate``
rows *inside the edit's own transaction* (:func:`record_intent`); after the
commit ``ElasticsearchBackend.update_companies`` writes them and removes the
rows. When it cannot reach the server (or the process dies first) the rows
stay, with the attempt count and the last error, and :func:`retry_pending`
writes them later. It runs

* on the next write the engine accepts (any editor's save),
* when a search finds the engine answering again after an outage,
* from ``python manage.py retry_index_updates`` (cron, or by hand), and
* as the ``retry_index_updates_task`` task of Django's task framework, when
  the configured task backend can run a task later (``supports_defer``): it
  is enqueued with a back-off after each failure. The default immediate
  backend cannot wait, so nothing is enqueued there; the other triggers
  cover it.

A retry rewrites each company from the database as it is *then*, so several
missed changes to one company cost one write, and the latest state wins.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

RETRY_BATCH = 500
MAX_BACKOFF_SECONDS = 15 * 60


def record_failure(company_ids, error: str) -> None:
    """Remember these companies until the engine has their change (never raises)."""
    from .models import PendingIndexUpdate

    ids = sorted({int(i) for i in company_ids})
    try:
        with transaction.atomic():
            existing = set(
                PendingIndexUpdate.objects.filter(company_id__in=ids).values_list(
                    "company_id", flat=True
                )
            )
            PendingIndexUpdate.objects.filter(company_id__in=existing).update(
                attempts=F("attempts") + 1, last_error=error[:500]
            )
            PendingIndexUpdate.objects.bulk_create(
                [
                    PendingIndexUpdate(company_id=i, attempts=1, last_error=error[:500])
                    for i in ids
                    if i not in existing
                ]
            )
    except Exception:  # the database itself failing here must not fail the save either
        logger.exception("Could not record pending index updates for %s", ids)
        return
    _schedule_retry()


def record_intent(company_ids) -> None:
    """Write-ahead: note these companies inside the edit's own transaction.

    Called by ``sync`` before the commit; the after-commit write removes the
    rows once the engine has the change. If the process dies in between, or
    the engine is down, the rows survive and a retry sends the change later;
    if the edit rolls back, so do the rows.
    """
    from .models import PendingIndexUpdate

    ids = {int(i) for i in company_ids}
    existing = set(
        PendingIndexUpdate.objects.filter(company_id__in=ids).values_list("company_id", flat=True)
    )
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(company_id=i) for i in sorted(ids - existing)]
    )


def forget(company_ids) -> None:
    """These companies are up to date in the engine: drop their pending rows."""
    from .models import PendingIndexUpdate

    PendingIndexUpdate.objects.filter(company_id__in=list(company_ids)).delete()


def pending_count() -> int:
    from .models import PendingIndexUpdate

    return PendingIndexUpdate.objects.count()


def retry_pending(backend=None, max_batches: int | None = None) -> int:
    """Write pending companies to the engine; returns how many were written.

    Stops at the first failure (the engine is still away), leaving the rest
    for the next attempt with their counters raised. ``max_batches`` bounds
    the work when a visitor's request is the trigger (the rest follows on the
    next trigger, or from the command).
    """
    from . import get_search_backend
    from .models import PendingIndexUpdate

    backend = backend or get_search_backend()
    index = getattr(backend, "index", None)
    if index is None:  # the database backend has nothing to catch up on
        return 0
    from .elasticsearch import WRITE_ERRORS

    written = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        rows = list(
            PendingIndexUpdate.objects.order_by("requested_at", "pk").values_list(
                "pk", "company_id"
            )[:RETRY_BATCH]
        )
        if not rows:
            break
        ids = sorted({company_id for _pk, company_id in rows})
        try:
            index.write(ids, timeout=backend.write_timeout)
        except WRITE_ERRORS as error:
            backend.breaker.failed()
            PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:500]
            )
            logger.warning("Retry of %d pending index updates failed: %s", len(ids), error)
            _schedule_retry()
            break
        # Only the rows read above: a change recorded meanwhile stays pending.
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        written += len(ids)
    if written:
        logger.info("Wrote %d pending index updates", written)
    return written


@task()
def retry_index_updates_task() -> int:
    """The task-framework entry point (for a backend with a worker)."""
    return retry_pending()


def _schedule_retry() -> None:
    if not getattr(default_task_backend, "supports_defer", False):
        return
    from .models import PendingIndexUpdate

    attempts = PendingIndexUpdate.objects.order_by("-attempts").values_list("attempts", flat=True)
    most = attempts.first() or 1
    delay = min(MAX_BACKOFF_SECONDS, 5 * 2 ** min(most, 10))
    try:
        retry_index_updates_task.using(
            run_after=timezone.now() + datetime.timedelta(seconds=delay)
        ).enqueue()
    except Exception:
        logger.exception("Could not enqueue the index retry task")
