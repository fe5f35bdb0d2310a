"""Page benchmark: `make bench-pages` (production settings, gunicorn, the demo data).

Starts gunicorn with ``make serve``'s settings and ``cms/gunicorn.conf.py``
(2 sync workers) on ``bench/wsgi.py`` (the site plus a bare 10 KB view, the
reference), then measures each page three ways:

* **cold**: the whole cache emptied before each request (one client): the
  first visitor after a restart;
* **uncached**, one client, the page cache forgotten before each request in
  three ways, from the cheapest for the next view to the dearest:

  - *after an article's publish*: what publishing the latest news article
    does to the caches (``published``): the generation, the article's own
    token and its type's (what is kept from news: the news about a page);
  - *after a member's publish*: the same for a company, whose type's token
    goes with every value kept from the companies (search hits, related
    members, a member's projects);
  - *after a taxonomy change*: a real edit, as an editor's save of a
    snippet: the skill most companies share with the measured profile is
    renamed (``Skill.save()``, a new name for each sample, the old one
    restored after the page's samples). Its receivers run as in
    production, before the request and outside its time: the generation
    and the taxonomy epoch are replaced (what is kept under it goes: a
    profile's skills and sectors, the map of current taxonomy rows; kept
    cards and routes stay, and cards swap in the new name), and its companies'
    search entries are rewritten; renditions and sites stay;

* **warm**: 8 concurrent clients, the page cache full: every visitor after.

For each: requests per second and the time to first byte (median, p95), with
a plain threaded client over ``http.client`` (keep-alive, one connection per
client). It prints a Markdown table and never asserts (docs/benchmarks.md).
Only 127.0.0.1 is ever contacted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

import django  # noqa: E402

django.setup()

from django.core.cache import cache, caches  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

from cms import frame, page_cache  # noqa: E402
from cms.models import NewsPage  # noqa: E402
from cms.routing import page_changed  # noqa: E402
from directory.models import CompanyPage, DirectoryIndexPage, Skill  # noqa: E402
from showcase.models import ProjectPage, ShowcaseIndexPage  # noqa: E402

HOST = "127.0.0.1"


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def targets() -> list[tuple[str, str]]:
    """(label, path) of each page measured, found in the demo data."""
    directory = DirectoryIndexPage.objects.live().first().url
    skills = list(Skill.objects.filter(companies__live=True).distinct()[:2])
    profile = CompanyPage.objects.live().first()
    project = ProjectPage.objects.live().first()
    news = NewsPage.objects.live().order_by("-date").first()
    facets = "&".join(f"skill={s.slug}" for s in skills)
    return [
        ("bare Django view, 10 KB", "/bench/bare-page/"),
        ("home", "/"),
        ("directory", directory),
        ("directory, text + facets", f"{directory}?q=animation&{facets}"),
        ("company profile", profile.url),
        ("showcase", ShowcaseIndexPage.objects.live().first().url),
        ("project", project.url),
        ("news article", news.url),
        ("search API", f"/api/v1/directory/search?q=animation&{facets}"),
    ]


class Client:
    """One keep-alive connection; ``get`` returns the time to the first byte (s)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def get(self, path: str) -> float:
        start = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = self.conn.getresponse()
        ttfb = time.perf_counter() - start
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        return ttfb


def sequential(port: int, path: str, count: int, before) -> tuple[float, list[float]]:
    client = Client(port)
    client.get(path)  # the connection, and the worker's first request
    samples = []
    for _ in range(count):
        before()
        samples.append(client.get(path))
    # One client, one request at a time: its req/s is 1 / the mean time.
    return 1 / statistics.fmean(samples), samples


def concurrent(port: int, path: str, clients: int, per_client: int) -> tuple[float, list[float]]:
    Client(port).get(path)  # fill the cache
    samples: list[float] = []
    lock = threading.Lock()

    def run():
        client = Client(port)
        mine = [client.get(path) for _ in range(per_client)]
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(samples) / (time.perf_counter() - start), samples


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"{HOST}:{port}", "WEB_CONCURRENCY": "2"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "cms/gunicorn.conf.py", "bench.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            Client(port).get("/bench/bare/")
            return server
        except (OSError, SystemExit):
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8011")))
    parser.add_argument("--cold", type=int, default=30, help="requests per page, cold/uncached")
    parser.add_argument("--warm", type=int, default=100, help="requests per client, warm")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    pages = targets()
    article = NewsPage.objects.live().order_by("-date").first()
    company = CompanyPage.objects.live().order_by("-pk").first()
    rename = SkillRename(shared_skill(CompanyPage.objects.live().first()))
    server = start_server(args.port)
    rows = []
    try:
        for number, (label, path) in enumerate(pages, 1):
            print(f"[{number}/{len(pages)}] {label}: {path}", file=sys.stderr, flush=True)
            cold = sequential(args.port, path, args.cold, cache.clear)
            published = sequential(args.port, path, args.cold, lambda: publish(article))
            member = sequential(args.port, path, args.cold, lambda: publish(company))
            try:
                taxonomy = sequential(args.port, path, args.cold, rename)
            finally:
                rename.restore()
            warm = concurrent(args.port, path, args.clients, args.warm)
            rows.append((label, cold, published, member, taxonomy, warm))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\n{datetime.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, cache {caches['default'].__class__.__name__}, "
        f"gunicorn 2 sync workers, {args.clients} clients warm\n"
    )
    print(
        "| page | cold TTFB p50 / p95 | after an article's publish | after a member's publish "
        "| after a taxonomy change | warm req/s | warm TTFB p50 / p95 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")

    def ttfb(samples) -> str:
        p50, p95 = (percentile(samples, p) * 1000 for p in (50, 95))
        return f"{p50:.1f} / {p95:.1f} ms"

    bare_rps = rows[0][-1][0]
    for label, *sequentials, (warm_rps, warm_samples) in rows:
        cells = [ttfb(samples) for _rps, samples in sequentials]
        cells += [f"{warm_rps:,.0f}", ttfb(warm_samples)]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nWarm req/s as a share of the bare view's:")
    for label, *_sequentials, (rps, _samples) in rows[1:]:
        print(f"- {label}: {rps / bare_rps:.0%}")


def publish(page) -> None:
    """What publishing ``page`` does to the caches, without saving it (no revision is made).

    The receivers of a publish that concern caches: the page cache's
    generation, the page's and its type's tokens (``cms.routing``) and, for
    a page that can be in the menu, the site frame (``cms.frame``).
    """
    page_cache.invalidate()
    page_changed(page)
    frame.page_changed(type(page), page)


def shared_skill(profile) -> Skill:
    """The skill of ``profile`` that most live companies have: the directory's cards show it."""
    return (
        # By id: filtering on ``companies`` would join the one the count reads.
        Skill.objects.filter(pk__in=profile.skills.values("pk"))
        .annotate(users=Count("companies", filter=Q(companies__live=True)))
        .order_by("-users", "pk")
        .first()
    )


class SkillRename:
    """Called before each sample: ``skill`` saved with a new name, as an editor renames it."""

    def __init__(self, skill: Skill):
        self.skill = skill
        self.name = skill.name
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        self.skill.name = f"{self.name} {self.count}"
        self.skill.save()

    def restore(self) -> None:
        self.skill.name = self.name
        self.skill.save()


if __name__ == "__main__":
    main()
