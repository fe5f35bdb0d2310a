"""Search-engine writes, done by the background worker, never in a request.

Every edit that ``sync`` sees records its companies as ``PendingIndexUpdate``
rows *inside the edit's own transaction* (:func:`record_intent`). Once the
transaction commits, the backend (``SearchBackend.changes_committed``) enqueues
:data:`write_index_updates` with their ids; the worker (``manage.py
db_worker``) runs it: the backend (``write_pending``) writes them and removes
their rows, then anything else still pending follows. This module keeps the
queue; what a write is belongs to the backend. So publishing,
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

from . import get_search_backend
from .models import PendingIndexUpdate

logger = logging.getLogger(__name__)

RETRY_BATCH = 500


def record_intent(company_ids) -> None:
    """Write-ahead: note these companies inside the edit's own transaction.

    Called by ``sync`` before the commit; the worker removes the rows once the
    engine has the change. If the engine is down or the process dies first,
    the rows survive; if the edit rolls back, so do they.
    """
    ids = {int(i) for i in company_ids}
    existing = set(
        PendingIndexUpdate.objects.filter(company_id__in=ids).values_list("company_id", flat=True)
    )
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(company_id=i) for i in sorted(ids - existing)]
    )


def record_failure(company_ids, error: str) -> None:
    """A direct write failed: keep these companies for the worker (never raises)."""
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
    PendingIndexUpdate.objects.filter(company_id__in=list(company_ids)).delete()


def pending_count() -> int:
    return PendingIndexUpdate.objects.count()


def pending_batch() -> tuple[list[int], list[int]] | None:
    """The oldest pending rows, as ``(row ids, company ids)``; ``None`` when none are left."""
    rows = list(
        PendingIndexUpdate.objects.order_by("requested_at", "pk").values_list("pk", "company_id")[
            :RETRY_BATCH
        ]
    )
    if not rows:
        return None
    return [pk for pk, _company_id in rows], sorted({company_id for _pk, company_id in rows})


def record_attempt(row_ids: list[int], error: str) -> None:
    """These rows could not be written (yet): count the attempt, keep the error."""
    PendingIndexUpdate.objects.filter(pk__in=row_ids).update(
        attempts=F("attempts") + 1, last_error=error[:500]
    )


def remove(row_ids: list[int]) -> None:
    """These rows are written: only they go (a change recorded meanwhile stays pending)."""
    PendingIndexUpdate.objects.filter(pk__in=row_ids).delete()


@task()
def write_index_updates(company_ids: list[int] | None = None) -> int:
    """The worker's job: the backend writes these companies, then anything else pending.

    ``company_ids`` are the companies one commit changed (empty for a deferred
    retry). The backend records what it cannot write and defers a retry
    (``SearchBackend.write_pending``), so this never needs to raise for an
    engine outage.
    """
    backend = get_search_backend()
    ids = sorted({int(i) for i in company_ids or ()})
    try:
        return backend.write_pending(ids)
    except Exception:  # a backend that raises: say which, and let the task fail visibly
        logger.exception("Search backend %s could not update companies %s", backend.name, ids)
        raise


def schedule_write(company_ids) -> None:
    """After a commit that changed these companies: have the worker write them."""
    background.enqueue(write_index_updates, sorted(company_ids))


def schedule_retry() -> None:
    """Defer one more run (one at a time), later the more often the engine has refused."""
    attempts = PendingIndexUpdate.objects.aggregate(most=Max("attempts"))["most"] or 1
    background.retry_later(
        write_index_updates, background.backoff_seconds(attempts, base=5.0, most=15 * 60), once=True
    )
