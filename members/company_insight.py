"""A member's own insight: how commissioners found and contacted their company.

From what cluster insight records (``insight.models``): the company's profile
views and search appearances per day, the search words it was shown for
(``CompanySearchDay``; only words insight keeps), and the enquiries sent to
it. By calendar month for the last ``MONTHS`` months, and the last
``COMPARE_DAYS`` days against the same number of days before (whole months
would compare a month that has just begun with a full one).

A fixed number of queries whatever the history: the daily counts and the
enquiries are each grouped by month in the database (one query each) and
summed for the two comparison windows (one each), and the searches are one
grouped query. Only ever called with the member's own company
(``permissions.membership_or_404`` first).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from directory.models import Enquiry
from insight.models import CompanyDailyCount, CompanySearchDay

MONTHS = 6
COMPARE_DAYS = 90
TOP_SEARCHES = 10
# Sparkline size (viewBox units); drawn in the template as plain SVG: a
# polyline of six points needs no charting library.
SPARK_WIDTH, SPARK_HEIGHT = 120, 32


@dataclass
class Month:
    start: datetime.date  # its first day
    views: int = 0
    appearances: int = 0
    enquiries: int = 0


@dataclass
class Change:
    """One figure over the last ``COMPARE_DAYS`` days beside the same span before."""

    name: str  # "Profile views"
    now: int
    before: int

    @property
    def percent(self) -> int | None:
        """Rounded change in percent; ``None`` when there is nothing before to compare with."""
        if not self.before:
            return None
        return round((self.now - self.before) * 100 / self.before)

    @property
    def summary(self) -> str:
        """ "+12% on the previous 90 days", in words a screen reader reads as they are."""
        span = f"the previous {COMPARE_DAYS} days"
        if self.percent is None:
            return f"none in {span}" if self.now else f"none in {span} either"
        if self.percent == 0:
            return f"the same as {span}"
        sign = "+" if self.percent > 0 else "−"
        return f"{sign}{abs(self.percent)}% on {span}"


@dataclass
class Spark:
    """A sparkline's points and its words (SVG ``title`` and ``desc``)."""

    name: str
    points: str  # "x,y x,y ..." in the viewBox
    description: str


@dataclass
class SearchFound:
    text: str
    appearances: int


@dataclass
class CompanyInsight:
    months: list[Month]
    changes: list[Change]
    searches: list[SearchFound]
    sparks: list[Spark]
    since: datetime.date  # the first day the comparison counts
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT

    @property
    def anything(self) -> bool:
        return any(c.now or c.before for c in self.changes) or bool(self.searches)


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    starts, year, month = [], today.year, today.month
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def changes_for(company, today: datetime.date) -> tuple[list[Change], datetime.date]:
    """Views, appearances and enquiries of the last ``COMPARE_DAYS`` days and those before."""
    since = today - datetime.timedelta(days=COMPARE_DAYS - 1)
    before = since - datetime.timedelta(days=COMPARE_DAYS)
    now_q, before_q = Q(day__gte=since), Q(day__lt=since)
    counts = CompanyDailyCount.objects.filter(
        company=company, day__gte=before, day__lte=today
    ).aggregate(
        views_now=Sum("views", filter=now_q),
        views_before=Sum("views", filter=before_q),
        shown_now=Sum("appearances", filter=now_q),
        shown_before=Sum("appearances", filter=before_q),
    )
    cut = _midnight(since)
    enquiries = Enquiry.objects.filter(
        company=company,
        created_at__gte=_midnight(before),
        created_at__lt=_midnight(today + datetime.timedelta(days=1)),
    ).aggregate(
        now=Count("pk", filter=Q(created_at__gte=cut)),
        before=Count("pk", filter=Q(created_at__lt=cut)),
    )
    return [
        Change("Profile views", counts["views_now"] or 0, counts["views_before"] or 0),
        Change("Search appearances", counts["shown_now"] or 0, counts["shown_before"] or 0),
        Change("Enquiries", enquiries["now"], enquiries["before"]),
    ], since


def company_insight(company, *, months: int = MONTHS, today=None) -> CompanyInsight:
    today = today or timezone.localdate()
    starts = _month_starts(today, months)
    by_month = {start: Month(start) for start in starts}
    daily = (
        CompanyDailyCount.objects.filter(company=company, day__gte=starts[0], day__lte=today)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .order_by()
        .annotate(month_views=Sum("views"), month_shown=Sum("appearances"))
    )
    for row in daily:
        month = by_month[row["month"]]
        month.views, month.appearances = row["month_views"] or 0, row["month_shown"] or 0
    enquiries = (
        Enquiry.objects.filter(
            company=company,
            created_at__gte=_midnight(starts[0]),
            created_at__lt=_midnight(today + datetime.timedelta(days=1)),
        )
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for row in enquiries:
        month_start = row["month"]
        if isinstance(month_start, datetime.datetime):
            month_start = timezone.localtime(month_start).date()
        by_month[month_start.replace(day=1)].enquiries = row["n"]
    changes, since = changes_for(company, today)
    searches = [
        SearchFound(row["text"], row["n"])
        for row in CompanySearchDay.objects.filter(company=company, day__gte=since, day__lte=today)
        .values("text")
        .order_by()
        .annotate(n=Sum("appearances"))
        .order_by("-n", "text")[:TOP_SEARCHES]
    ]
    month_list = list(by_month.values())
    return CompanyInsight(
        months=month_list,
        changes=changes,
        searches=searches,
        sparks=[
            _spark("Profile views", [m.views for m in month_list], month_list),
            _spark("Search appearances", [m.appearances for m in month_list], month_list),
            _spark("Enquiries", [m.enquiries for m in month_list], month_list),
        ],
        since=since,
    )


def _spark(name: str, values: list[int], months: list[Month]) -> Spark:
    top = max(values) or 1
    step = SPARK_WIDTH / max(1, len(values) - 1)
    margin = 2  # the line's width stays inside the box
    points = " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - margin - (v / top) * (SPARK_HEIGHT - 2 * margin):.1f}"
        for i, v in enumerate(values)
    )
    described = ", ".join(f"{m.start:%B}: {v}" for m, v in zip(months, values, strict=True))
    return Spark(name, points, f"{name} by month, {described}.")
