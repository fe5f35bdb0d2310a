"""Directory search: pick the configured backend and run validated queries on it.

The backend comes from ``settings.DIRECTORY_SEARCH_BACKEND``, loaded the way
Django loads cache backends::

    DIRECTORY_SEARCH_BACKEND = {
        "BACKEND": "directory.search.database.DatabaseBackend",
        # any other key is passed to the backend's constructor, lower-cased
    }

Without that setting the database backend is used, or Elasticsearch when
``ELASTICSEARCH_URL`` is set. The instance is built once and cached;
``reset_search_backend()`` (called automatically when a test overrides the
setting) forgets it.

Nothing here imports models at module level: this package is an app.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

_backend = None
_lock = threading.Lock()

DATABASE_BACKEND = "directory.search.database.DatabaseBackend"
ELASTICSEARCH_BACKEND = "directory.search.elasticsearch.ElasticsearchBackend"


def backend_config() -> dict:
    config = getattr(settings, "DIRECTORY_SEARCH_BACKEND", None)
    if config:
        return dict(config)
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if url:
        return {
            "BACKEND": ELASTICSEARCH_BACKEND,
            "URLS": [url],
            "INDEX_PREFIX": getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "platform"),
        }
    return {"BACKEND": DATABASE_BACKEND}


def load_backend(config: dict):
    """Build a backend from a config dict (``BACKEND`` plus constructor options)."""
    config = dict(config)
    backend_class = import_string(config.pop("BACKEND"))
    return backend_class(**{key.lower(): value for key, value in config.items()})


def get_search_backend():
    """The configured directory search backend (built once, then cached)."""
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = load_backend(backend_config())
    return _backend


def reset_search_backend() -> None:
    """Forget the cached backend; the next call builds it from settings again."""
    global _backend
    with _lock:
        _backend = None


def _on_setting_changed(*, setting, **kwargs):
    if setting in {"DIRECTORY_SEARCH_BACKEND", "ELASTICSEARCH_URL"}:
        reset_search_backend()


setting_changed.connect(_on_setting_changed, dispatch_uid="directory_search_backend_reset")


def _needs_every_word(text: str) -> bool:
    """Whether a search of ``text`` could find more with one word fewer required."""
    if not text:
        return False
    from .analysis import analyse_query, required_matches

    count = len(analyse_query(text))
    return required_matches(count, relaxed=True) < required_matches(count)


def run_search(query, backend=None):
    """Answer ``query`` with the configured backend, handling pages past the end.

    A page beyond the last (an old bookmark after members left, or a hand-made
    URL) answers with the last page and a note instead of an empty list. A
    search that matches nothing with every word required is asked again with
    one word fewer (``SearchQuery.relaxed``), with a note saying so. When
    some typed words are ones no company writes, ``did_you_mean`` is the text
    with them corrected (``spelling``; the backends match the corrections too).
    The editors' picks for the text come first on page 1 (``pins``): applied
    here, so every backend shows them alike.
    """
    from .spelling import one_search

    with one_search():
        return _run_search(query, backend or get_search_backend())


def _run_search(query, backend):
    from .spelling import correct

    started = time.perf_counter()
    results = backend.search(query)
    if not results.total and not query.relaxed and _needs_every_word(query.text):
        # Nothing matches every word ("aerial shots": nobody writes "shots"):
        # ask again needing one word fewer, and say so, rather than answer
        # with nothing while companies match most of what was asked.
        note = f"No company matches all of “{query.text}”, so here are those matching part of it."
        relaxed_query = replace(query, relaxed=True, notes=(*query.notes, note))
        relaxed = backend.search(relaxed_query)
        if relaxed.total:
            query, results = relaxed_query, relaxed
    if results.total and query.page > results.pages:
        note = f"There are only {results.pages} pages of results; here is the last one."
        adjusted = replace(query, page=results.pages, notes=(*query.notes, note))
        results = backend.search(adjusted)
        results.took_ms = round((time.perf_counter() - started) * 1000, 1)
    results.did_you_mean = correct(query.text).text
    from .pins import with_picks

    return with_picks(results)
