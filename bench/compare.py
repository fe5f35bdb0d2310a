"""Two checkouts' search speed, measured in turns: `python bench/compare.py --other PATH`.

On a shared machine the load moves ``bench/run.py``'s figures more than most
changes do. This runs the same query mix (``bench/run.py``'s ``QUERY_MIX``)
through two checkouts of the project at once: one worker process each (this
checkout and ``--other``, each with its own ``.venv``), every request sent to
both, in alternating order, so both see the same moments of load. Both read
the database and the Elasticsearch index that ``bench/run.py --reuse`` left in
``$BENCH_DB_DIR`` (``--size`` companies, index ``$BENCH_INDEX_PREFIX-<size>``).

Prints p50 / p95 in milliseconds per query type, through the API and the
page; asserts nothing. The worker is this file with ``--worker``, run in the
other checkout's directory, so that checkout needs no copy of it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = {"API": "/api/v1/directory/search?", "page": "/directory/?"}


def worker(size: int) -> int:
    """Answer one request per line of stdin (a path) with its time in ms."""
    sys.path.insert(0, str(Path.cwd()))
    db_dir = Path(os.environ.get("BENCH_DB_DIR", "/tmp/platform-bench"))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_dir / f'bench-{size}.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from bench.run import backend_configs
    from directory.search import reset_search_backend

    setup_test_environment()
    prefix = f"{os.environ.get('BENCH_INDEX_PREFIX', 'bench')}-{size}"
    config = backend_configs(os.environ["ELASTICSEARCH_URL"], prefix, {"elasticsearch"})
    with override_settings(
        DIRECTORY_SEARCH_BACKEND=config["elasticsearch"],
        ROOT_URLCONF="bench.urls",
        ALLOWED_HOSTS=["*"],
        DEBUG=False,
    ):
        reset_search_backend()
        client = Client()
        unkept = _unkept()
        print("ready", flush=True)
        for line in sys.stdin:
            unkept()
            started = time.perf_counter()
            response = client.get(line.strip())
            elapsed = (time.perf_counter() - started) * 1000
            print(f"{elapsed:.3f} {response.status_code}", flush=True)
    return 0


def _unkept():
    """Forgets the companies kept for a search (as ``bench/run.py``), where a checkout keeps any."""
    try:
        from cms.page_cache import ROWS_KEY, replace_token, type_key
        from directory.models import CompanyPage
    except ImportError:  # a checkout from before kept hits
        return lambda: None

    def unkept():
        replace_token(type_key(CompanyPage))  # hits kept by type (up to 8c53250)
        replace_token(ROWS_KEY)  # and cards kept per company (directory.models.company_cards)

    return unkept


class Worker:
    def __init__(self, checkout: Path, size: int):
        self.process = subprocess.Popen(
            [str(checkout / ".venv/bin/python"), str(Path(__file__).resolve()), "--worker"]
            + ["--size", str(size)],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker in {checkout} did not start")

    def get(self, path: str) -> float:
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        elapsed, status = self.process.stdout.readline().split()
        if status != "200":
            raise SystemExit(f"{path} answered {status}")
        return float(elapsed)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other", type=Path, help="the checkout to compare with")
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=30, help="samples per query and checkout")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not os.environ.get("ELASTICSEARCH_URL"):
        parser.error("needs ELASTICSEARCH_URL (and the index bench/run.py --reuse built)")
    if args.worker:
        return worker(args.size)
    if args.other is None:
        parser.error("--other is required")

    sys.path.insert(0, str(ROOT))
    db_dir = Path(os.environ.get("BENCH_DB_DIR", "/tmp/platform-bench"))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_dir / f'bench-{args.size}.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    import django

    django.setup()
    from bench.run import QUERY_MIX, query_slugs

    slugs = query_slugs()
    checkouts = {"other": args.other.resolve(), "this": ROOT}
    workers = {name: Worker(path, args.size) for name, path in checkouts.items()}
    print(f"other: {checkouts['other']}; this: {ROOT}; load {os.getloadavg()[0]:.2f}")
    print("\n| via | query type | other p50 / p95 | this p50 / p95 |")
    print("| --- | --- | --- | --- |")
    try:
        for via, prefix in PATHS.items():
            for query_type, templates in QUERY_MIX.items():
                samples = {name: [] for name in workers}
                for template in templates:
                    path = prefix + template.format(**slugs)
                    for turn in range(args.repeat + 2):
                        order = list(workers) if turn % 2 else list(workers)[::-1]
                        for name in order:
                            elapsed = workers[name].get(path)
                            if turn >= 2:  # two warm-ups each
                                samples[name].append(elapsed)
                cells = []
                for name in workers:
                    values = sorted(samples[name])
                    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
                    cells.append(f"{statistics.median(values):.1f} / {p95:.1f}")
                print(f"| {via} | {query_type} | " + " | ".join(cells) + " |", flush=True)
    finally:
        for worker_ in workers.values():
            worker_.close()
    print(f"\nload {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
