"""Helpers for tests against a real Elasticsearch server (no fakes).

The server's URL comes from the ``elasticsearch_url`` fixture when the test
session has one (``tests/conftest.py``), else from ``ELASTICSEARCH_URL``.
Without a server the test is skipped locally and fails under ``CI=true``.
Every backend made here gets an index prefix unique to this test session and
backend, and its indices are deleted when the test ends.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest

from directory.search.elasticsearch import ElasticsearchBackend

SESSION = uuid.uuid4().hex[:8]
_counter = itertools.count()


def elasticsearch_url(request) -> str:
    try:
        url = request.getfixturevalue("elasticsearch_url")
    except pytest.FixtureLookupError:
        url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Elasticsearch server is configured (ELASTICSEARCH_URL)")
        pytest.skip("no Elasticsearch server (set ELASTICSEARCH_URL or run `make test`)")
    return url


def backend_config(url: str, **extra) -> dict:
    """A ``DIRECTORY_SEARCH_BACKEND`` value with a prefix no other test uses."""
    return {
        "BACKEND": "directory.search.elasticsearch.ElasticsearchBackend",
        "URL": url,
        "INDEX_PREFIX": f"test-{SESSION}-{next(_counter)}",
        "TIMEOUT": 2.0,
        **extra,
    }


def make_elasticsearch_backend(request, **options) -> ElasticsearchBackend:
    url = elasticsearch_url(request)
    config = {k.lower(): v for k, v in backend_config(url).items() if k != "BACKEND"}
    config.update(options)
    backend = ElasticsearchBackend(**config)
    request.addfinalizer(lambda: _clean_up(backend))
    return backend


def _clean_up(backend: ElasticsearchBackend) -> None:
    # The backend's own client may be closed already (the fixture closes it).
    from elasticsearch import Elasticsearch

    from directory.search.index import CompanyIndex

    client = Elasticsearch(backend.urls, request_timeout=30)
    try:
        CompanyIndex(client, backend.index.prefix).delete_all()
    finally:
        client.close()
