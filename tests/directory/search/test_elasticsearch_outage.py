"""Outages of a real server: its process is stopped by PID (or frozen), never faked.

A private node (``private_elasticsearch``) is used so that stopping it does
not disturb the shared server other tests use.
"""

from __future__ import annotations

import io
import logging
import time

from django.core.management import CommandError, call_command
from django.test import override_settings

import pytest

from directory.search import get_search_backend
from directory.search.elasticsearch import ElasticsearchBackend
from directory.search.models import PendingIndexUpdate
from directory.search.query import parse_search_params
from tests.directory.factories import company
from tests.directory.search.elasticsearch_support import (
    backend_config,
    private_elasticsearch_server,
)
from tests.form_html import rendered_form

pytestmark = pytest.mark.elasticsearch

COOLDOWN = 1.0


@pytest.fixture(scope="module")
def private_elasticsearch():
    yield from private_elasticsearch_server()


@pytest.fixture
def backend(private_elasticsearch):
    config = backend_config(private_elasticsearch.url, COOLDOWN=COOLDOWN, TIMEOUT=2.0)
    instance = ElasticsearchBackend(**{k.lower(): v for k, v in config.items() if k != "BACKEND"})
    yield instance
    if private_elasticsearch.pid is None:
        private_elasticsearch.start()
    instance.index.delete_all()
    instance.close()


def search(backend, text):
    return backend.search(parse_search_params({"q": text}))


def test_a_frozen_server_times_out_and_the_database_answers(backend, private_elasticsearch, db):
    page = company("Frozen Frames", strapline="Stop motion")
    backend.update_companies([page.pk])
    backend.refresh()
    assert search(backend, "frozen").backend == "elasticsearch"
    private_elasticsearch.pause()
    try:
        started = time.monotonic()
        results = search(backend, "frozen")
        assert results.backend == "database"
        assert [hit.title for hit in results.hits] == ["Frozen Frames"]
        assert time.monotonic() - started < 6  # the short timeout, not the client's default
        # While the breaker is open nobody waits for the timeout again.
        started = time.monotonic()
        assert search(backend, "frozen").backend == "database"
        assert time.monotonic() - started < 0.5
    finally:
        private_elasticsearch.resume()
    time.sleep(COOLDOWN + 0.2)
    assert search(backend, "frozen").backend == "elasticsearch"


def test_stopped_server_reads_fall_back_writes_wait_and_both_recover(
    backend, private_elasticsearch, db, caplog
):
    kiln = company("Kiln Animation", strapline="Character animation")
    backend.update_companies([kiln.pk])
    backend.refresh()
    assert search(backend, "kiln").backend == "elasticsearch"

    private_elasticsearch.stop()
    caplog.set_level(logging.WARNING, logger="directory.search.elasticsearch")

    # Reads: the database answers, says so, and the failure is logged.
    results = search(backend, "kiln")
    assert results.backend == "database"
    assert [hit.title for hit in results.hits] == ["Kiln Animation"]
    assert any("could not search" in record.getMessage() for record in caplog.records)
    assert [s.label for s in backend.suggest("kil")] == ["Kiln Animation"]

    # Writes: nothing raises, the change is kept.
    newcomer = company("Saggar Studio", strapline="Games art")
    backend.update_companies([newcomer.pk])
    time.sleep(COOLDOWN + 0.1)  # past the cool-down the engine is tried (and fails) again
    backend.update_companies([newcomer.pk, kiln.pk])
    pending = {row.company_id: row for row in PendingIndexUpdate.objects.all()}
    assert set(pending) == {newcomer.pk, kiln.pk}
    assert pending[newcomer.pk].attempts == 2
    assert "Connection" in pending[newcomer.pk].last_error
    with (
        pytest.raises(CommandError),
        override_settings(
            DIRECTORY_SEARCH_BACKEND={
                "BACKEND": "directory.search.elasticsearch.ElasticsearchBackend",
                "URL": private_elasticsearch.url,
                "INDEX_PREFIX": backend.index.prefix,
                "TIMEOUT": 2.0,
            }
        ),
    ):
        call_command("retry_index_updates", stdout=io.StringIO())
    assert PendingIndexUpdate.objects.count() == 2

    # The same process, no restart: once the server is back and the cool-down
    # is over, the next search goes to Elasticsearch. A visitor's search never
    # catches up on writes: they stay pending until the worker's task runs.
    private_elasticsearch.start()
    time.sleep(COOLDOWN + 0.1)
    assert search(backend, "kiln").backend == "elasticsearch"
    assert PendingIndexUpdate.objects.count() == 2
    assert backend.write_pending() == 2  # what the worker's task does
    assert PendingIndexUpdate.objects.count() == 0
    backend.refresh()
    results = search(backend, "saggar")
    assert results.backend == "elasticsearch"
    assert [hit.title for hit in results.hits] == ["Saggar Studio"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editors_saves_succeed_while_stopped_and_reach_the_index_later(private_elasticsearch):
    config = backend_config(private_elasticsearch.url, COOLDOWN=COOLDOWN, TIMEOUT=2.0)
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        backend = get_search_backend()
        try:
            page = company("Outage Films", strapline="Before the outage")
            backend.refresh()
            assert backend.index.check().ok

            private_elasticsearch.stop()
            page.strapline = "Changed during the outage"
            page.save_revision().publish()  # committed; the after-commit write fails quietly
            unpublished = company("Withdrawn Films")
            unpublished.unpublish()
            assert set(PendingIndexUpdate.objects.values_list("company_id", flat=True)) == {
                page.pk,
                unpublished.pk,
            }

            private_elasticsearch.start()
            time.sleep(COOLDOWN + 0.1)
            out = io.StringIO()
            call_command("retry_index_updates", stdout=out)
            assert "Wrote 2 of 2" in out.getvalue()
            assert PendingIndexUpdate.objects.count() == 0
            report = backend.index.check()
            assert report.ok, report
            source = backend.client.get(index=backend.alias, id=page.pk)["_source"]
            assert source["strapline"] == "Changed during the outage"
        finally:
            if private_elasticsearch.pid is None:
                private_elasticsearch.start()
            backend.index.delete_all()


def _publish_from_the_admin(client, page, strapline) -> float:
    """An editor changes the strapline in the admin and publishes; returns the seconds it took."""
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    data = rendered_form(html, containing="strapline").data()
    data.update(strapline=strapline, **{"action-publish": "publish"})
    started = time.monotonic()
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    return elapsed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_editors_publish_never_waits_on_elasticsearch_up_frozen_or_stopped(
    private_elasticsearch, task_worker, client, django_user_model
):
    """The real worker writes the index; the editor's request only records the change.

    Before the worker existed, the write ran after the commit inside the
    request, so a frozen server held the editor for the whole write timeout.
    """
    config = backend_config(private_elasticsearch.url, COOLDOWN=COOLDOWN, WRITE_TIMEOUT=10.0)
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(editor)
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        backend = get_search_backend()
        try:
            page = company("Frozen Assets", strapline="Before")
            assert task_worker.run() >= 1  # its creation is written by the worker
            backend.refresh()
            assert backend.index.check().ok

            up = _publish_from_the_admin(client, page, "Published while up")
            private_elasticsearch.pause()
            try:
                frozen = _publish_from_the_admin(client, page, "Published while frozen")
            finally:
                private_elasticsearch.resume()
            private_elasticsearch.stop()
            stopped = _publish_from_the_admin(client, page, "Published while stopped")
            # A frozen engine would have held the request for the 10 s write timeout.
            assert frozen < up + 2.0, (up, frozen)
            assert stopped < up + 2.0, (up, stopped)
            assert PendingIndexUpdate.objects.filter(company_id=page.pk).exists()
            # Each publish queued its write (a publish commits more than once).
            assert task_worker.queued("write_index_updates").count() >= 3

            # The worker tries, fails, and defers a retry with back-off.
            task_worker.run()
            row = PendingIndexUpdate.objects.get(company_id=page.pk)
            assert row.attempts >= 1 and row.last_error  # one per task that ran
            assert task_worker.run() == 0  # the retry is not due yet

            # Back up: visitors' searches use it again but never drain the queue.
            private_elasticsearch.start()
            time.sleep(COOLDOWN + 0.1)
            assert search(backend, "frozen").backend == "elasticsearch"
            assert PendingIndexUpdate.objects.filter(company_id=page.pk).exists()

            assert task_worker.run(including_deferred=True) == 1
            assert not PendingIndexUpdate.objects.exists()
            source = backend.client.get(index=backend.alias, id=page.pk)["_source"]
            assert source["strapline"] == "Published while stopped"
        finally:
            if private_elasticsearch.pid is None:
                private_elasticsearch.start()
            backend.index.delete_all()
