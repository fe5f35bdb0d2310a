"""get_search_backend(): loaded from settings like Django's caches, cached, resettable."""

from __future__ import annotations

from django.test import override_settings

from directory.search import (
    DATABASE_BACKEND,
    ELASTICSEARCH_BACKEND,
    backend_config,
    get_search_backend,
    load_backend,
    reset_search_backend,
)
from directory.search.database import DatabaseBackend


def test_cached_until_reset():
    reset_search_backend()
    first = get_search_backend()
    assert isinstance(first, DatabaseBackend)
    assert get_search_backend() is first
    reset_search_backend()
    assert get_search_backend() is not first


def test_overriding_the_setting_resets_the_cache():
    before = get_search_backend()
    config = {"BACKEND": DATABASE_BACKEND, "SOME_OPTION": 3}
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        inside = get_search_backend()
        assert inside is not before
        assert inside.options == {"some_option": 3}  # keys lower-cased, like constructor kwargs
    assert get_search_backend() is not inside


def test_defaults_follow_elasticsearch_url():
    with override_settings(DIRECTORY_SEARCH_BACKEND=None, ELASTICSEARCH_URL=""):
        assert backend_config() == {"BACKEND": DATABASE_BACKEND}
    with override_settings(
        DIRECTORY_SEARCH_BACKEND=None,
        ELASTICSEARCH_URL="http://127.0.0.1:9200",
        ELASTICSEARCH_INDEX_PREFIX="site",
    ):
        config = backend_config()
        assert config["BACKEND"] == ELASTICSEARCH_BACKEND
        assert config["URLS"] == ["http://127.0.0.1:9200"]
        assert config["INDEX_PREFIX"] == "site"


def test_load_backend_does_not_mutate_the_setting():
    config = {"BACKEND": DATABASE_BACKEND, "X": 1}
    load_backend(config)
    assert config == {"BACKEND": DATABASE_BACKEND, "X": 1}
