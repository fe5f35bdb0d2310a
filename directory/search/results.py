"""Backend-neutral pieces of a search answer: hits, facet values and highlights.

Every backend finds *ids*; turning them into :class:`SearchHit` values (the
``CompanyPage`` with its logo, place, skills and sectors) and building the
facet lists happens here, so templates and the API render hits and facets the
same way whichever backend answered, and the number of queries is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from wagtail.models import Site

from cms.invalidation import forget_on_change
from directory.models import CompanyPage, company_cards, current_taxonomy

from .analysis import WORD_AS_WRITTEN, Phrase, WordMatcher, clean, fold
from .base import FACETS, FacetValue, SearchHit, SearchQuery

# The rendition of a logo on a result card (directory/includes/search_card.html
# shows it at this spec): prefetched with the hits where no rendition cache
# answers, else read for all the cards at once (directory.search.page).
LOGO_FILTER = "fill-96x96"
SNIPPET_LENGTH = 180


def hydrate_hits(
    ids: list[int],
    *,
    distances: Mapping[int, float] | None = None,
    phrases: Iterable[Phrase] = (),
    matched_words: Mapping[int, Iterable[str]] | None = None,
) -> list[SearchHit]:
    """Load the companies for ``ids`` (kept in that order) in a fixed number of queries.

    ``distances`` (miles) are keyed by id. Every backend's snippets are made
    here, by :func:`make_highlight`, so the same request gets the same
    highlights whichever backend answers: the query's ``terms`` are marked,
    plus, per id, any ``matched_words`` an engine found that no term begins
    (Elasticsearch's typo tolerance: "Colour" for "colur").
    """
    if not ids:
        return []
    distances = distances or {}
    matched_words = matched_words or {}
    matcher = WordMatcher(phrases)
    by_id = _companies(ids)
    # Without a request, each page's URL reads the sites' root paths from the
    # cache for itself (Wagtail keeps them on the page): one read serves all.
    root_paths = Site.get_site_root_paths()
    for company in by_id.values():
        company._wagtail_cached_site_root_paths = root_paths
    hits = []
    for company_id in ids:
        company = by_id.get(company_id)
        if company is None:  # removed between finding and loading: skip, never fail
            continue
        # The card shows the strapline anyway: the snippet comes from the description,
        # cleaned only when there is something to mark (a search with words).
        extra_words = matched_words.get(company_id, ())
        highlight = (
            make_highlight([clean(company.about)], matcher, extra_words)
            if matcher or extra_words
            else ""
        )
        distance = distances.get(company_id)
        hits.append(
            SearchHit(
                id=company.pk,
                title=company.title,
                url=company.url or "",
                strapline=company.strapline,
                page=company,
                distance_miles=round(distance, 1) if distance is not None else None,
                highlight=highlight,
            )
        )
    return hits


def _companies(ids: list[int]) -> dict[int, CompanyPage]:
    """The companies for ``ids`` with what a card shows, by id.

    Each card is kept until its own company, the tree or a row it shows
    changes (``directory.models.company_cards``): after a member's publish
    the next search page rebuilds that member's card alone, and the search
    that found the ids still runs every time.
    """
    return company_cards(ids)


def make_highlight(
    texts: Iterable[str], matcher: WordMatcher, extra_words: Iterable[str] = ()
) -> str:
    """A short snippet around the first matching word, matches wrapped in ``<mark>``.

    A word is marked when the query matched it the way the backends match
    (``matcher``: same term, or a word start), or when it is one of
    ``extra_words`` (a typo an engine forgave), so what is marked is what
    matched. Returns "" when no word matches.
    """
    extra = {fold(w) for w in extra_words}
    if not matcher and not extra:
        return ""
    seen: dict[str, bool] = {}

    def matched(word: str) -> bool:
        if word not in seen:
            seen[word] = matcher.matches(word) or fold(word) in extra
        return seen[word]

    for text in texts:
        if not text:
            continue
        first = next((m for m in WORD_AS_WRITTEN.finditer(text) if matched(m.group())), None)
        if first is None:
            continue
        start = max(0, first.start() - SNIPPET_LENGTH // 3)
        if start:
            start = text.find(" ", start) + 1 or start
        window = Truncator(text[start:]).chars(SNIPPET_LENGTH)
        parts, last = [], 0
        for match in WORD_AS_WRITTEN.finditer(window):
            if matched(match.group()):
                parts.append(escape(window[last : match.start()]))
                parts.append(f"<mark>{escape(match.group())}</mark>")
                last = match.end()
        parts.append(escape(window[last:]))
        prefix = "… " if start else ""
        return mark_safe(prefix + "".join(parts))  # noqa: S308 - every part is escaped
    return ""


FACET_LABELS_KEY = "search:facet-labels"
FACET_LABELS_TIMEOUT = 60 * 60  # a safety net: every save or delete clears the entry itself


class FacetTerms:
    """Every facet's values as ``{param: [(pk, slug, label), ...]}``, from the shared cache.

    Labelling a page of facet values took a query per facet on every search;
    the taxonomies are a few hundred short rows that change when an editor
    renames one, so all of them sit in one cache entry (Redis in production),
    cleared by every save or delete of a value (:func:`connect`), and made
    again from the map of current taxonomy rows the cards read anyway
    (``directory.models.current_taxonomy``): after a rename the directory
    reads the taxonomy tables once, not twice. A value the entry lacks
    (added in bulk, where no signal is sent) makes :meth:`current` read the
    tables themselves again rather than show a slug.
    """

    def __init__(self, rows: Mapping[str, list[tuple[int, str, str]]]):
        self.rows = rows

    @classmethod
    def current(cls, *, refresh: bool = False) -> FacetTerms:
        params = {facet.param for facet in FACETS if facet.model}
        rows = None if refresh else cache.get(FACET_LABELS_KEY)
        if rows is None or set(rows) != params:  # absent, or cached before FACETS changed
            kept = {} if refresh else current_taxonomy()
            rows = {
                facet.param: _facet_rows(facet, kept.get(facet.model.lower()))
                for facet in FACETS
                if facet.model
            }
            cache.set(FACET_LABELS_KEY, rows, FACET_LABELS_TIMEOUT)
        return cls(rows)

    def by_id(self, param: str) -> dict[int, tuple[str, str]]:
        return {pk: (slug, label) for pk, slug, label in self.rows.get(param, ())}

    def by_slug(self, param: str) -> dict[str, str]:
        return {slug: label for _pk, slug, label in self.rows.get(param, ())}


def _facet_rows(facet, kept) -> list[tuple[int, str, str]]:
    """(pk, slug, label) of ``facet``'s values: from ``kept`` if given, else from its table.

    ``kept`` is ``current_taxonomy()``'s (field names, {id: values}) of the facet's model.
    """
    if kept is None:
        rows = apps.get_model(facet.model)._default_manager.order_by()
        return list(rows.values_list("pk", "slug", facet.label_field))
    fields, values = kept
    slug, label = fields.index("slug"), fields.index(facet.label_field)
    return [(pk, row[slug], row[label]) for pk, row in values.items()]


def connect() -> None:
    """Clear the facet labels when any facet's value is saved or deleted (``apps.ready``)."""
    models = [facet.model for facet in FACETS if facet.model]
    forget_on_change(FACET_LABELS_KEY, *models, uid="search-facet-labels")


def build_facets(
    query: SearchQuery,
    counts: Mapping[str, Mapping[str, int]],
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, list[FacetValue]]:
    """Facet lists from ``{param: {slug: count}}``, the same for every backend.

    Values with a count and every selected value (even at zero, so a selection
    can always be undone) are listed: selected first, then by count (highest
    first), then by label. Labels missing from ``labels`` come from
    :class:`FacetTerms` (the cache: no query once it is warm).
    """
    labels = labels or {}
    terms: FacetTerms | None = None
    facets: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        facet_counts = {slug: n for slug, n in counts.get(facet.param, {}).items() if n and slug}
        selected = set(query.selected(facet.param))
        slugs = set(facet_counts) | selected
        facet_labels = dict(labels.get(facet.param, {}))
        missing = slugs - set(facet_labels)
        if missing and facet.model:
            terms = terms or FacetTerms.current()
            known = terms.by_slug(facet.param)
            if not missing <= known.keys():
                terms = FacetTerms.current(refresh=True)
                known = terms.by_slug(facet.param)
            facet_labels.update({slug: known[slug] for slug in missing if slug in known})
        elif missing:
            facet_labels.update(facet.labels(missing))
        values = [
            FacetValue(
                slug=slug,
                label=facet_labels.get(slug, slug),
                count=facet_counts.get(slug, 0),
                selected=slug in selected,
            )
            for slug in slugs
        ]
        values.sort(key=lambda v: (not v.selected, -v.count, v.label.lower(), v.slug))
        facets[facet.param] = values
    return facets
