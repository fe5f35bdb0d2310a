"""Suite-wide rules. Each app keeps its own fixtures in its own conftest.py.

- Under ``CI=true`` a skipped test is a failure: CI installs every service, so a
  skip there means something is missing, not optional. The reason is shown.
- A test marked ``postgres`` or ``sqlite`` is about that database's own
  locking; CI runs the suite once on each, so on the other database it is
  deselected (counted as such, not skipped).
- Browser journeys (tests/e2e) run last: they are the slowest, and Playwright's
  event loop must not be running while ordinary database tests run.
- ``elasticsearch_url``: the server ``make test`` starts (``ELASTICSEARCH_URL``).
- ``redis_url`` likewise (``REDIS_URL``, scripts/redis); ``redis_cache`` puts
  production's caches on that server for one test, under a key prefix of its
  own that is deleted afterwards (never FLUSHDB: other runs may share it);
  ``redis_calls`` records what reaches Redis through them.
- Every test starts with an empty cache: the database a test sees is rolled
  back afterwards, so nothing cached from it (the site frame, rate-limit
  counters) may leak into the next.
"""

from __future__ import annotations

import os
import uuid

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("e2e") is not None or "e2e" in item.path.parts


DATABASE_MARKERS = {"postgres": "postgresql", "sqlite": "sqlite"}  # marker: connection.vendor


def _for_another_database(item: pytest.Item) -> bool:
    wanted = {vendor for name, vendor in DATABASE_MARKERS.items() if item.get_closest_marker(name)}
    if not wanted:
        return False
    from django.db import connection

    return connection.vendor not in wanted


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    other = [item for item in items if _for_another_database(item)]
    if other:
        config.hook.pytest_deselected(items=other)
        dropped = {id(item) for item in other}
        items[:] = [item for item in items if id(item) not in dropped]
    # A stable sort: everything else first, in its usual order, then e2e.
    items.sort(key=_is_browser_test)


def _fail_skip(report, when: str) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = f"skipped {when} under CI=true, which is not allowed: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        _fail_skip(report, "at collection")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        _fail_skip(report, f"in {report.when}")


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _service_url(variable: str, script: str) -> str:
    """The URL in ``variable``; skips (fails under CI) when it is unset."""
    url = os.environ.get(variable, "").strip()
    if not url:
        pytest.skip(
            f"{variable} is not set: run `make test` (it starts scripts/{script}) "
            "or export the URL of a test server"
        )
    return url


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    """The Elasticsearch to test against."""
    return _service_url("ELASTICSEARCH_URL", "elasticsearch").rstrip("/")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis to test against."""
    return _service_url("REDIS_URL", "redis")


@pytest.fixture
def redis_cache(settings, redis_url):
    """Production's caches (``default`` and ``renditions``) on the real Redis."""
    # Here, not at the top: tests/test_suite_rules.py runs this file outside
    # the project, where neither is needed.
    import redis

    from cms.settings.base import redis_caches

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = redis_caches(redis_url, key_prefix=prefix)
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_calls(redis_cache, monkeypatch):
    """Every read and write that reaches Redis through ``redis_cache``'s caches.

    A list of ``(cache, method, keys)``: ``cache`` is "renditions" for Wagtail's
    rendition cache (``cms.cache.RenditionCache``), else "default"; ``method``
    one of get, get_many, set, set_many; ``keys`` the keys it was given.
    """
    from cms.cache import RenditionCache, ResilientRedisCache  # as in redis_cache

    calls = []
    for name in ("get", "get_many", "set", "set_many"):
        method = getattr(ResilientRedisCache, name)

        def spy(self, first, *args, _name=name, _method=method, **kwargs):
            keys = list(first) if _name in ("get_many", "set_many") else [first]
            cache = "renditions" if isinstance(self, RenditionCache) else "default"
            calls.append((cache, _name, keys))
            return _method(self, first, *args, **kwargs)

        monkeypatch.setattr(ResilientRedisCache, name, spy)
    return calls
