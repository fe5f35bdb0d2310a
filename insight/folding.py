"""Folding old searches: raw events past ``INSIGHT_RAW_DAYS`` (90) become daily counts.

Each search is kept as it happened for three months, long enough for the
editors' reports to look at single searches; after that only how many times
a day each distinct search was made (and how many found nothing) is kept
(:class:`~insight.models.DailySearchCount`), which is what trends need, and
the rows are deleted.

One day at a time, each in one transaction: the day's events are grouped in
the database and deleted. A day with no counts yet (the usual case) is one
``INSERT … SELECT … GROUP BY`` and one ``DELETE``, so no row passes through
Python and a million events fold in seconds (``bench/insight.py``); a day
that has some (folded before, then more events came) is grouped the same way
and added to them through the ORM. An interrupted run leaves whole days done and the rest
untouched; running it again carries on. ``manage.py fold_search_events`` runs
it (daily, from cron or by hand) with a progress bar.

The same run clears what found each company (:class:`~insight.models.CompanySearchDay`)
older than ``COMPANY_SEARCH_DAYS``: the member's insight page reads only the
last 90 days of it (``members.company_insight.COMPARE_DAYS``), and a row per
company, day and search text would otherwise grow without bound. Deleted in
batches of ``DELETE_BATCH`` rows, each its own transaction, oldest rows first,
so no long lock and an interrupted run has deleted whole batches.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import SEARCH_KEY_FIELDS, CompanySearchDay, DailySearchCount, SearchEvent

DEFAULT_RAW_DAYS = 90
# Days of what found each company kept, today included: the member's insight page
# shows the searches of its last 90 days (``members.company_insight.COMPARE_DAYS``),
# and a day more so a page opened just after midnight loses nothing.
COMPANY_SEARCH_DAYS = 91
DELETE_BATCH = 5000


def raw_days() -> int:
    return int(getattr(settings, "INSIGHT_RAW_DAYS", DEFAULT_RAW_DAYS))


@dataclass
class FoldReport:
    days: int = 0
    events: int = 0
    rows: int = 0  # daily counts written (new or added to)
    company_searches: int = 0  # old ``CompanySearchDay`` rows deleted


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )


def days_to_fold(older_than_days: int | None = None) -> list[datetime.date]:
    """The days (local time) before the cut-off that still have raw events."""
    days = raw_days() if older_than_days is None else older_than_days
    cutoff, _ = _day_bounds(timezone.localdate() - datetime.timedelta(days=days))
    return list(SearchEvent.objects.filter(at__lt=cutoff).dates("at", "day", order="ASC"))


def _columns(model, names) -> list[str]:
    quote = connection.ops.quote_name
    return [quote(model._meta.get_field(name).column) for name in names]


def _insert_grouped(day: datetime.date, start, end) -> tuple[int, int]:
    """A day with no counts yet: group and delete in the database; (events, rows)."""
    quote = connection.ops.quote_name
    keys = ", ".join(_columns(SearchEvent, SEARCH_KEY_FIELDS))
    target = ", ".join(
        _columns(
            DailySearchCount,
            ("day", *SEARCH_KEY_FIELDS, "searches", "no_results", "results_sum"),
        )
    )
    events = quote(SearchEvent._meta.db_table)
    at, total = _columns(SearchEvent, ("at", "total"))
    where = f"{at} >= %s AND {at} < %s"
    start, end = (connection.ops.adapt_datetimefield_value(value) for value in (start, end))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(DailySearchCount._meta.db_table)} ({target}) "  # noqa: S608
            f"SELECT %s, {keys}, COUNT(*), SUM(CASE WHEN {total} = 0 THEN 1 ELSE 0 END), "
            f"SUM({total}) FROM {events} WHERE {where} GROUP BY {keys}",
            [connection.ops.adapt_datefield_value(day), start, end],
        )
        rows = cursor.rowcount
        # The rows have no relations and nothing listens for their deletion.
        cursor.execute(f"DELETE FROM {events} WHERE {where}", [start, end])  # noqa: S608
        return cursor.rowcount, rows


def fold_day(day: datetime.date) -> tuple[int, int]:
    """Fold one day's events into its daily counts; (events folded, count rows written)."""
    start, end = _day_bounds(day)
    with transaction.atomic():
        if not DailySearchCount.objects.filter(day=day).exists():
            return _insert_grouped(day, start, end)
        events = SearchEvent.objects.filter(at__gte=start, at__lt=end)
        groups = list(
            events.values(*SEARCH_KEY_FIELDS)
            .order_by()
            .annotate(
                searches=Count("id"),
                no_results=Count("id", filter=Q(total=0)),
                results_sum=Sum("total"),
            )
        )
        if not groups:
            return 0, 0
        existing = {
            tuple(getattr(row, name) for name in SEARCH_KEY_FIELDS): row
            for row in DailySearchCount.objects.select_for_update().filter(day=day)
        }
        changed, new = [], []
        for group in groups:
            key = tuple(group[name] for name in SEARCH_KEY_FIELDS)
            row = existing.get(key)
            if row is None:
                new.append(
                    DailySearchCount(
                        day=day,
                        **{name: group[name] for name in SEARCH_KEY_FIELDS},
                        searches=group["searches"],
                        no_results=group["no_results"],
                        results_sum=group["results_sum"] or 0,
                    )
                )
            else:
                row.searches += group["searches"]
                row.no_results += group["no_results"]
                row.results_sum += group["results_sum"] or 0
                changed.append(row)
        DailySearchCount.objects.bulk_create(new, batch_size=1000)
        DailySearchCount.objects.bulk_update(
            changed, ["searches", "no_results", "results_sum"], batch_size=1000
        )
        folded, _ = events.delete()
    return folded, len(groups)


def delete_old_company_searches(batch_size: int = DELETE_BATCH) -> int:
    """Delete ``CompanySearchDay`` rows before the last ``COMPANY_SEARCH_DAYS`` days; how many.

    A batch of ids, oldest first (rows are written day by day, so the old ones
    have the lowest ids), then one ``DELETE`` by id, in its own transaction.
    """
    cutoff = timezone.localdate() - datetime.timedelta(days=COMPANY_SEARCH_DAYS - 1)
    old = CompanySearchDay.objects.filter(day__lt=cutoff).order_by("pk")
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            # Nothing refers to the rows: one DELETE, no row read into Python.
            deleted += CompanySearchDay.objects.filter(pk__in=ids).delete()[0]


def fold(older_than_days: int | None = None, *, progress=None) -> FoldReport:
    """Fold every day before the cut-off, then delete what found each company long ago;
    ``progress`` wraps the days (a tqdm bar, say)."""
    report = FoldReport()
    days = days_to_fold(older_than_days)
    for day in progress(days) if progress else days:
        folded, rows = fold_day(day)
        report.days += 1
        report.events += folded
        report.rows += rows
    report.company_searches = delete_old_company_searches()
    return report
