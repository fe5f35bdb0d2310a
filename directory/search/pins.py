"""Editors' picks: companies pinned first for a search text (``models.SearchPin``).

Applied in ``run_search``, the layer both backends share, so a pin behaves
the same on the database and Elasticsearch backends, on the page and in the
API. The pins are a short list every text search needs: kept in the cache
(Redis in production) like the synonyms, cleared by every change (the app's
``ready`` imports this module, so every process clears it, searching or not).

A pick is added to the first page of its search, ahead of the results, and
not repeated among that page's hits; it does not change the total, the
facets or the other pages. A pinned company that is no longer listed
(unpublished, lapsed) is ignored until it is listed again.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.cache import cache

from cms.invalidation import forget_on_change
from directory.models import CompanyPage

from .base import SearchResults
from .models import SearchPin, normalise_search_text
from .results import hydrate_hits

PINS_KEY = "search:pins"
PINS_TIMEOUT = 60 * 60  # a safety net: every change clears the entry itself


def pinned_ids() -> dict[str, list[int]]:
    """Every pin as ``{normalised text: [company ids, oldest pin first]}``, from the cache."""
    pins = cache.get(PINS_KEY)
    if pins is None:
        pins = {}
        for text, company_id in SearchPin.objects.order_by("created_at", "pk").values_list(
            "text", "company_id"
        ):
            pins.setdefault(text, []).append(company_id)
        cache.set(PINS_KEY, pins, PINS_TIMEOUT)
    return pins


forget_on_change(PINS_KEY, SearchPin, uid="search-pins")


def with_picks(results: SearchResults) -> SearchResults:
    """``results`` with the editors' picks for its text on the first page (or as they were)."""
    query = results.query
    if query.page != 1 or not query.text:
        return results
    ids = pinned_ids().get(normalise_search_text(query.text))
    if not ids:
        return results
    listed = set(CompanyPage.objects.listed().filter(pk__in=ids).values_list("pk", flat=True))
    picks = hydrate_hits([company_id for company_id in ids if company_id in listed])
    if not picks:
        return results
    picked = {pick.id for pick in picks}
    return replace(results, picks=picks, hits=[hit for hit in results.hits if hit.id not in picked])
