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
    # is over, the next search goes to Elasticsearch and the missed writes follow.
    private_elasticsearch.start()
    time.sleep(COOLDOWN + 0.1)
    assert search(backend, "kiln").backend == "elasticsearch"
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
