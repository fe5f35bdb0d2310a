"""What the directory page (``DirectoryIndexPage``) shows: the search, its facets and links.

Kept out of the model so the page class stays a page, and so the models need
not import search: ``DirectorySearchConfig.ready`` registers
:func:`directory_context` as the page's presenter (``directory.presenters``).
Everything here speaks the search contract only.

A malformed number never costs the visitor their search: the parameter is
dropped, a friendly message says why, and the rest of the search still runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from cms.page_cache import canonical_query
from directory.filter_urls import filter_url
from directory.models import Place

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

RADIUS_CHOICES = (1, 5, 10, 25, 50, 100)
SORT_CHOICES = (
    (Sort.RELEVANCE, "Best match"),
    (Sort.NAME, "Name (A–Z)"),
    (Sort.NEWEST, "Newest members"),
    (Sort.DISTANCE, "Distance"),
)
# How many values of a facet show before "Show all".
FACET_VISIBLE = 8
PAGINATION_WINDOW = 2


@dataclass
class ActiveFilter:
    """One thing narrowing the search, with the URL that removes just it."""

    label: str
    remove_url: str


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
    query = results.query  # may have moved to the last page
    return {
        "search_query": query,
        "search_results": results,
        "search_errors": errors,
        "search_notes": list(results.notes),
        "facet_groups": _facet_groups(results),
        "active_filters": _active_filters(query, results, base_url),
        "clear_url": base_url,
        "pagination": _pagination(query, results, base_url),
        "sort_choices": SORT_CHOICES,
        "radius_choices": RADIUS_CHOICES,
        "radius_value": query.radius_miles or DEFAULT_RADIUS_MILES,
        "near_value": (
            near_display(query.near.slug, query.near.label)
            if query.near
            else request.GET.get("near", "")[:100]
        ),
        "near_places": _near_places(),
        "filters_selected": bool(query.filters or query.near),
    }


def _near_places() -> list[str]:
    """Town names offered while typing in the "near" box (a plain ``<datalist>``)."""
    return list(Place.objects.order_by("name").values_list("name", flat=True)[:500])


def _facet_groups(results: SearchResults) -> list[dict]:
    groups = []
    for facet in FACETS:
        values = results.facets.get(facet.param, [])
        # Selected values come first (the backend orders them so) and always show.
        visible = max(FACET_VISIBLE, sum(1 for v in values if v.selected))
        groups.append(
            {
                "param": facet.param,
                "label": facet.label,
                "values": values[:visible],
                "more": values[visible:],
                "selected_count": sum(1 for v in values if v.selected),
            }
        )
    return groups


def _active_filters(query: SearchQuery, results: SearchResults, base: str) -> list[ActiveFilter]:
    active = []
    if query.text:
        active.append(
            ActiveFilter(
                f"Text: “{query.text}”", filter_url(base, query_to_params(query, q=None, page=None))
            )
        )
    for facet in FACETS:
        labels = {v.slug: v.label for v in results.facets.get(facet.param, [])}
        selected = query.selected(facet.param)
        for slug in selected:
            remaining = tuple(s for s in selected if s != slug)
            url = filter_url(base, query_to_params(query, **{facet.param: remaining, "page": None}))
            singular = facet.label.rstrip("s").lower()
            active.append(ActiveFilter(f"{singular.capitalize()}: {labels.get(slug, slug)}", url))
    if query.near:
        sort = None if query.sort is Sort.DISTANCE else query.sort.value
        url = filter_url(base, query_to_params(query, near=None, radius=None, sort=sort, page=None))
        active.append(
            ActiveFilter(f"Within {query.radius_miles:g} miles of {query.near.label}", url)
        )
    return active


def _pagination(query: SearchQuery, results: SearchResults, base: str) -> dict | None:
    if results.pages <= 1:
        return None
    current, last = query.page, results.pages

    def link(number: int) -> str:
        return filter_url(base, query_to_params(query, page=None if number == 1 else str(number)))

    numbers = sorted(
        {
            1,
            last,
            *range(max(1, current - PAGINATION_WINDOW), min(last, current + PAGINATION_WINDOW) + 1),
        }
    )
    items, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            items.append({"gap": True})
        items.append({"number": number, "url": link(number), "current": number == current})
        previous = number
    return {
        "items": items,
        "previous_url": link(current - 1) if current > 1 else None,
        "next_url": link(current + 1) if current < last else None,
        "current": current,
        "last": last,
    }


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
        ("sort", "" if asked.sort is Sort.RELEVANCE else asked.sort.value),
        ("page", "" if asked.page == 1 else str(asked.page)),
        ("page_size", "" if asked.page_size == DEFAULT_PAGE_SIZE else str(asked.page_size)),
    ]
    for param, slugs in asked.filters.items():
        pairs.extend((param, slug) for slug in dict.fromkeys(slugs))
    return canonical_query(pairs)
