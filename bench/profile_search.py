"""Where one API search's time goes: `python bench/profile_search.py [--repeat 10]`.

Runs the query mix of ``bench/run.py`` through ``/api/v1/directory/search``
on a database ``bench/run.py --reuse`` built and left in ``$BENCH_DB_DIR``
(100,000 companies by default, ``--size``), on Elasticsearch (its index too
must exist: ``bench/run.py`` builds it). Each request's time is split into

* **took**: what Elasticsearch says it spent on the search,
* **es**: the whole round trip of the search request (took + transport and
  JSON on both sides),
* **sql**: the statements Django ran (count and time), whatever the step,
* **hydrate**: loading the page of hits (``results.hydrate_hits``, its SQL
  included),
* **payload**: turning the results into the API's dict (``search_payload``),
* **total**: the whole request through Django's test client; what is left
  (total minus es, hydrate and payload) is parsing, facets, pins, spelling,
  ninja's validation and rendering of the response.

Medians over ``--repeat`` requests per query after two warm-ups, per query
type, in milliseconds. A tool for finding the slow part, not a benchmark:
``bench/run.py`` is the benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    db_dir = Path(os.environ.get("BENCH_DB_DIR", "/tmp/platform-bench"))
    database = db_dir / f"bench-{args.size}.sqlite3"
    es_url = os.environ.get("ELASTICSEARCH_URL")
    if not database.exists() or not es_url:
        parser.error(f"needs {database} (bench/run.py --reuse) and ELASTICSEARCH_URL")
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    from bench.run import QUERY_MIX, backend_configs, index_prefix, query_slugs
    from directory import api
    from directory.search import elasticsearch, get_search_backend, pins, reset_search_backend

    setup_test_environment()
    config = backend_configs(es_url, index_prefix(args.size), {"elasticsearch"})["elasticsearch"]

    slugs = query_slugs()

    spent: dict[str, float] = {}

    def timing(name, fn):
        def wrapped(*a, **kw):
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - started) * 1000

        return wrapped

    with override_settings(
        DIRECTORY_SEARCH_BACKEND=config, ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"]
    ):
        reset_search_backend()
        backend = get_search_backend()
        original_search = backend.client.search

        def search(*a, **kw):
            started = time.perf_counter()
            response = original_search(*a, **kw)
            spent["es"] = spent.get("es", 0.0) + (time.perf_counter() - started) * 1000
            spent["took"] = spent.get("took", 0.0) + response["took"]
            return response

        backend.client.search = search
        elasticsearch.hydrate_hits = timing("hydrate", elasticsearch.hydrate_hits)
        pins.hydrate_hits = timing("hydrate", pins.hydrate_hits)
        api.search_payload = timing("payload", api.search_payload)

        def sql(execute, *a, **kw):
            spent["sql_n"] = spent.get("sql_n", 0) + 1
            return timing("sql", execute)(*a, **kw)

        client = Client()
        columns = ["took", "es", "sql_n", "sql", "hydrate", "payload", "rest", "total"]
        print("| query type | query | " + " | ".join(columns) + " |")
        print("| --- | --- | " + " | ".join("---" for _ in columns) + " |")
        for query_type, templates in QUERY_MIX.items():
            for template in templates:
                qs = template.format(**slugs)
                rows = []
                for attempt in range(args.repeat + 2):
                    spent.clear()
                    with connection.execute_wrapper(sql):
                        started = time.perf_counter()
                        response = client.get(f"/api/v1/directory/search?{qs}")
                        total = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, response.content[:300]
                    assert response.json()["backend"] == "elasticsearch"
                    if attempt < 2:
                        continue
                    row = dict(spent)
                    row["total"] = total
                    row["rest"] = total - sum(row.get(k, 0.0) for k in ("es", "hydrate", "payload"))
                    rows.append(row)
                cells = [f"{statistics.median(r.get(c, 0.0) for r in rows):.1f}" for c in columns]
                print(f"| {query_type} | `{qs}` | " + " | ".join(cells) + " |", flush=True)
        reset_search_backend()
    return 0


if __name__ == "__main__":
    sys.exit(main())
