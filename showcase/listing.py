"""The showcase listing: filters by sector, skill, year and company, with counts.

Facets follow the directory's rules so both lists feel the same: values within
one facet combine with OR, facets combine with AND, and each facet's counts are
computed with every *other* filter applied, so a commissioner can widen a
selection without losing sight of the options.

The queries themselves are the projects' own (``ProjectPageQuerySet`` in
``models.py``, which calls this module): this module reads the request and
presents the answer, so it imports no showcase models. The facets are
declared in ``FACETS`` and presented by ``directory.facets``, as the
directory page's are, and drawn by the same template components.

Cost: one count query per facet, one for the total and one for the page, plus
a fixed number of prefetches — the same whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from cms.page_cache import canonical_query, page_number_only
from cms.pagination import page_links, paginate, query_page_url
from directory.facets import (
    ActiveFilter,
    FacetDefinition,
    FacetGroup,
    FacetValue,
    active_filters,
    facet_groups,
)
from directory.filter_urls import filter_url

PAGE_SIZE = 12

# The showcase's facets, in the order the filters show them. The projects'
# queries (``ProjectPageQuerySet.with_any`` and ``facet_counts``) know each by
# its ``param``.
FACETS: tuple[FacetDefinition, ...] = (
    FacetDefinition("sector", "Sector / genre", "Sector / genre", model="directory.Sector"),
    FacetDefinition("skill", "Skill", "Skill", model="directory.Skill"),
    FacetDefinition("year", "Year", "Year"),  # a year is its own label
    FacetDefinition(
        "company", "Company", "Company", model="directory.CompanyPage", label_field="title"
    ),
)


@dataclass
class Filters:
    """The validated filters of one request: slugs per facet, and notes on what was ignored."""

    sector: list[str] = field(default_factory=list)
    skill: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    company: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    PARAMS = tuple(facet.param for facet in FACETS)

    def any(self) -> bool:
        return any(getattr(self, p) for p in self.PARAMS)

    def as_pairs(self) -> list[tuple[str, str]]:
        return [(p, v) for p in self.PARAMS for v in getattr(self, p)]

    def selected(self) -> dict[str, list[str]]:
        return {p: getattr(self, p) for p in self.PARAMS}


def parse_filters(params) -> Filters:
    """Read the GET parameters; unknown values are dropped with a note, never an error."""
    filters = Filters()
    wanted = {facet.param: _clean_list(params.getlist(facet.param)) for facet in FACETS}
    # slug -> label of every value that exists, so a chip can always show its name.
    known = {facet.param: facet.labels(wanted[facet.param]) for facet in FACETS}
    known["year"] = {y: y for y in wanted["year"] if y.isdigit() and 1900 <= int(y) <= 2100}
    for param in Filters.PARAMS:
        for value in wanted[param]:
            if value in known[param]:
                getattr(filters, param).append(value)
                filters.labels[(param, value)] = known[param][value]
            else:
                filters.notes.append(f"We ignored the {param} “{value}”: there is no such {param}.")
    return filters


def normalised_query(params) -> str | None:
    """The page cache's key for a showcase listing (``cms.page_cache``): the filters as
    :func:`parse_filters` reads them, in any order, and the page number."""
    page = page_number_only(params)
    if page is None:
        return None
    pairs = [(p, value) for p in Filters.PARAMS for value in _clean_list(params.getlist(p))]
    return canonical_query([*pairs, *([("page", page[5:])] if page else [])])


def _clean_list(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = value.strip()[:100]
        if value and value not in seen:
            seen.append(value)
    return seen[:50]


def filtered_projects(base, filters: Filters, excluding: str | None = None):
    queryset = base
    for param in Filters.PARAMS:
        values = getattr(filters, param)
        if values and param != excluding:
            queryset = queryset.with_any(param, values)
    return queryset


def facet_values(base, filters: Filters) -> dict[str, list[FacetValue]]:
    """{param: values} of the four facets with their counts (each without its own filter)."""
    return {
        facet.param: _values(
            facet.param,
            filters,
            filtered_projects(base, filters, facet.param).facet_counts(facet.param),
        )
        for facet in FACETS
    }


def _values(param, filters: Filters, rows) -> list[FacetValue]:
    selected = set(getattr(filters, param))
    values = [FacetValue(slug, name, count, slug in selected) for slug, name, count in rows]
    seen = {value.slug for value in values}
    # A selected value with no projects left still shows, so it can be unticked.
    for slug in getattr(filters, param):
        if slug not in seen:
            values.append(FacetValue(slug, filters.labels.get((param, slug), slug), 0, True))
    return values


def listing_context(request, base, page_url: str) -> dict:
    """The listing of ``base`` (the index page's live projects) as the request filters it.

    ``page_url`` is the index page's own URL, which the links that remove a
    filter lead back to.
    """
    filters = parse_filters(request.GET)
    projects = (
        filtered_projects(base, filters).order_by("-year", "-first_published_at", "pk").for_cards()
    )
    page_obj = paginate(projects, PAGE_SIZE, request.GET.get("page", 1))

    pairs = filters.as_pairs()
    groups = facet_groups(FACETS, facet_values(base, filters))
    return {
        "projects": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": page_obj.paginator,
        "pagination": page_links(page_obj, query_page_url(urlencode(pairs))),
        "facet_groups": groups,
        "filters": filters,
        "filter_notes": filters.notes,
        "active_filters": _active_filters(groups, filters, page_url),
    }


def _active_filters(
    groups: list[FacetGroup], filters: Filters, page_url: str
) -> list[ActiveFilter]:
    """Each active filter with the link that removes it ("remove" chips)."""
    pairs = filters.as_pairs()

    def without(facet, slug) -> str:
        return filter_url(page_url, [pair for pair in pairs if pair != (facet.param, slug)])

    return active_filters(groups, filters.selected(), without)
