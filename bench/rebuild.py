"""Elasticsearch index rebuild benchmark: `python bench/rebuild.py [--sizes 10000,100000]`.

For each size, a throwaway SQLite database of that many companies (the same
generator and folder as ``bench/run.py``; ``--reuse`` keeps them) is indexed
with ``rebuild_directory_index``'s code path, and three figures are printed:

* **prepare**: documents per second that ``company_documents()`` produces from
  the database alone (the reference: what the rebuild could reach if the
  engine were free);
* **rebuild**: documents per second of the full rebuild (prepare, bulk into a
  new index, refresh, alias swap, old index removed);
* **check**: seconds for ``--check`` to compare database and index.

Needs ``ELASTICSEARCH_URL``. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = "10000,100000"


def child(size: int, batch_size: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    from bench.generate import generate_companies
    from directory.models import CompanyPage
    from directory.search.documents import company_documents
    from directory.search.elasticsearch import ElasticsearchBackend

    call_command("migrate", verbosity=0, interactive=False)
    figures: dict = {"size": size, "batch_size": batch_size}
    existing = CompanyPage.objects.count()
    if existing < size:
        started = time.perf_counter()
        with override_settings(DIRECTORY_SEARCH_LIVE_SYNC=False):
            generate_companies(size - existing, seed=size)
        figures["generate_s"] = round(time.perf_counter() - started, 1)

    listed = CompanyPage.objects.listed()
    started = time.perf_counter()
    prepared = sum(1 for _ in company_documents(listed, batch_size=batch_size))
    elapsed = time.perf_counter() - started
    figures["prepare_docs_per_s"] = round(prepared / elapsed)

    backend = ElasticsearchBackend(
        url=os.environ["ELASTICSEARCH_URL"], index_prefix=f"bench-rebuild-{size}"
    )
    try:
        report = backend.index.rebuild(progress=False, batch_size=batch_size)
        figures["documents"] = report.documents
        figures["rebuild_s"] = round(report.seconds, 1)
        figures["rebuild_docs_per_s"] = round(report.per_second)
        started = time.perf_counter()
        check = backend.index.check(batch_size=batch_size)
        figures["check_s"] = round(time.perf_counter() - started, 1)
        figures["check_ok"] = check.ok
    finally:
        backend.index.delete_all()
        backend.close()
    return figures


def main(argv=None) -> int:
    from bench.run import DB_DIR, machine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated company counts")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the databases")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.child, args.batch_size)))
        return 0
    if not os.environ.get("ELASTICSEARCH_URL"):
        sys.stderr.write("Set ELASTICSEARCH_URL (e.g. from `scripts/elasticsearch start`).\n")
        return 2

    DB_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {machine()}")
    print(
        "\n| companies | prepare (docs/s, reference) | rebuild (docs/s) "
        "| rebuild (s) | --check (s) | check ok |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        database = DB_DIR / f"bench-{size}.sqlite3"
        if database.exists() and not args.reuse:
            database.unlink()
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            DJANGO_SETTINGS_MODULE="cms.settings.test",
            PYTHONPATH=str(ROOT),
        )
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(size)]
        command += ["--batch-size", str(args.batch_size)]
        process = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
        if process.returncode != 0:
            sys.stderr.write(process.stderr[-4000:])
            return process.returncode
        row = json.loads(process.stdout.strip().splitlines()[-1])
        print(
            f"| {size:,} | {row['prepare_docs_per_s']:,} | {row['rebuild_docs_per_s']:,} "
            f"| {row['rebuild_s']} | {row['check_s']} | {row['check_ok']} |",
            flush=True,
        )
        if not args.reuse:
            database.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
