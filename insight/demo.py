"""Demo insight for ``seed_demo``: four months of plausible searches, views and appearances.

Runs after the directory's seeder (it needs the companies). So that the
editors' report has something to show on a first run, it writes what the
worker would have flushed: the last 90 days as raw searches, the month before
as daily counts (as ``fold_search_events`` leaves them), and each listed
company's views and appearances by day. Searches are a fixed list of what
commissioners ask for, some of which no member offers (the skills gaps);
their totals are what the directory answers for them now, and the companies
on their first page are counted as found by those words (a member's
insight). It also pins an editor's pick for a thin search and marks a skills
gap with a note, so the report shows both actions taken. Deterministic, and
idempotent: nothing is added once any search is recorded (or the pin and the
gap exist). It also places the public *cluster in numbers* page at
``/cluster-in-numbers/`` (once).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from cms.models import HomePage
from directory.models import CompanyPage
from directory.search import run_search
from directory.search.database import DatabaseBackend
from directory.search.models import SearchPin
from directory.search.query import parse_search_params

from .folding import raw_days
from .models import (
    CompanyDailyCount,
    CompanySearchDay,
    DailySearchCount,
    SearchEvent,
    SkillsGap,
    Source,
)
from .pages import ClusterNumbersPage

DAYS = 120
# (what was typed, relative popularity). The last few find nobody in the demo.
SEARCHES = [
    ("animation", 30),
    ("stop motion", 14),
    ("drone filming", 12),
    ("colour grading", 10),
    ("vfx", 16),
    ("sound design", 9),
    ("camera hire", 11),
    ("corporate video", 8),
    ("documentary", 10),
    ("motion graphics", 7),
    ("post production", 9),
    ("subtitles", 5),
    ("animaton", 3),
    ("games", 6),
    ("virtual reality", 5),
    ("virtual production led volume", 4),
    ("underwater filming", 3),
    ("costume design", 3),
    ("puppeteer", 2),
]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def _per_day(rng: random.Random, day_number: int, weekday: int) -> int:
    """Searches in a day: growing over the months, quieter at weekends."""
    base = 12 + day_number * 0.25
    if weekday >= 5:
        base *= 0.4
    return max(0, int(rng.gauss(base, base * 0.25)))


NUMBERS_INTRO = (
    "<p>Who the cluster's members are, where they work, how the cluster grows, and what "
    "commissioners look for, from the directory and its searches.</p>"
)


def ensure_numbers_page(stdout) -> None:
    home = HomePage.objects.first()
    if home is None or ClusterNumbersPage.objects.exists():
        return
    page = ClusterNumbersPage(
        title="The cluster in numbers", slug="cluster-in-numbers", intro=NUMBERS_INTRO
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    stdout.write("  the cluster in numbers page at /cluster-in-numbers/")


# What the editors did about two searches that found little.
PINNED_SEARCH = "drone filming"
PICK_FROM = "camera hire"  # the pick: the company this search puts first
SKILLS_GAPS = {
    "underwater filming": (
        "No member films underwater. Two dive-camera operators in Cheshire work for "
        "broadcasters here: invite them, or ask the college about a short course."
    ),
    "costume design": (
        "Asked for by drama producers since the spring; no member offers it. Raise it "
        "at the next skills forum with the theatre's wardrobe department."
    ),
}


def _seed_editors_actions(stdout, backend) -> None:
    for text, note in SKILLS_GAPS.items():
        SkillsGap.objects.get_or_create(text=text, defaults={"note": note})
    if not SearchPin.objects.filter(text=PINNED_SEARCH).exists():
        hits = run_search(parse_search_params(QueryDict(f"q={PICK_FROM}")), backend=backend).hits
        if hits:
            SearchPin.objects.create(text=PINNED_SEARCH, company_id=hits[0].id)
            stdout.write(f"  {hits[0].title} pinned for “{PINNED_SEARCH}”")
    stdout.write(f"  {len(SKILLS_GAPS)} searches marked as skills gaps")


def seed(stdout, options) -> None:
    stdout.write("Demo insight (insight.demo)")
    ensure_numbers_page(stdout)
    if CompanyPage.objects.listed().exists():
        _seed_editors_actions(stdout, DatabaseBackend())
    if SearchEvent.objects.exists() or DailySearchCount.objects.exists():
        stdout.write("  searches already recorded: nothing added")
        return
    companies = list(CompanyPage.objects.listed().order_by("path").values_list("pk", flat=True))
    if not companies:
        stdout.write("  no listed companies: run the directory seeder first")
        return
    backend = DatabaseBackend()
    answers = {
        text: run_search(parse_search_params(QueryDict(f"q={text}")), backend=backend)
        for text, _weight in SEARCHES
    }
    # As recording counts them: a search answered by leaving out a word found none.
    totals = {
        text: 0 if results.query.relaxed else results.total for text, results in answers.items()
    }
    first_page = {
        text: [hit.id for hit in [*results.picks, *results.hits]]
        for text, results in answers.items()
    }
    texts = [text for text, _weight in SEARCHES]
    weights = [weight for _text, weight in SEARCHES]
    rng = random.Random(16)
    today = timezone.localdate()
    keep_raw = raw_days()
    events: list[SearchEvent] = []
    folded: dict[tuple[datetime.date, str], DailySearchCount] = {}
    counts: list[CompanyDailyCount] = []
    found_by: dict[tuple[int, datetime.date, str], int] = {}
    for back in range(DAYS, 0, -1):
        day = today - datetime.timedelta(days=back)
        number = DAYS - back
        for text in rng.choices(texts, weights, k=_per_day(rng, number, day.weekday())):
            total = totals[text]
            for company_id in first_page[text]:
                key = (company_id, day, text)
                found_by[key] = found_by.get(key, 0) + 1
            if back > keep_raw:
                row = folded.get((day, text))
                if row is None:
                    row = folded[(day, text)] = DailySearchCount(
                        source=Source.PAGE, text=text, day=day
                    )
                row.searches += 1
                row.no_results += not total
                row.results_sum += total
            else:
                at = _day_start(day) + datetime.timedelta(minutes=rng.randrange(10 * 60))
                source = Source.API if rng.random() < 0.1 else Source.PAGE
                events.append(
                    SearchEvent(source=source, text=text, at=at, total=total, backend="database")
                )
        for company in companies:
            views = max(0, int(rng.gauss(2 + number / 40, 1.5)))
            shown = max(0, int(rng.gauss(8 + number / 15, 4)))
            if views or shown:
                counts.append(
                    CompanyDailyCount(company_id=company, day=day, views=views, appearances=shown)
                )
    with transaction.atomic():
        SearchEvent.objects.bulk_create(events, batch_size=1000)
        DailySearchCount.objects.bulk_create(folded.values(), batch_size=1000)
        CompanyDailyCount.objects.bulk_create(counts, batch_size=1000)
        CompanySearchDay.objects.bulk_create(
            [
                CompanySearchDay(company_id=company_id, day=day, text=text, appearances=n)
                for (company_id, day, text), n in found_by.items()
            ],
            batch_size=1000,
        )
    stdout.write(
        f"  {len(events)} searches over {keep_raw} days, {len(folded)} folded daily counts "
        f"before them, {len(counts)} days of company views and appearances, "
        f"{len(found_by)} days of the words that found each company"
    )
