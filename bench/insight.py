"""Insight benchmark: what recording adds to a search, and how fast folding is.

    python bench/insight.py [--companies 1000] [--repeat 200] [--events 1000000] [--no-recording]

On a throwaway SQLite database (``BENCH_DB_DIR``, default /tmp/platform-bench)
of ``--companies`` demo companies, with the cache on the Redis at
``REDIS_URL`` (under a key prefix of its own, deleted afterwards) when it is
set and in local memory otherwise:

* **recording**: the query mix of ``bench/run.py`` answered by the API
  (Django's test client) with the insight hooks registered and with them
  removed, side by side in the same run; and the recording call alone
  (``recording.search_shown``, what a search pays on top), p50/p95 in ms;
* **folding**: ``--events`` searches spread over 30 days more than 90 days
  ago (four in five one of 60 common searches, the rest from a tail of
  5,000; four filter sets, two sources), folded by ``folding.fold``
  (``--events 0`` skips it).

``DATABASE_URL`` points it at PostgreSQL instead. It prints Markdown tables
and never asserts (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_DIR = Path(os.environ.get("BENCH_DB_DIR", "/tmp/platform-bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-recording", action="store_true", help="Only the folding.")
    args = parser.parse_args()

    DB_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{DB_DIR / f'insight-{args.companies}.sqlite3'}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    from cms.settings.base import redis_caches

    setup_test_environment()
    redis_url = os.environ.get("REDIS_URL", "")
    prefix = f"bench-insight-{uuid.uuid4().hex[:8]}"
    caches = redis_caches(redis_url, key_prefix=prefix) if redis_url else settings.CACHES
    call_command("migrate", verbosity=0, interactive=False)
    with override_settings(CACHES=caches, ALLOWED_HOSTS=["*"], ROOT_URLCONF="bench.urls"):
        try:
            print(
                f"cache: {'Redis' if redis_url else 'local memory'}; "
                f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}\n"
            )
            if not args.no_recording:
                recording_table(args)
            if args.events:
                folding_table(args.events)
        finally:
            from insight import buffer

            buffer.clear()


def recording_table(args) -> None:
    from django.http import QueryDict
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings

    from wagtail import hooks

    from bench.generate import generate_companies
    from bench.run import QUERY_MIX, summary, timed
    from directory.models import CompanyPage, Place, Sector, Skill
    from directory.search import run_search
    from directory.search.indexing import rebuild_database_entries
    from directory.search.models import CompanySearchEntry
    from directory.search.query import parse_search_params
    from directory.shown import PROFILE_SHOWN, SEARCH_SHOWN
    from insight import buffer, flushing, recording

    existing = CompanyPage.objects.count()
    if existing < args.companies:
        with override_settings(DIRECTORY_SEARCH_LIVE_SYNC=False):
            generate_companies(args.companies - existing, seed=args.companies)
    if CompanySearchEntry.objects.count() < CompanyPage.objects.count():
        rebuild_database_entries(progress=False)
    slugs = {
        "skill": Skill.objects.order_by("pk").values_list("slug", flat=True)[0],
        "skill2": Skill.objects.order_by("-pk").values_list("slug", flat=True)[0],
        "sector": Sector.objects.order_by("pk").values_list("slug", flat=True)[0],
        "place": Place.objects.filter(latitude__isnull=False).values_list("slug", flat=True)[0],
    }
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    client = Client(HTTP_USER_AGENT=agent)
    request = RequestFactory().get("/api/v1/directory/search", HTTP_USER_AGENT=agent)
    registered = {name: list(hooks._hooks.get(name, [])) for name in (SEARCH_SHOWN, PROFILE_SHOWN)}

    def insight_off():
        for name in registered:
            hooks._hooks[name] = []

    def insight_on():
        for name, functions in registered.items():
            hooks._hooks[name] = list(functions)

    rows = []
    for kind, queries in QUERY_MIX.items():
        on, off, alone = [], [], []
        for template in queries:
            qs = template.format(**slugs)
            url = f"/api/v1/directory/search?{qs}"
            results = run_search(parse_search_params(QueryDict(qs)))
            # Interleaved, so drift on a busy machine hits both alike.
            for _ in range(4):
                insight_on()
                on += timed(lambda url=url: client.get(url), args.repeat // 4)
                insight_off()
                off += timed(lambda url=url: client.get(url), args.repeat // 4)
            insight_on()
            alone += timed(
                lambda results=results: recording.search_shown(request, results, source="api"),
                args.repeat,
            )
        rows.append((kind, summary(off), summary(on), summary(alone)))
        flushing.flush()  # keep the list short, as the worker would
    insight_on()
    waiting = buffer.waiting()
    print("### Recording: the search API with and without it (ms)\n")
    print(
        "| queries | without p50 | without p95 | with p50 | with p95 | recording alone p50 | p95 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, off, on, alone in rows:
        print(
            f"| {kind} | {off['p50']} | {off['p95']} | {on['p50']} | {on['p95']} "
            f"| {alone['p50']} | {alone['p95']} |"
        )
    print(f"\n({args.repeat} runs per query per column; {waiting} events left unflushed)\n")


def folding_table(events: int) -> None:
    from django.utils import timezone

    from insight import folding
    from insight.models import DailySearchCount, SearchEvent

    SearchEvent.objects.all().delete()
    DailySearchCount.objects.all().delete()
    rng = random.Random(16)
    # As search logs go: most searches are one of a few dozen, the rest a long tail.
    common = ["animation", "vfx", "drone", "colour grading", "sound design", "motion capture"]
    common += [f"common search {n}" for n in range(54)]
    rare = [f"rare search {n}" for n in range(5000)]
    filters = ["", "skill=2d-animation", "sector=games", "place=leek&skill=vfx"]
    start = timezone.now() - datetime.timedelta(days=120)
    started = time.perf_counter()
    batch = []
    for n in range(events):
        batch.append(
            SearchEvent(
                at=start + datetime.timedelta(seconds=rng.randrange(30 * 86400)),
                source="page" if n % 4 else "api",
                text=rng.choice(common if rng.random() < 0.8 else rare),
                filters=rng.choice(filters),
                total=rng.choice((0, 0, 1, 3, 12, 40)),
                backend="database",
                page=1 + (n % 7 == 0),
            )
        )
        if len(batch) == 10_000:
            SearchEvent.objects.bulk_create(batch)
            batch = []
    SearchEvent.objects.bulk_create(batch)
    made = time.perf_counter() - started
    started = time.perf_counter()
    report = folding.fold()
    took = time.perf_counter() - started
    print("### Folding\n")
    print("| events | days | daily counts | fold (s) | events/s | (inserting them took) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {report.events:,} | {report.days} | {report.rows:,} | {took:.1f} "
        f"| {report.events / took:,.0f} | {made:.0f} s |"
    )


if __name__ == "__main__":
    main()
