"""The worker's half of recording: events from the cache into the database.

:func:`flush` reads the buffer's oldest events in batches, stores each batch
in one transaction (a :class:`~insight.models.SearchEvent` per search, and
each company's views and appearances added to its
:class:`~insight.models.CompanyDailyCount` for the day, and the search's
words to its :class:`~insight.models.CompanySearchDay`), and only then
removes the batch from the buffer. One flush runs at a time (a lock in the
cache); a crash between the commit and the removal would count that batch
twice, never lose it.

It runs on the worker (``tasks.flush_insight_events``, which schedules its
next run) or from cron (``manage.py flush_insight``); docs/insight.md says how.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from directory.models import CompanyPage

from . import buffer
from .models import CompanyDailyCount, CompanySearchDay, SearchEvent, Source

LOCK_KEY = "insight:flush-lock"
LOCK_SECONDS = 10 * 60
BATCH_SIZE = 2000


def _day(at: datetime.datetime) -> datetime.date:
    return timezone.localdate(at)


def _when(event: dict) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromtimestamp(float(event["at"]), tz=datetime.UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _search_row(event: dict, at: datetime.datetime) -> SearchEvent | None:
    source = event.get("source")
    if source not in Source.values:
        return None
    try:
        radius = event.get("radius")
        return SearchEvent(
            at=at,
            source=source,
            text=str(event.get("text", ""))[:200],
            redacted=bool(event.get("redacted")),
            filters=str(event.get("filters", ""))[:1000],
            verified=bool(event.get("verified")),
            near=str(event.get("near", ""))[:100],
            radius_miles=None if radius is None else float(radius),
            total=max(0, int(event.get("total", 0))),
            backend=str(event.get("backend", ""))[:40],
            page=max(1, int(event.get("page", 1))),
        )
    except (TypeError, ValueError):
        return None


def store(events: list[dict]) -> int:
    """Store ``events`` in the database (inside the caller's transaction); how many searches."""
    searches: list[SearchEvent] = []
    tally: Counter[tuple[int, datetime.date, str]] = Counter()
    found_by: Counter[tuple[int, datetime.date, str]] = Counter()  # company, day, search text
    for event in events:
        at = _when(event)
        if at is None:
            continue
        if event.get("kind") == "search":
            row = _search_row(event, at)
            if row is not None:
                searches.append(row)
                for company_id in event.get("shown") or ():
                    tally[(int(company_id), _day(at), "appearances")] += 1
                    if row.text and not row.redacted:
                        found_by[(int(company_id), _day(at), row.text)] += 1
        elif event.get("kind") == "view" and event.get("company") is not None:
            tally[(int(event["company"]), _day(at), "views")] += 1
    SearchEvent.objects.bulk_create(searches, batch_size=1000)
    existing = _existing_companies({company_id for company_id, _, _ in tally})
    _add_counts(tally, existing)
    _add_search_counts(found_by, existing)
    return len(searches)


def _existing_companies(ids: set[int]) -> set[int]:
    # A company deleted since it was seen has nothing left to count against.
    if not ids:
        return set()
    return set(CompanyPage.objects.filter(pk__in=ids).values_list("pk", flat=True))


def _add_search_counts(found_by: Counter, existing_companies: set[int]) -> None:
    """Add each company's appearances for a search text to its day's row."""
    found_by = Counter({key: n for key, n in found_by.items() if key[0] in existing_companies})
    if not found_by:
        return
    rows = {
        (row.company_id, row.day, row.text): row
        for row in CompanySearchDay.objects.select_for_update().filter(
            company_id__in={company_id for company_id, _, _ in found_by},
            day__in={day for _, day, _ in found_by},
            text__in={text for _, _, text in found_by},
        )
    }
    new, changed = [], []
    for (company_id, day, text), count in found_by.items():
        row = rows.get((company_id, day, text))
        if row is None:
            new.append(
                CompanySearchDay(company_id=company_id, day=day, text=text, appearances=count)
            )
        else:
            row.appearances += count
            changed.append(row)
    # Only the rows counted now: the filter above also finds others (any company
    # with any of the days and texts), which stay as they are.
    CompanySearchDay.objects.bulk_update(changed, ["appearances"], batch_size=500)
    CompanySearchDay.objects.bulk_create(new, batch_size=500)


def _add_counts(tally: Counter, existing_companies: set[int]) -> None:
    if not tally:
        return
    days = {day for _, day, _ in tally}
    rows = {
        (row.company_id, row.day): row
        for row in CompanyDailyCount.objects.select_for_update().filter(
            company_id__in=existing_companies, day__in=days
        )
    }
    new = {}
    for (company_id, day, field), count in tally.items():
        if company_id not in existing_companies:
            continue
        row = rows.get((company_id, day)) or new.get((company_id, day))
        if row is None:
            row = new[(company_id, day)] = CompanyDailyCount(company_id=company_id, day=day)
        setattr(row, field, getattr(row, field) + count)
    CompanyDailyCount.objects.bulk_update(rows.values(), ["views", "appearances"], batch_size=500)
    CompanyDailyCount.objects.bulk_create(new.values(), batch_size=500)


def flush(*, batch_size: int = BATCH_SIZE) -> int:
    """Move every waiting event into the database; how many events were moved.

    Returns 0 at once if another flush holds the lock. Raises
    ``buffer.BufferUnavailable`` when the cache cannot be read.
    """
    cache = caches["default"]
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, LOCK_SECONDS):
        return 0
    moved = 0
    try:
        while True:
            events, lines = buffer.peek(batch_size)
            if not lines:
                break
            with transaction.atomic():
                store(events)
            buffer.drop(lines)
            moved += lines
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)
    return moved
