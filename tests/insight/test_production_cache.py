"""Recording on production's cache: Redis, the page cache, an outage, and the worker."""

import socket

from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from cms.cache import ResilientRedisCache
from cms.settings.base import redis_caches
from insight import buffer, tasks
from insight.models import CompanyDailyCount, SearchEvent
from tests.directory.factories import company, directory_index, home_page
from tests.worker import committed

from .conftest import BROWSER

WRITE = ("INSERT", "UPDATE", "DELETE", "BEGIN", "SAVEPOINT")


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def studios():
    home_page()
    directory_index().save_revision().publish()
    return company("Kiln Animation", skills=["Stop motion"], sectors=["Broadcast"])


@pytest.mark.django_db
def test_pages_served_from_the_page_cache_are_counted_and_write_nothing(redis_cache, page_cache_on):
    kiln = studios()
    browser = Client(HTTP_USER_AGENT=BROWSER)
    crawler = Client(HTTP_USER_AGENT="Googlebot/2.1")
    for url in ("/directory/?q=stop+motion", kiln.url):
        assert browser.get(url)["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        for url in ("/directory/?q=stop+motion", kiln.url):
            for _ in range(2):
                response = browser.get(url)
                assert response["X-Page-Cache"] == "hit"
            assert crawler.get(url)["X-Page-Cache"] == "hit"  # served, not counted
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITE)] == []
    assert buffer.waiting() == 6  # on Redis, where another process's worker reads them
    call_command("flush_insight", verbosity=0)
    assert SearchEvent.objects.filter(text="stop motion", total=1).count() == 3
    row = CompanyDailyCount.objects.get(company=kiln)
    assert (row.views, row.appearances) == (3, 3)


@pytest.fixture
def redis_down(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{port}/0", key_prefix="outage")
    ResilientRedisCache._last_report = 0.0
    buffer.clear_outage()
    yield caches["default"]
    buffer.clear_outage()


@pytest.mark.django_db
def test_searches_answer_while_recording_cannot(redis_down, client):
    kiln = studios()
    browser = Client(HTTP_USER_AGENT=BROWSER)
    for url in ("/directory/?q=stop+motion", "/api/v1/directory/search?q=stop", kiln.url):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert b"Kiln Animation" in response.content
    assert buffer.send_pending() == 0  # the sender thread's write fails quietly
    assert buffer.push({"kind": "view", "company": kiln.pk}) is False  # paused
    with pytest.raises(buffer.BufferUnavailable):
        buffer.peek(10)


@pytest.mark.django_db
def test_a_failing_recorder_never_fails_the_search(browser, monkeypatch):
    from insight import recording

    def broken(*args, **kwargs):
        raise RuntimeError("recording is broken")

    monkeypatch.setattr(recording, "search_event", broken)
    kiln = studios()
    assert browser.get("/directory/?q=stop").status_code == 200
    assert browser.get("/api/v1/directory/search?q=stop").json()["total"] == 1
    assert browser.get(kiln.url).status_code == 200


@committed
def test_the_worker_flushes_and_schedules_its_next_flush(redis_cache, task_worker):
    kiln = studios()
    task_worker.run()  # the index writes of publishing them
    browser = Client(HTTP_USER_AGENT=BROWSER)
    browser.get("/directory/?q=stop+motion")
    browser.get(kiln.url)
    call_command("flush_insight", queue=True, verbosity=0)
    call_command("flush_insight", queue=True, verbosity=0)  # cron again: still one task
    assert task_worker.queued("flush_insight_events").count() == 1
    assert SearchEvent.objects.count() == 0
    assert task_worker.run() == 1
    assert SearchEvent.objects.get().text == "stop motion"
    assert CompanyDailyCount.objects.get(company=kiln).views == 1
    assert buffer.waiting() == 0
    # It has deferred its own next run, and that run flushes what came since.
    assert task_worker.queued("flush_insight_events").count() == 1
    browser.get(kiln.url)
    assert task_worker.run(including_deferred=True) == 1
    assert CompanyDailyCount.objects.get(company=kiln).views == 2
    assert tasks.start() is True


def test_the_sender_thread_writes_to_redis_without_being_asked(redis_cache):
    import time

    assert buffer.push({"kind": "view", "company": 1, "at": 0}) is True
    client, key = buffer._redis(caches["default"])
    deadline = time.monotonic() + 5
    while client.llen(key) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the request queued it; the thread writes it within half a second
    assert client.llen(key) == 1
