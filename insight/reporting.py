"""The editors' search report: what commissioners searched for in a date range.

Searches of the last 90 days are single rows (``SearchEvent``), older ones
daily counts (``DailySearchCount``, see ``folding``); a range may span both,
so each is grouped in the database and the two are added together here. Two
searches are the same when they asked for the same words, filters and centre.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from directory.search.base import FACETS

from .models import DailySearchCount, SearchEvent

# "Few results": a commissioner sees no real choice (the region's thin skills).
FEW_RESULTS = 3
GROUP_BY = ("text", "redacted", "filters", "near")


@dataclass
class SearchRow:
    text: str
    redacted: bool
    filters: str
    near: str
    searches: int = 0
    no_results: int = 0
    results_sum: int = 0
    # Set by the report for the rows it shows: what editors did about the search.
    skills_gap: object = None  # models.SkillsGap
    pins: list = field(default_factory=list)  # directory.search.models.SearchPin

    @property
    def mean_results(self) -> float:
        return self.results_sum / self.searches if self.searches else 0.0

    @property
    def found_nothing(self) -> bool:
        return self.searches > 0 and self.no_results == self.searches

    @property
    def found_few(self) -> bool:
        """No or few results: what the editors' actions are for."""
        return self.searches > 0 and self.mean_results <= FEW_RESULTS

    @property
    def label(self) -> str:
        if self.redacted:
            return "(personal details: not kept)"
        return self.text or "(no text)"


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def searches_between(first: datetime.date, last: datetime.date) -> list[SearchRow]:
    """Every distinct search made from ``first`` to ``last`` (inclusive), most made first."""
    rows: dict[tuple, SearchRow] = {}
    raw = (
        SearchEvent.objects.filter(
            at__gte=_local_midnight(first),
            at__lt=_local_midnight(last + datetime.timedelta(days=1)),
        )
        .values(*GROUP_BY)
        .order_by()
        .annotate(n=Count("id"), nothing=Count("id", filter=Q(total=0)), found=Sum("total"))
    )
    folded = (
        DailySearchCount.objects.filter(day__gte=first, day__lte=last)
        .values(*GROUP_BY)
        .order_by()
        .annotate(n=Sum("searches"), nothing=Sum("no_results"), found=Sum("results_sum"))
    )
    for group in [*raw, *folded]:
        key = tuple(group[name] for name in GROUP_BY)
        row = rows.get(key) or rows.setdefault(key, SearchRow(*key))
        row.searches += group["n"] or 0
        row.no_results += group["nothing"] or 0
        row.results_sum += group["found"] or 0
    return sorted(rows.values(), key=lambda row: (-row.searches, row.label, row.filters))


def few_results(rows: list[SearchRow]) -> list[SearchRow]:
    """Searches that found nothing every time, or on average at most ``FEW_RESULTS``."""
    return [row for row in rows if row.mean_results <= FEW_RESULTS]


@dataclass
class FilterUse:
    label: str  # the facet's name for it ("Skills")
    values: list[tuple[str, int]]  # (the value's name, searches that used it), most first


def filters_used(rows: list[SearchRow], *, limit: int = 10) -> list[FilterUse]:
    """Which department, skill, sector and place filters (and centres) searches used most."""
    counts: dict[str, Counter] = {facet.param: Counter() for facet in FACETS}
    counts["near"] = Counter()
    for row in rows:
        for param, slug in parse_qsl(row.filters):
            if param in counts:
                counts[param][slug] += row.searches
        if row.near:
            counts["near"][row.near] += row.searches
    uses = []
    for facet in FACETS:
        if counts[facet.param]:
            names = _names(facet.model, counts[facet.param])
            values = [(names.get(s, s), n) for s, n in counts[facet.param].most_common(limit)]
            uses.append(FilterUse(facet.label, values))
    if counts["near"]:
        names = _names("directory.Place", counts["near"])
        values = [(names.get(s, s.upper()), n) for s, n in counts["near"].most_common(limit)]
        uses.append(FilterUse("Near", values))
    return uses


def _names(model_label: str, slugs) -> dict[str, str]:
    model = apps.get_model(model_label)
    return dict(model.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


@dataclass
class Week:
    start: datetime.date  # its Monday
    searches: int = 0
    no_results: int = 0


def weekly(first: datetime.date, last: datetime.date) -> list[Week]:
    """Searches, and those that found nothing, in each week (Monday first) of the range."""
    weeks: dict[datetime.date, Week] = {}
    monday = first - datetime.timedelta(days=first.weekday())
    while monday <= last:
        weeks[monday] = Week(monday)
        monday += datetime.timedelta(days=7)
    raw = (
        SearchEvent.objects.filter(
            at__gte=_local_midnight(first),
            at__lt=_local_midnight(last + datetime.timedelta(days=1)),
        )
        .annotate(day=TruncDate("at"))
        .values("day")
        .order_by()
        .annotate(n=Count("id"), nothing=Count("id", filter=Q(total=0)))
    )
    folded = (
        DailySearchCount.objects.filter(day__gte=first, day__lte=last)
        .values("day")
        .order_by()
        .annotate(n=Sum("searches"), nothing=Sum("no_results"))
    )
    for group in [*raw, *folded]:
        week = weeks[group["day"] - datetime.timedelta(days=group["day"].weekday())]
        week.searches += group["n"] or 0
        week.no_results += group["nothing"] or 0
    return list(weeks.values())
