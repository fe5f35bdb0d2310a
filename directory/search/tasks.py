"""Search-engine writes, done by the background worker, never in a request.

Every edit that ``sync`` sees records its companies as ``PendingIndexUpdate``
rows *inside the edit's own transaction* (:func:`record_intent`). Once the
transaction commits, ``sync`` enqueues :data:`write_index_updates` with their
ids; the worker (``manage.py db_worker``) runs it: the backend writes them and
removes their rows, then anything else still pending follows. So publishing,
approving or importing costs a few row inserts and never waits on
Elasticsearch, whether it is up, stopped or frozen; and no visitor's search
ever does index work.

When the engine cannot take the write, the rows stay (attempts counted, the
last error kept) and the task defers one more run of itself with exponential
back-off (``cms.background.backoff_seconds`` of the most-tried row: 5 s,
10 s, 20 s, ... at most 15 min). If the worker dies, or the task could not be
enqueued, the rows are still there: the next edit's task, or
``python manage.py retry_index_updates`` (by hand or from cron), writes them.

A write sends each company as it is in the database *then*, so several missed
changes to one company cost one write, and the latest state wins (documents
also carry an external version, see ``index``).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Max

from django_tasks import task

from cms import background

logger = logging.getLogger(__name__)

RETRY_BATCH = 500


def record_intent(company_ids) -> None:
    """Write-ahead: note these companies inside the edit's own transaction.

    Called by ``sync`` before the commit; the worker removes the rows once the
    engine has the change. If the engine is down or the process dies first,
    the rows survive; if the edit rolls back, so do they.
    """
    from .models import PendingIndexUpdate

    ids = {int(i) for i in company_ids}
    existing = set(
        PendingIndexUpdate.objects.filter(company_id__in=ids).values_list("company_id", flat=True)
    )
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(company_id=i) for i in sorted(ids - existing)]
    )


def record_failure(company_ids, error: str) -> None:
    """A direct write failed: keep these companies for the worker (never raises)."""
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
    except Exception:  # the database itself failing here must not fail the caller either
        logger.exception("Could not record pending index updates for %s", ids)
        return
    schedule_retry()


def forget(company_ids) -> None:
    """These companies are up to date in the engine: drop their pending rows."""
    from .models import PendingIndexUpdate

    PendingIndexUpdate.objects.filter(company_id__in=list(company_ids)).delete()


def pending_count() -> int:
    from .models import PendingIndexUpdate

    return PendingIndexUpdate.objects.count()


def write_pending(backend=None) -> int:
    """Write pending companies to the engine; returns how many were written.

    Stops at the first failure (the engine is still away), leaving the rest
    with their counters raised and a retry deferred.
    """
    from . import get_search_backend
    from .models import PendingIndexUpdate

    backend = backend or get_search_backend()
    index = getattr(backend, "index", None)
    if index is None:  # the database backend has nothing to catch up on
        return 0
    from .elasticsearch import WRITE_ERRORS

    written = 0
    while True:
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
            logger.warning("Writing %d pending index updates failed: %s", len(ids), error)
            schedule_retry()
            break
        backend.breaker.succeeded()
        # Only the rows read above: a change recorded meanwhile stays pending.
        PendingIndexUpdate.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        written += len(ids)
    if written:
        logger.info("Wrote %d pending index updates", written)
    return written


@task()
def write_index_updates(company_ids: list[int] | None = None) -> int:
    """The worker's job: write these companies, then anything else still pending.

    ``company_ids`` are the companies one commit changed (empty for a deferred
    retry). The backend's ``update_companies`` records what it cannot write
    and defers a retry, so this never needs to raise for an engine outage.
    """
    from . import get_search_backend

    backend = get_search_backend()
    ids = sorted({int(i) for i in company_ids or ()})
    if ids:
        try:
            backend.update_companies(ids)
        except Exception:  # a backend that raises: say which, and let the task fail visibly
            logger.exception("Search backend %s could not update companies %s", backend.name, ids)
            raise
        if getattr(backend, "breaker", None) is not None and backend.breaker.is_open:
            return 0  # it just failed: the deferred retry writes the rest
    return len(ids) + write_pending(backend)


def schedule_write(company_ids) -> None:
    """After a commit that changed these companies: have the worker write them."""
    background.enqueue(write_index_updates, sorted(company_ids))


def schedule_retry() -> None:
    """Defer one more run (one at a time), later the more often the engine has refused."""
    from .models import PendingIndexUpdate

    attempts = PendingIndexUpdate.objects.aggregate(most=Max("attempts"))["most"] or 1
    background.retry_later(
        write_index_updates, background.backoff_seconds(attempts, base=5.0, most=15 * 60), once=True
    )
