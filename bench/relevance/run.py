"""Directory search relevance: `make bench-relevance` or `python bench/relevance/run.py`.

Seeds a throwaway SQLite database with the demo site (``seed_demo``: the 60
curated companies, no synthetic ones), then runs every judged query in
``judgments.toml`` through the public search entry point (``parse_search_params``
and ``run_search``, as the page and the API do) on every available backend:
the database always, and Elasticsearch when ``ELASTICSEARCH_URL`` is set (into
an index under a unique prefix, deleted afterwards). A naive reference (every
word a case-insensitive substring of the company's text, ranked by match
count) is measured in the same run. Prints nDCG@10, P@3, R@10 and the number
of zero-result queries per kind of query for each, side by side, and lists the
queries that found nothing. Asserts nothing (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
JUDGMENTS = HERE / "judgments.toml"
KINDS = ("plain", "typo", "synonym", "spelling", "stemming", "place", "vocabulary", "name")


def load_judgments(path: Path = JUDGMENTS) -> list[dict]:
    """The judged queries: dicts with ``kind``, ``q`` and ``judged`` (slug -> grade)."""
    queries = tomllib.loads(path.read_text())["query"]
    for query in queries:
        if query["kind"] not in KINDS:
            raise ValueError(f"{query['q']!r}: unknown kind {query['kind']!r}")
        if any(grade not in (0, 1, 2) for grade in query["judged"].values()):
            raise ValueError(f"{query['q']!r}: grades are 0, 1 or 2")
    return queries


def log(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


# -- child: one database, every backend ----------------------------------------


def company_texts() -> dict[str, str]:
    """slug -> everything a listed company says about itself, for the naive reference.

    Built from the models, not from the search code, so the reference does not
    move when the analysis does: name, strapline, about, skills and their
    groups, sectors, town, credits and the showcase projects it took part in.
    """
    # Function-level imports in this file: models load only after django.setup(),
    # and bench.* only once the script has put the repository on sys.path.
    from django.utils.html import strip_tags

    from directory.models import CompanyPage
    from showcase.models import ProjectCompany

    projects = defaultdict(list)
    for link in ProjectCompany.objects.select_related("project"):
        project = link.project
        projects[link.company_id] += [project.title, strip_tags(project.synopsis), link.role]
    texts = {}
    companies = CompanyPage.objects.listed().select_related("place")
    for company in companies.prefetch_related("skills__group", "sectors", "credits"):
        parts = [company.title, company.strapline, strip_tags(company.about)]
        parts += [f"{s.name} {s.group.name}" for s in company.skills.all()]
        parts += [s.name for s in company.sectors.all()]
        parts.append(company.place.name if company.place_id else "")
        parts += [f"{c.production} {c.client} {c.role}" for c in company.credits.all()]
        parts += projects.get(company.pk, [])
        texts[company.slug] = " ".join(parts)
    return texts


def measure(queries: list[dict], ranker, label: str) -> list[dict]:
    from bench.relevance.scoring import score_query  # see company_texts

    rows = []
    for query in tqdm(queries, desc=label, unit="query", file=sys.stderr):
        ranked, total, answered_by = ranker(query["q"])
        rows.append(
            {"kind": query["kind"], "q": query["q"], "top": ranked[:10], "total": total}
            | {"answered_by": answered_by}
            | score_query(ranked, query["judged"], total)
        )
    return rows


def child(elasticsearch_url: str, only: set[str]) -> dict:
    import django

    django.setup()
    # Everything below needs Django set up (see company_texts).
    from django.core.management import call_command
    from django.http import QueryDict
    from django.test.utils import override_settings
    from django.utils.http import urlencode

    from bench.relevance.scoring import naive_rank
    from bench.run import backend_configs
    from directory.search import (
        DATABASE_BACKEND,
        get_search_backend,
        reset_search_backend,
        run_search,
    )
    from directory.search.indexing import rebuild_database_entries
    from directory.search.query import parse_search_params

    queries = load_judgments()
    media = tempfile.mkdtemp(prefix="relevance-media-")
    database = {"BACKEND": DATABASE_BACKEND}
    with override_settings(MEDIA_ROOT=media, DIRECTORY_SEARCH_BACKEND=database):
        started = time.perf_counter()
        log("Migrating the throwaway database...")
        call_command("migrate", verbosity=0, interactive=False)
        log("Seeding the demo site (60 curated companies)...")
        call_command("seed_demo", companies=60, stdout=sys.stderr)
        rebuild_database_entries(progress=False)
        build_s = round(time.perf_counter() - started, 1)

    texts = company_texts()
    results: dict = {"build_s": build_s, "companies": len(texts), "runs": {}}

    def reference(text):
        ranked = naive_rank(text, texts)
        return ranked, len(ranked), "reference"

    results["runs"]["reference"] = measure(queries, reference, "reference")

    backends = backend_configs(elasticsearch_url, f"relevance-{uuid.uuid4().hex[:12]}", only)

    def engine(text):
        params = QueryDict(urlencode({"q": text, "page_size": 10}))
        answer = run_search(parse_search_params(params))
        return [hit.page.slug for hit in answer.hits], answer.total, answer.backend

    for name, config in backends.items():
        with override_settings(MEDIA_ROOT=media, DIRECTORY_SEARCH_BACKEND=config):
            reset_search_backend()
            backend = get_search_backend()
            try:
                if name != "database":
                    log(f"Indexing into {config['INDEX_PREFIX']}-companies...")
                    backend.rebuild(progress=False)
                results["runs"][name] = measure(queries, engine, name)
            finally:
                if name != "database":
                    backend.index.delete_all()
                    log(f"Deleted the {config['INDEX_PREFIX']} indices")
            reset_search_backend()
    return results


# -- parent: process and tables -------------------------------------------------


def table(results: dict, queries: list[dict], out=sys.stdout) -> None:
    from bench.relevance.scoring import summarise  # see company_texts

    runs = results["runs"]
    names = list(runs)
    out.write(f"\n{results['companies']} listed companies, {len(queries)} judged queries\n\n")
    head = " | ".join(f"{name} nDCG@10 / P@3 / R@10 / zero" for name in names)
    out.write(f"| kind | queries | {head} |\n")
    out.write("| --- | --- |" + " --- |" * len(names) + "\n")
    for kind in (*KINDS, "all"):
        cells = []
        for name in names:
            rows = [r for r in runs[name] if kind in ("all", r["kind"])]
            s = summarise(rows)
            cells.append(f"{s['ndcg10']:.2f} / {s['p3']:.2f} / {s['r10']:.2f} / {s['zero']}")
        count = sum(1 for q in queries if kind in ("all", q["kind"]))
        label = f"**{kind}**" if kind == "all" else kind
        out.write(f"| {label} | {count} | " + " | ".join(cells) + " |\n")
    for name in names:
        zero = [r["q"] for r in runs[name] if r["zero"]]
        out.write(f"\nZero results, {name} ({len(zero)}): {', '.join(zero) or 'none'}\n")
        fell_back = [r["q"] for r in runs[name] if r["answered_by"] not in (name, "reference")]
        if fell_back:
            out.write(f"  answered by another backend (engine down?): {', '.join(fell_back)}\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backends",
        default="",
        help="comma-separated: database, elasticsearch (default: every available one)",
    )
    parser.add_argument("--json", help="also write every query's figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    only = {b.strip() for b in args.backends.split(",") if b.strip()}
    unknown = only - {"database", "elasticsearch"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    es_url = os.environ.get("RELEVANCE_ELASTICSEARCH_URL", "")
    if args.child:
        print(json.dumps(child(es_url, only)))
        return 0

    es_url = os.environ.get("ELASTICSEARCH_URL", "")
    if "elasticsearch" in only and not es_url:
        parser.error("elasticsearch needs ELASTICSEARCH_URL")
    queries = load_judgments()
    with tempfile.TemporaryDirectory(prefix="relevance-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "ELASTICSEARCH_URL"}
        # The child's own settings must not point at a shared index while it
        # seeds: the engine's address travels under another name.
        env |= {
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'relevance.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "PYTHONPATH": str(ROOT),
            "RELEVANCE_ELASTICSEARCH_URL": es_url,
        }
        command = [sys.executable, str(Path(__file__).resolve()), "--child"]
        command += ["--backends", args.backends]
        started = time.perf_counter()
        process = subprocess.run(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
        )
        if process.returncode != 0:
            return process.returncode
    results = json.loads(process.stdout.strip().splitlines()[-1])
    print(f"Seeded in {results['build_s']} s; whole run {time.perf_counter() - started:.0f} s")
    table(results, queries)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
