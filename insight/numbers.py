"""The cluster in numbers: the public figures, counted in a few queries and kept.

Every figure is a count of something public (listed member companies, live
showcase projects) or of what commissioners searched for (``reporting``).
So that no single company can be singled out, any count below
``SUPPRESS_BELOW`` (3) is *suppressed*: its row says "fewer than 3" in the
table and has no bar, no dot on the map and no line in the CSV. Empty rows
(a sector nobody works in) are left out altogether. Searches follow the
privacy rules of ``recording``: a redacted search has no text to show, text
that looks like an email address or a phone number is never shown (checked
again here, in case a rule was added after it was recorded), and a text
searched fewer than 3 times is not shown at all (it could be anything a
single person typed, a name among them).

All the figures are built at once by :func:`cluster_figures`, seven grouped
queries, and kept with the page cache's generation (``cms.page_cache.kept``):
publishing a company or a project, or editing a taxonomy, replaces the
generation, so members and projects are as fresh as the cached page; search
counts change without a publication, so they are at most ``kept``'s hour old.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from cms.page_cache import kept
from cms.privacy import public
from directory.models import CompanyPage, Place, Sector, SkillGroup, listed_q
from showcase.models import ProjectPage

from .recording import private_text
from .reporting import searches_between

SUPPRESS_BELOW = 3
SUPPRESSED = f"fewer than {SUPPRESS_BELOW}"
SEARCH_DAYS = 365  # the searches of the last year
TOP_SEARCHES = 10
KEPT_NAME = "insight:cluster-numbers"


def shown(count: int) -> int | None:
    """``count``, or ``None`` when it is too small to show."""
    return count if count >= SUPPRESS_BELOW else None


@dataclass
class Row:
    label: str
    count: int | None  # None: suppressed (1 or 2)
    # For the map: the town's position (lon, lat).
    lon: float | None = None
    lat: float | None = None

    @property
    def shown_as(self) -> str:
        return SUPPRESSED if self.count is None else str(self.count)


@dataclass
class Figure:
    """One chart's figures: what it counts, and a row per thing counted."""

    slug: str  # also its CSV's name: <slug>.csv
    title: str
    kind: str  # "bars", "line" or "map"
    label_heading: str  # the table's first column
    count_heading: str  # and its second
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def shown_rows(self) -> list[Row]:
        """The rows with a count to draw (and put in the CSV)."""
        return [row for row in self.rows if row.count is not None]

    @property
    def suppressed(self) -> int:
        return sum(row.count is None for row in self.rows)

    @property
    def description(self) -> str:
        """The chart in words, for its ``<desc>`` (screen readers read the table too)."""
        what = {"bars": "Bar chart", "line": "Line chart", "map": "Map"}[self.kind]
        if not self.shown_rows:
            return f"{what}: {self.title}. No figure is large enough to show yet."
        parts = ", ".join(f"{row.label} {row.count}" for row in self.shown_rows)
        text = f"{what}: {self.title}. {parts}."
        if self.suppressed:
            text += f" {self.suppressed} more with {SUPPRESSED} are not drawn."
        return text


def _counted(values) -> list[Row]:
    """(label, count) pairs as rows, largest first; zeros left out, small counts suppressed."""
    pairs = sorted(((label, n) for label, n in values if n), key=lambda p: (-p[1], p[0]))
    return [Row(label, shown(n)) for label, n in pairs]


def members_by_sector() -> Figure:
    rows = Sector.objects.annotate(
        n=Count("companies", filter=listed_q("companies__"), distinct=True)
    ).values_list("name", "n")
    return Figure("sectors", "Members by sector", "bars", "Sector", "Members", _counted(rows))


def members_by_department() -> Figure:
    # A company offering three animation skills is one animation member.
    rows = SkillGroup.objects.annotate(
        n=Count("skills__companies", filter=listed_q("skills__companies__"), distinct=True)
    ).values_list("name", "n")
    return Figure(
        "departments", "Members by department", "bars", "Department", "Members", _counted(rows)
    )


def members_by_place() -> list[Row]:
    places = (
        Place.objects.annotate(n=Count("companies", filter=listed_q("companies__")))
        .filter(n__gt=0)
        .values_list("name", "n", "longitude", "latitude")
    )
    rows = [Row(name, shown(n), lon, lat) for name, n, lon, lat in places]
    return sorted(rows, key=lambda row: (-(row.count or 0), row.label))


def _period(day: datetime.date, months: int) -> tuple[int, int]:
    return day.year, (day.month - 1) // months * months + 1


def _period_label(year: int, month: int, months: int) -> str:
    if months == 3:
        return f"{year} Q{(month - 1) // 3 + 1}"
    return datetime.date(year, month, 1).strftime("%b %Y")


def membership_over_time() -> Figure:
    """Today's members by when they joined: how many had joined by the end of each period.

    By month while the cluster is under two years old, by quarter after that.
    """
    joined = sorted(
        timezone.localdate(at)
        for at in CompanyPage.objects.filter(listed_q()).values_list("joined_at", flat=True)
    )
    figure = Figure(
        "membership",
        "Members over time",
        "line",
        "By the end of",
        "Members",
        [],
        note="Members today, by when they joined.",
    )
    if not joined:
        return figure
    today = timezone.localdate()
    span = (today.year - joined[0].year) * 12 + today.month - joined[0].month
    months = 1 if span < 24 else 3
    per_period = Counter(_period(day, months) for day in joined)
    year, month = _period(joined[0], months)
    last = _period(today, months)
    total = 0
    while (year, month) <= last:
        total += per_period[(year, month)]
        figure.rows.append(Row(_period_label(year, month, months), shown(total)))
        month += months
        if month > 12:
            year, month = year + 1, month - 12
    return figure


def projects_per_year() -> Figure:
    rows = (
        public(ProjectPage.objects.live())
        .order_by()
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    return Figure(
        "projects",
        "Showcase projects per year",
        "bars",
        "Year",
        "Projects",
        [Row(str(row["year"]), shown(row["n"])) for row in rows if row["n"]],
    )


def _public_texts() -> tuple[Counter, Counter]:
    """How often each text was searched in the last year (whatever its filters), and the
    members those searches found in all."""
    today = timezone.localdate()
    searched, found = Counter(), Counter()
    for row in searches_between(today - datetime.timedelta(days=SEARCH_DAYS), today):
        text, redacted = private_text(row.text)
        if row.redacted or redacted or not text:
            continue
        searched[text] += row.searches
        found[text] += row.results_sum
    return searched, found


def searches_figures() -> tuple[Figure, Figure]:
    """The words searched for most, and those that found no member, every time they were
    searched (a search answered only by leaving out one of its words counts as finding
    none: ``recording.search_event``)."""
    searched, found = _public_texts()
    often = [(text, n) for text, n in searched.items() if n >= SUPPRESS_BELOW]
    top = sorted(often, key=lambda p: (-p[1], p[0]))[:TOP_SEARCHES]
    gaps = sorted(
        ((text, n) for text, n in often if not found[text]),
        key=lambda p: (-p[1], p[0]),
    )[:TOP_SEARCHES]
    note = (
        f"In the last {SEARCH_DAYS} days; words searched for fewer than "
        f"{SUPPRESS_BELOW} times are not shown."
    )
    return (
        Figure(
            "searched",
            "What commissioners search for most",
            "bars",
            "Search",
            "Searches",
            [Row(text, n) for text, n in top],
            note=note,
        ),
        Figure(
            "not-found",
            "Searched for, but no member found",
            "bars",
            "Search",
            "Searches",
            [Row(text, n) for text, n in gaps],
            note=note + " None of these searches found a member offering all it asked "
            "for: the skills the region lacks.",
        ),
    )


def build_figures() -> dict[str, Figure]:
    searched, not_found = searches_figures()
    places = members_by_place()
    figures = [
        members_by_sector(),
        members_by_department(),
        Figure("places", "Members by place", "bars", "Town", "Members", places),
        Figure(
            "map",
            "Where members are",
            "map",
            "Town",
            "Members",
            places,
            note="Each dot is a town, sized by its members; the table names those too close "
            "together to label.",
        ),
        membership_over_time(),
        projects_per_year(),
        searched,
        not_found,
    ]
    return {figure.slug: figure for figure in figures}


def cluster_figures() -> dict[str, Figure]:
    """Every figure of the page, kept until the next publication (at most an hour)."""
    return kept(KEPT_NAME, build_figures)
