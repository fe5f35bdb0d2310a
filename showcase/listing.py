"""The showcase listing: filters by sector, skill, year and company, with counts.

Facets follow the directory's rules so both lists feel the same: values within
one facet combine with OR, facets combine with AND, and each facet's counts are
computed with every *other* filter applied, so a commissioner can widen a
selection without losing sight of the options.

The queries themselves are the projects' own (``ProjectPageQuerySet`` in
``models.py``, which calls this module): this module reads the request and
presents the answer, so it imports no showcase models.

Cost: one count query per facet, one for the total and one for the page, plus
a fixed number of prefetches — the same whatever the page size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from cms.page_cache import canonical_query, page_number_only
from cms.pagination import page_links, paginate, query_page_url
from directory.models import CompanyPage, Sector, Skill

PAGE_SIZE = 12


@dataclass
class FacetValue:
    slug: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    param: str
    label: str
    values: list[FacetValue] = field(default_factory=list)

    @property
    def selected_count(self) -> int:
        return sum(1 for v in self.values if v.selected)


@dataclass
class Filters:
    """The validated filters of one request: slugs per facet, and notes on what was ignored."""

    sector: list[str] = field(default_factory=list)
    skill: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)
    company: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    PARAMS = ("sector", "skill", "year", "company")

    def any(self) -> bool:
        return any(getattr(self, p) for p in self.PARAMS)

    def as_pairs(self) -> list[tuple[str, str]]:
        return [(p, v) for p in self.PARAMS for v in getattr(self, p)]


def parse_filters(params) -> Filters:
    """Read the GET parameters; unknown values are dropped with a note, never an error."""
    filters = Filters()
    wanted = {p: _clean_list(params.getlist(p)) for p in Filters.PARAMS}
    # slug -> label of every value that exists, so a chip can always show its name.
    known = {
        "sector": _labels(Sector.objects, "name", wanted["sector"]),
        "skill": _labels(Skill.objects, "name", wanted["skill"]),
        "company": _labels(CompanyPage.objects, "title", wanted["company"]),
        "year": {y: y for y in wanted["year"] if y.isdigit() and 1900 <= int(y) <= 2100},
    }
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


def _labels(manager, label_field: str, slugs: list[str]) -> dict[str, str]:
    if not slugs:
        return {}
    return dict(manager.filter(slug__in=slugs).values_list("slug", label_field))


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


FACET_LABELS = {"sector": "Sector / genre", "skill": "Skill", "year": "Year", "company": "Company"}


def facet_groups(base, filters: Filters) -> list[FacetGroup]:
    """The four facets with their counts (each without its own filter)."""
    return [
        _group(
            param,
            FACET_LABELS[param],
            filters,
            filtered_projects(base, filters, param).facet_counts(param),
        )
        for param in Filters.PARAMS
    ]


def _group(param, label, filters: Filters, rows) -> FacetGroup:
    selected = set(getattr(filters, param))
    group = FacetGroup(param=param, label=label)
    seen = set()
    for slug, name, count in rows:
        group.values.append(FacetValue(slug, name, count, slug in selected))
        seen.add(slug)
    # A selected value with no projects left still shows, so it can be unticked.
    for slug in getattr(filters, param):
        if slug not in seen:
            group.values.append(FacetValue(slug, filters.labels.get((param, slug), slug), 0, True))
    return group


def listing_context(request, base) -> dict:
    """The listing of ``base`` (the index page's live projects) as the request filters it."""
    filters = parse_filters(request.GET)
    projects = (
        filtered_projects(base, filters).order_by("-year", "-first_published_at", "pk").for_cards()
    )
    page_obj = paginate(projects, PAGE_SIZE, request.GET.get("page", 1))

    pairs = filters.as_pairs()
    groups = facet_groups(base, filters)
    return {
        "projects": page_obj.object_list,
        "page_obj": page_obj,
        "paginator": page_obj.paginator,
        "pagination": page_links(page_obj, query_page_url(urlencode(pairs))),
        "facet_groups": groups,
        "filters": filters,
        "filter_notes": filters.notes,
        "active_filters": _active_filters(groups, pairs),
    }


def _active_filters(groups: list[FacetGroup], pairs) -> list[dict]:
    """Each active filter with the query string that removes it ("remove" chips)."""
    labels = {(g.param, v.slug): (g.label, v.label) for g in groups for v in g.values}
    chips = []
    for param, value in pairs:
        rest = [(p, v) for p, v in pairs if (p, v) != (param, value)]
        facet, label = labels.get((param, value), (param, value))
        chips.append({"facet": facet, "label": label, "remove_query": urlencode(rest)})
    return chips
