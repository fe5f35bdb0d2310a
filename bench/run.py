"""Directory search benchmark: `make bench` or `python bench/run.py [--sizes 1000,10000]`.

For each size it builds (or reuses, with ``--reuse``) a throwaway SQLite
database of that many companies, then runs a fixed query mix — text only,
facets only, text and facets, near with a radius — through:

* the backend directly (parse + search + hydrate the page of hits),
* Django's test client end to end: the directory page and the JSON API,

for every available backend (the database always; Elasticsearch too when
``ELASTICSEARCH_URL`` is set). A bare Django view is measured in the same run
as the reference, so figures can be compared across noisy machines. It prints
p50/p95 in milliseconds and never asserts anything (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = "1000,10000,100000"
DB_DIR = Path(os.environ.get("BENCH_DB_DIR", "/tmp/platform-bench"))

# The fixed query mix: type -> query strings. {skill}, {sector}, {place} are
# filled with real slugs of the benchmark database.
QUERY_MIX = {
    "text only": ["q=animation", "q=colour+grading", "q=kiln+studio"],
    "facets only": ["skill={skill}", "skill={skill}&skill={skill2}&sector={sector}"],
    "text + facets": ["q=animation&sector={sector}", "q=studio&skill={skill}&place={place}"],
    "near + radius": [
        "near={place}&radius=10&sort=distance",
        "q=animation&near={place}&radius=25",
    ],
}


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, repeat: int, before=None) -> list[float]:
    """``repeat`` timings of ``fn()`` in ms after two warm-ups; ``before()`` runs untimed first."""
    for _ in range(2):  # warm caches, renditions, connections
        fn()
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict:
    return {"p50": round(statistics.median(samples), 2), "p95": round(percentile(samples, 95), 2)}


def index_prefix(size: int) -> str:
    """``bench-<size>``, or ``$BENCH_INDEX_PREFIX-<size>`` to keep apart from another run's."""
    return f"{os.environ.get('BENCH_INDEX_PREFIX', 'bench')}-{size}"


def backend_configs(es_url: str | None, index_prefix: str, only: set[str] | None) -> dict:
    """name -> DIRECTORY_SEARCH_BACKEND for every backend to measure (Elasticsearch if a URL)."""
    # Imported here: the callers run this after django.setup().
    from directory.search import DATABASE_BACKEND, ELASTICSEARCH_BACKEND

    backends = {"database": {"BACKEND": DATABASE_BACKEND}}
    if es_url:
        backends["elasticsearch"] = {
            "BACKEND": ELASTICSEARCH_BACKEND,
            "URLS": [es_url],
            "INDEX_PREFIX": index_prefix,
        }
    if only:
        backends = {name: config for name, config in backends.items() if name in only}
    return backends


def query_slugs() -> dict[str, str]:
    """The real slugs ``QUERY_MIX`` is filled with (after django.setup())."""
    from directory.models import Place, Sector, Skill

    def slug(model, preferred):
        for candidate in preferred:
            if model.objects.filter(slug=candidate).exists():
                return candidate
        return model.objects.order_by("pk").values_list("slug", flat=True)[0]

    return {
        "skill": slug(Skill, ["compositing", "2d-animation"]),
        "skill2": slug(Skill, ["stop-motion", "colour-grading"]),
        "sector": slug(Sector, ["games", "film"]),
        "place": slug(Place, ["stoke-on-trent"]),
    }


# -- child: one size, one database ---------------------------------------------


def index_is_complete() -> bool:
    """Whether the Elasticsearch index holds as many companies as are listed (``--reuse-index``).

    A count, not ``rebuild_directory_index --check`` (which prepares every
    document again): enough for a database the benchmark alone writes.
    """
    from directory.models import CompanyPage
    from directory.search import get_search_backend

    backend = get_search_backend()
    try:
        indexed = backend.client.count(index=backend.alias)["count"]
    except Exception:  # no index yet, or no server: rebuild (which says why if it fails)
        return False
    return indexed == CompanyPage.objects.listed().count()


def child(size: int, repeat: int, only: set[str] | None = None, reuse_index=False) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from bench.generate import generate_companies
    from cms.page_cache import ROWS_KEY, replace_token
    from directory.models import CompanyPage
    from directory.search import reset_search_backend, run_search
    from directory.search.indexing import rebuild_database_entries
    from directory.search.models import CompanySearchEntry
    from directory.search.query import parse_search_params

    setup_test_environment()
    timings: dict = {"size": size, "build": {}}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["build"]["migrate_s"] = round(time.perf_counter() - started, 1)

    existing = CompanyPage.objects.count()
    if existing < size:
        started = time.perf_counter()
        with override_settings(DIRECTORY_SEARCH_LIVE_SYNC=False):
            generate_companies(size - existing, seed=size)
        timings["build"]["generate_s"] = round(time.perf_counter() - started, 1)
    # Entries are rebuilt whenever they lag behind (a reused database killed mid-build).
    if CompanySearchEntry.objects.count() < CompanyPage.objects.count():
        started = time.perf_counter()
        written = rebuild_database_entries(progress=False)
        elapsed = time.perf_counter() - started
        timings["build"]["database_entries_s"] = round(elapsed, 1)
        timings["build"]["database_entries_per_s"] = round(written / elapsed)

    slugs = query_slugs()

    def unkept():
        # Every sample loads its hits: the cards kept for an earlier search
        # (directory.models.company_cards) are forgotten as an image change
        # forgets them (the rows epoch), so a repeated query measures the
        # search and its hydration, not the cache.
        replace_token(ROWS_KEY)

    backends = backend_configs(os.environ.get("ELASTICSEARCH_URL"), index_prefix(size), only)

    client = Client()
    results: dict = {"reference": {}, "backends": {}}
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        results["reference"] = summary(timed(lambda: client.get("/bench/bare/"), repeat * 3))
        for name, config in backends.items():
            with override_settings(DIRECTORY_SEARCH_BACKEND=config):
                reset_search_backend()
                if name != "database" and not (reuse_index and index_is_complete()):
                    started = time.perf_counter()
                    call_command("rebuild_directory_index", verbosity=0)
                    elapsed = time.perf_counter() - started
                    timings["build"][f"{name}_rebuild_s"] = round(elapsed, 1)
                    timings["build"][f"{name}_docs_per_s"] = round(size / elapsed)
                per_type = {}
                for query_type, queries in QUERY_MIX.items():
                    samples = {"backend": [], "page": [], "api": []}
                    totals = []
                    for template in queries:
                        qs = template.format(**slugs)

                        def direct(qs=qs):
                            return run_search(parse_search_params(QueryDict(qs)))

                        totals.append(direct().total)
                        samples["backend"] += timed(direct, repeat, unkept)
                        samples["page"] += timed(
                            lambda qs=qs: client.get(f"/directory/?{qs}"), repeat, unkept
                        )
                        samples["api"] += timed(
                            lambda qs=qs: client.get(f"/api/v1/directory/search?{qs}"),
                            repeat,
                            unkept,
                        )
                    per_type[query_type] = {
                        key: summary(values) for key, values in samples.items()
                    } | {"hits": totals}
                results["backends"][name] = per_type
        reset_search_backend()
    timings["results"] = results
    timings["database"] = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return timings


# -- parent: sizes, processes, tables ------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}; {platform.system()} {platform.release()}"
    )


def print_table(result: dict, out=sys.stdout) -> None:
    size = result["size"]
    ref = result["results"]["reference"]
    out.write(f"\n### {size:,} companies\n\n")
    build = ", ".join(f"{k} {v}" for k, v in result["build"].items())
    out.write(f"Build: {build}\n\n")
    out.write(f"Reference (bare Django view): p50 {ref['p50']} ms, p95 {ref['p95']} ms\n\n")
    out.write("| backend | query type | hits | direct p50/p95 | page p50/p95 | API p50/p95 |\n")
    out.write("| --- | --- | --- | --- | --- | --- |\n")
    for backend, per_type in result["results"]["backends"].items():
        for query_type, row in per_type.items():
            cells = [f"{row[k]['p50']} / {row[k]['p95']}" for k in ("backend", "page", "api")]
            hits = ", ".join(f"{n:,}" for n in row["hits"])
            out.write(f"| {backend} | {query_type} | {hits} | " + " | ".join(cells) + " |\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated company counts")
    parser.add_argument("--repeat", type=int, default=0, help="samples per query (default by size)")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the databases")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="with --reuse: keep a search index that matches the database (no rebuild)",
    )
    parser.add_argument("--json", help="also write all figures to this file")
    parser.add_argument(
        "--backends",
        default="",
        help="comma-separated: database, elasticsearch (default: every available one)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    only = {b.strip() for b in args.backends.split(",") if b.strip()}
    unknown = only - {"database", "elasticsearch"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if "elasticsearch" in only and not os.environ.get("ELASTICSEARCH_URL"):
        parser.error("elasticsearch needs ELASTICSEARCH_URL (`make bench` starts a server)")
    if args.child:
        print(json.dumps(child(args.child, args.repeat, only, args.reuse_index)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    DB_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {machine()}")
    everything = []
    for size in sizes:
        database = DB_DIR / f"bench-{size}.sqlite3"
        if database.exists() and not args.reuse:
            database.unlink()
        repeat = args.repeat or (30 if size <= 1000 else 20 if size <= 10000 else 10)
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            DJANGO_SETTINGS_MODULE="cms.settings.test",
            PYTHONPATH=str(ROOT),
        )
        print(f"\nBuilding and measuring {size:,} companies ({repeat} samples per query)...")
        started = time.perf_counter()
        process = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                str(size),
                "--repeat",
                str(repeat),
                "--backends",
                args.backends,
                *(["--reuse-index"] if args.reuse and args.reuse_index else []),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if process.returncode != 0:
            sys.stderr.write(process.stderr[-4000:])
            return process.returncode
        result = json.loads(process.stdout.strip().splitlines()[-1])
        result["wall_s"] = round(time.perf_counter() - started, 1)
        everything.append(result)
        print_table(result)
        if not args.reuse:
            database.unlink(missing_ok=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "runs": everything}, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
