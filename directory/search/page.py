"""What the directory page (``DirectoryIndexPage``) shows: the search, its facets and links.

Kept out of the model so the page class stays a page, and so the models need
not import search: ``DirectorySearchConfig.ready`` registers
:func:`directory_context` as the page's presenter (``directory.presenters``).
Everything here speaks the search contract only.

A malformed number never costs the visitor their search: the parameter is
dropped, a friendly message says why, and the rest of the search still runs.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import QueryDict
from django.utils.dateformat import format as format_date

from cms.invalidation import forget_on_change
from cms.page_cache import canonical_query
from cms.pagination import page_links, paginate
from cms.renditions import attach_renditions
from directory.facets import ActiveFilter, active_filters, facet_groups
from directory.filter_urls import filter_url
from directory.models import Place
from directory.shown import search_shown

from . import run_search
from .base import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_RADIUS_MILES,
    FACETS,
    SearchQuery,
    SearchResults,
    Sort,
)
from .query import (
    SearchParamError,
    near_display,
    parse_search_params,
    parse_search_request,
    query_to_params,
)
from .results import LOGO_FILTER
from .spelling import correct

RADIUS_CHOICES = (1, 5, 10, 25, 50, 100)
SORT_CHOICES = (
    (Sort.RELEVANCE, "Best match"),
    (Sort.NAME, "Name (A–Z)"),
    (Sort.NEWEST, "Newest members"),
    (Sort.DISTANCE, "Distance"),
)
# How many values of a facet show before "Show all".
FACET_VISIBLE = 8


def parse_leniently(params: QueryDict) -> tuple[SearchQuery, list[str]]:
    """Parse ``params``, dropping each malformed parameter with a message for the visitor."""
    params = params.copy()
    errors: list[str] = []
    for _ in range(10):  # there are fewer parameters than this
        try:
            return parse_search_params(params), errors
        except SearchParamError as error:
            errors.append(error.message)
            params.pop(error.param, None)
    return parse_search_params(QueryDict()), errors


def directory_context(page, request) -> dict:
    """The context of the directory page (registered as its presenter in ``apps``)."""
    base_url = page.get_url(request) or page.url or "/"
    query, errors = parse_leniently(request.GET)
    results = run_search(query)
    search_shown(request, results, source="page")
    query = results.query  # may have moved to the last page
    # Every card's logo from the rendition cache in one round trip, not one each.
    attach_renditions(
        [hit.page.logo for hit in (*results.picks, *results.hits) if hit.page.logo_id],
        LOGO_FILTER,
    )
    groups = facet_groups(FACETS, results.facets, visible=FACET_VISIBLE)
    return {
        "search_query": query,
        "search_results": results,
        "search_errors": errors,
        "search_notes": list(results.notes),
        "did_you_mean": _did_you_mean(query, results, base_url),
        "facet_groups": groups,
        "active_filters": _active_filters(query, groups, base_url),
        "clear_url": base_url,
        "pagination": _pagination(query, results, base_url),
        "sort_choices": SORT_CHOICES,
        "radius_choices": RADIUS_CHOICES,
        "radius_value": query.radius_miles or DEFAULT_RADIUS_MILES,
        "near_value": (
            near_display(query.near.slug, query.near.label)
            if query.near and not query.typed_text
            else ""
            if query.typed_text
            else request.GET.get("near", "")[:100]
        ),
        "near_places": _near_places(),
        "filters_selected": bool(
            query.filters or query.near or query.verified or query.available_by or query.client
        ),
        "available_by_value": query.available_by.isoformat() if query.available_by else "",
    }


def _did_you_mean(query: SearchQuery, results: SearchResults, base: str) -> dict | None:
    """The corrected search as a link ("Did you mean animation studio?"), or ``None``."""
    if not results.did_you_mean:
        return None
    text = results.did_you_mean
    if query.typed_text:
        # A town read from the text stays in it, so the link keeps searching near it.
        text = correct(query.typed_text).text or text
    return {"text": text, "url": filter_url(base, query_to_params(query, q=text, page=None))}


NEAR_PLACES_KEY = "directory:near-places"


def _near_places() -> list[str]:
    """Town names offered while typing in the "near" box (a plain ``<datalist>``).

    Kept in the cache until a place changes: every directory page shows them.
    """
    names = cache.get(NEAR_PLACES_KEY)
    if names is None:
        names = list(Place.objects.order_by("name").values_list("name", flat=True)[:500])
        cache.set(NEAR_PLACES_KEY, names, 60 * 60)
    return names


forget_on_change(NEAR_PLACES_KEY, Place, uid="search-near-places")


def _active_filters(query: SearchQuery, groups, base: str) -> list[ActiveFilter]:
    """Text, facet values, the "near" centre, "verified" and "available by": each with the
    link that drops it."""

    def without(facet, slug) -> str:
        remaining = tuple(s for s in query.selected(facet.param) if s != slug)
        return filter_url(base, query_to_params(query, **{facet.param: remaining, "page": None}))

    active = []
    if query.text:
        active.append(
            ActiveFilter(
                f"Text: “{query.text}”", filter_url(base, query_to_params(query, q=None, page=None))
            )
        )
    active += active_filters(groups, query.filters, without)
    if query.near:
        sort = None if query.sort is Sort.DISTANCE else query.sort.value
        if query.typed_text:
            # A town read from the text: removing it searches the words as typed.
            url = filter_url(
                base,
                query_to_params(query, radius=None, sort=sort, page=None, place_words="off"),
            )
            label = f"Near {query.near.label}, nearest first (within {_miles(query.radius_miles)})"
        else:
            url = filter_url(
                base, query_to_params(query, near=None, radius=None, sort=sort, page=None)
            )
            label = f"Within {_miles(query.radius_miles)} of {query.near.label}"
        active.append(ActiveFilter(label, url))
    if query.verified:
        url = filter_url(base, query_to_params(query, verified=None, page=None))
        active.append(ActiveFilter("Verified members only", url))
    if query.client:
        url = filter_url(base, query_to_params(query, client=None, page=None))
        active.append(ActiveFilter(f"Credited for {query.client}", url))
    if query.available_by:
        url = filter_url(base, query_to_params(query, available_by=None, page=None))
        day = format_date(query.available_by, "j F Y")
        active.append(ActiveFilter(f"Available by {day}", url))
    return active


def _miles(miles: float) -> str:
    return f"{miles:g} mile" if miles == 1 else f"{miles:g} miles"


def _pagination(query: SearchQuery, results: SearchResults, base: str) -> dict | None:
    """The site's page links (``cms.pagination``) over the search's total, keeping the search."""
    # The backend counted the hits; a paginator over a range of that length
    # knows the pages without loading anything.
    page = paginate(range(results.total), query.page_size, query.page)
    return page_links(
        page,
        lambda number: filter_url(
            base, query_to_params(query, page=None if number == 1 else str(number))
        ),
    )


def normalised_query(params: QueryDict) -> str | None:
    """The page cache's key for a directory search (``cms.page_cache``).

    The search as the page parses it, so parameter order (``?skill=a&skill=b``
    and ``?skill=b&skill=a``), repeats and unknown parameters make one entry.
    ``None`` (not cached) when the page has something to explain about the
    parameters themselves: a malformed number, a shortened text, a capped page.
    """
    try:
        asked = parse_search_request(params)
    except SearchParamError:
        return None
    if asked.notes or asked.sort_note:
        return None
    pairs = [
        ("q", asked.text),
        # As the page shows it back when it is no place it knows.
        ("near", params.get("near", "")[:100]),
        ("radius", "" if asked.radius_miles is None else f"{asked.radius_miles:g}"),
        ("verified", "1" if asked.verified else ""),
        ("client", asked.client),
        ("available_by", asked.available_by.isoformat() if asked.available_by else ""),
        ("sort", "" if asked.sort is Sort.RELEVANCE else asked.sort.value),
        ("page", "" if asked.page == 1 else str(asked.page)),
        ("page_size", "" if asked.page_size == DEFAULT_PAGE_SIZE else str(asked.page_size)),
    ]
    for param, slugs in asked.filters.items():
        pairs.extend((param, slug) for slug in dict.fromkeys(slugs))
    return canonical_query(pairs)
