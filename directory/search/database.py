"""Directory search on the site's own database (SQLite or PostgreSQL), no server needed.

How a query is answered, in a fixed number of SQL queries whatever the data:

* **Candidates**: listed companies (live, active membership) that have a
  ``CompanySearchEntry``. The query is analysed into clauses
  (``analysis.analyse_query``: stems, spellings, synonyms, compounds), and
  every clause must match in the title, the keywords (skills, sectors,
  place) or the body (strapline, about, project text). A one-word phrase
  matches a whole *term* (its stem: "animations" finds "animation") or the
  start of a *word* ("anim"); a phrase of several words matches as adjacent
  terms.
* **Relevance** is computed in SQL: for every clause, 3 points for a title
  match, 2 for a keyword match, 1 for a body match. A title hit therefore
  beats any number of passing mentions, which is what commissioners expect
  when they type a company's name. A word the text says again adds a point
  per repeat, two at most (``_repeats``, what term frequency does on
  Elasticsearch). Ties go to verified companies, then to fresher profiles
  (the later calendar month of the last update or confirmation, the month
  the card shows, held on the entry as ``updated_month`` so ordering needs
  no join with Wagtail's page table; a tie-break, never above relevance),
  then by name.
* **Near**: the haversine distance from the centre to the company's exact
  point (or its town's centre) is computed in SQL (Django provides the maths
  functions on SQLite), after a cheap latitude/longitude bounding box. Ranked
  by relevance, nearer companies come first among near-equal matches (the
  score times ``1 + 0.5 ** (miles / NEARBY_HALF_MILES)``); with no words,
  the nearest first.
* **Total and facets** in one statement: the text/distance match is a common
  table expression that the total and each facet's grouped count share; each
  facet applies every selection except its own (see ``base`` for the
  semantics).
"""

from __future__ import annotations

import math
import time
from functools import reduce

from django.apps import apps
from django.db import connections
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import (
    ASin,
    Coalesce,
    Cos,
    Least,
    Length,
    Power,
    Radians,
    Replace,
    Sin,
    Sqrt,
)

from directory.availability import available_by_q
from directory.models import CompanyCredit, CompanyPage, client_key

from . import spelling
from .analysis import (
    Clause,
    Phrase,
    analyse,
    analyse_query,
    padded,
    required_matches,
    words,
)
from .base import (
    FACETS,
    NEARBY_HALF_MILES,
    RebuildReport,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
)
from .indexing import rebuild_database_entries
from .indexing import update_companies as update_database_entries
from .models import CompanySearchEntry
from .results import FacetTerms, build_facets, hydrate_hits
from .suggestions import max_edits, mix, term_candidates, typo_edits, word_starts

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.05

# Relevance weights per matching term (see the module docstring).
TITLE_WEIGHT = 3
KEYWORD_WEIGHT = 2
BODY_WEIGHT = 1
# The whole query as the company's name outranks any number of word matches;
# the whole query as a phrase inside the name comes next.
EXACT_NAME_WEIGHT = 100
NAME_PHRASE_WEIGHT = 4
# The query's words together as a phrase in the keywords or the text.
PHRASE_WEIGHT = 3

ENTRY_FIELDS = ("title", "keyword", "body")


class DatabaseBackend(SearchBackend):
    name = "database"

    # -- text ---------------------------------------------------------------
    def text_clauses(self, text: str) -> list[Clause]:
        """The query as clauses of alternative phrases (``analysis.analyse_query``).

        Enough clauses must match (``analysis.required_matches``); a clause
        matches when any of its phrases does. A word the directory does not
        know also looks for its correction (``spelling``). Both backends
        build their queries from these clauses.
        """
        return analyse_query(text, spelling.correct(text).equivalences)

    @staticmethod
    def _phrase_q(field: str, phrase: Phrase) -> Q:
        # Entries are padded with spaces: " term " is a whole term, " word" a word start.
        terms = Q(**{f"search_entry__{field}_terms__contains": padded(" ".join(phrase.terms))})
        if not phrase.is_word:
            return terms
        return terms | Q(**{f"search_entry__{field}_words__contains": f" {phrase.words[0]}"})

    def _clause_q(self, clause: Clause, fields=ENTRY_FIELDS) -> Q:
        return reduce(
            lambda a, b: a | b,
            (self._phrase_q(field, phrase) for phrase in clause for field in fields),
        )

    def _score(self, clauses: list[Clause], text: str = ""):
        parts = []
        phrase = padded(analyse(text).words)
        if phrase:
            parts.append(
                Case(
                    When(search_entry__title_words=phrase, then=Value(EXACT_NAME_WEIGHT)),
                    When(
                        search_entry__title_words__contains=phrase,
                        then=Value(NAME_PHRASE_WEIGHT),
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        if len(clauses) > 1:
            # All the words together, in order, outrank the same words apart.
            together = padded(" ".join(" ".join(clause[0].terms) for clause in clauses))
            parts.append(
                Case(
                    When(
                        Q(search_entry__keyword_terms__contains=together)
                        | Q(search_entry__body_terms__contains=together),
                        then=Value(PHRASE_WEIGHT),
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        for clause in clauses:
            for field, weight in zip(
                ENTRY_FIELDS, (TITLE_WEIGHT, KEYWORD_WEIGHT, BODY_WEIGHT), strict=True
            ):
                parts.append(
                    Case(
                        When(self._clause_q(clause, (field,)), then=Value(weight)),
                        default=Value(0),
                        output_field=IntegerField(),
                    )
                )
            parts += self._repeats(clause)
        return reduce(lambda a, b: a + b, parts)

    @staticmethod
    def _repeats(clause: Clause) -> list:
        """A little more for each time the text says a word again (two extra at most).

        What Elasticsearch's term frequency does: of the companies whose sector
        is Advertising, those writing "adverts" twice come first for "advert".
        """
        parts = []
        for phrase in clause:
            if not phrase.is_word:
                continue
            needle = padded(phrase.terms[0])
            field = "search_entry__body_terms"
            said = (Length(field) - Length(Replace(field, Value(needle), Value("")))) / Value(
                len(needle)
            )
            parts.append(
                Case(
                    When(**{f"{field}__contains": needle}, then=Least(said, Value(3)) - Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        return parts

    # -- filters ------------------------------------------------------------
    @staticmethod
    def _facet_q(param: str, slugs: tuple[str, ...]) -> Q:
        facet = next(f for f in FACETS if f.param == param)
        if not facet.many:
            return Q(**{f"{facet.field}__slug__in": slugs})
        relation, _, beyond = facet.field.partition("__")
        descriptor = getattr(CompanyPage, relation)
        related = descriptor.field.m2m_reverse_field_name()
        path = f"{related}__{beyond}" if beyond else related
        # An uncorrelated IN (...) is computed once; a correlated EXISTS would
        # probe the join table once per candidate company.
        return Q(
            pk__in=descriptor.through.objects.filter(**{f"{path}__slug__in": slugs}).values(
                "companypage_id"
            )
        )

    @staticmethod
    def _facet_rows(facet, qn) -> tuple[str, str]:
        """``FROM`` the join rows tying companies (``t.companypage_id``) to a many-valued
        facet, and the column holding the value's id.

        ``skills``: the company-skill rows and their skill; ``skills__group``
        (departments): the same rows joined to the skill, and its group.
        """
        relation, _, beyond = facet.field.partition("__")
        descriptor = getattr(CompanyPage, relation)
        through = descriptor.through
        column = qn(through._meta.get_field(descriptor.field.m2m_reverse_field_name()).column)
        rows = f"{qn(through._meta.db_table)} t"
        if not beyond:
            return rows, f"t.{column}"
        related = descriptor.field.related_model._meta
        rows += f" JOIN {qn(related.db_table)} r ON r.{qn(related.pk.column)} = t.{column}"
        return rows, f"r.{qn(related.get_field(beyond).column)}"

    @staticmethod
    def _distance_expression(latitude: float, longitude: float):
        """Haversine distance in miles from (latitude, longitude) to each company."""
        lat = Radians(Coalesce("latitude", "place__latitude"))
        lon = Radians(Coalesce("longitude", "place__longitude"))
        lat0, lon0 = math.radians(latitude), math.radians(longitude)
        a = Power(Sin((lat - Value(lat0)) / 2), 2) + Value(math.cos(lat0)) * Cos(lat) * Power(
            Sin((lon - Value(lon0)) / 2), 2
        )
        return Value(2 * EARTH_RADIUS_MILES) * ASin(Sqrt(a), output_field=FloatField())

    def _base(self, query: SearchQuery, clauses: list[Clause]):
        """Listed companies matching the text and the distance, before facet filters."""
        # Entries exist only for listed companies (``indexing.update_companies``
        # removes the others), so "live" needs no join with Wagtail's wide page
        # table; membership is on the company row and checked again for safety.
        companies = CompanyPage.objects.filter(
            membership_status=CompanyPage.MembershipStatus.ACTIVE,
            search_entry__isnull=False,
        )
        needed = required_matches(len(clauses), relaxed=query.relaxed)
        if needed == len(clauses):
            for clause in clauses:
                companies = companies.filter(self._clause_q(clause))
        else:
            # Some words may be missing: count the clauses each company matches.
            companies = (
                companies.filter(reduce(lambda a, b: a | b, (self._clause_q(c) for c in clauses)))
                .alias(
                    clauses_matched=reduce(
                        lambda a, b: a + b,
                        (
                            Case(When(self._clause_q(c), then=Value(1)), default=Value(0))
                            for c in clauses
                        ),
                    )
                )
                .filter(clauses_matched__gte=needed)
            )
        if query.near is not None and query.radius_miles:
            radius = query.radius_miles
            lat0, lon0 = query.near.latitude, query.near.longitude
            dlat = radius / MILES_PER_DEGREE_LATITUDE
            cos_lat = max(math.cos(math.radians(lat0)), 0.01)
            dlon = min(radius / (MILES_PER_DEGREE_LATITUDE * cos_lat), 180)
            companies = companies.alias(
                lat=Coalesce("latitude", "place__latitude"),
                lon=Coalesce("longitude", "place__longitude"),
            ).filter(
                lat__gte=lat0 - dlat,
                lat__lte=lat0 + dlat,
                lon__gte=lon0 - dlon,
                lon__lte=lon0 + dlon,
            )
            companies = companies.annotate(distance=self._distance_expression(lat0, lon0)).filter(
                distance__lte=radius
            )
        return companies

    # -- search -------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        clauses = self.text_clauses(query.text)
        base = self._base(query, clauses)
        if query.verified:  # a filter on every count, like the text and "near"
            base = base.filter(verified=True)
        if query.client:  # the same: credited on a production for this client
            credited = CompanyCredit.objects.filter(work__client_key=client_key(query.client))
            base = base.filter(pk__in=credited.values("company_id"))
        if query.available_by is not None:  # the same: decided now, from the stored dates
            base = base.filter(available_by_q(query.available_by))
        matching = base
        for param, slugs in query.filters.items():
            if slugs:
                matching = matching.filter(self._facet_q(param, slugs))

        # One page of ids, ordered in SQL.
        ordered = matching
        nearby = query.near is not None and query.radius_miles
        if clauses:
            score = self._score(clauses, query.text)
            if nearby:  # nearer first among near-equal matches (``base.NEARBY_HALF_MILES``)
                score = ExpressionWrapper(
                    score
                    * (Value(1.0) + Power(Value(0.5), F("distance") / Value(NEARBY_HALF_MILES))),
                    output_field=FloatField(),
                )
            ordered = ordered.annotate(score=score)
        # Entries hold the folded title: name order without the page table.
        name_order = ("search_entry__sort_title", "pk")
        # A tie-break only, held on the entry (``indexing.entry_values``): no page-table join.
        fresher = F("search_entry__updated_month").desc(nulls_last=True)
        if query.sort is Sort.NAME:
            order = name_order
        elif query.sort is Sort.NEWEST:
            order = (F("joined_at").desc(), *name_order)
        elif query.sort is Sort.DISTANCE and query.near is not None:
            order = ("distance", *name_order)
        elif clauses:
            order = (F("score").desc(), F("verified").desc(), fresher, *name_order)
        elif nearby:  # no words to rank by: the nearest first
            order = ("distance", F("verified").desc(), fresher, *name_order)
        else:
            order = (F("verified").desc(), fresher, *name_order)
        fields = ["pk", "distance"] if query.near is not None else ["pk"]
        rows = list(
            ordered.order_by(*order).values_list(*fields)[
                query.offset : query.offset + query.page_size
            ]
        )
        ids = [row[0] for row in rows]
        distances = {row[0]: row[1] for row in rows} if query.near is not None else None

        counts, labels, total = self._counts(base, query)

        hits = hydrate_hits(ids, distances=distances, phrases=[p for c in clauses for p in c])
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=build_facets(query, counts, labels),
            backend=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
            notes=query.notes,
        )

    def _counts(self, base, query: SearchQuery):
        """The total and every facet's counts in one statement.

        The companies matching the text and distance are computed once, as a
        common table expression, and each facet counts over it with every
        selection applied except its own (OR within a facet, AND across).
        Returns ``(counts, labels, total)`` with counts keyed by slug.
        """
        # Raw SQL (S608 silenced below): table and column names come from the
        # models' meta and are quoted; every value is passed as a parameter.
        connection = connections[base.db]
        qn = connection.ops.quote_name
        base_sql, base_params = (
            base.order_by().values_list("pk", "place_id").query.sql_with_params()
        )
        conditions: dict[str, tuple[str, list]] = {}
        for facet in FACETS:
            slugs = list(query.selected(facet.param))
            if not slugs:
                continue
            taxonomy = apps.get_model(facet.model)._meta.db_table
            marks = ", ".join(["%s"] * len(slugs))
            if facet.many:
                rows, value = self._facet_rows(facet, qn)
                sql = (
                    f"m.id IN (SELECT t.companypage_id FROM {rows} "  # noqa: S608
                    f"JOIN {qn(taxonomy)} x ON x.id = {value} "
                    f"WHERE x.slug IN ({marks}))"
                )
            else:
                sql = f"m.place_id IN (SELECT id FROM {qn(taxonomy)} WHERE slug IN ({marks}))"  # noqa: S608
            conditions[facet.param] = (sql, slugs)

        def where(excluding: str | None = None) -> tuple[str, list]:
            parts = [(sql, p) for param, (sql, p) in conditions.items() if param != excluding]
            if not parts:
                return "1 = 1", []
            return " AND ".join(sql for sql, _ in parts), [v for _, p in parts for v in p]

        branches, params = [], list(base_params)
        total_where, total_params = where()
        branches.append(f"SELECT 'total', NULL, COUNT(*) FROM m WHERE {total_where}")  # noqa: S608
        params += total_params
        for facet in FACETS:
            facet_where, facet_params = where(excluding=facet.param)
            if facet.many:
                rows, value = self._facet_rows(facet, qn)
                # Through a path, a company meets a value once per skill in it.
                counted = "COUNT(DISTINCT t.companypage_id)" if "__" in facet.field else "COUNT(*)"
                branches.append(
                    f"SELECT '{facet.param}', {value}, {counted} "  # noqa: S608
                    f"FROM {rows} "
                    f"WHERE t.companypage_id IN (SELECT m.id FROM m WHERE {facet_where}) "
                    f"GROUP BY {value}"
                )
            else:
                branches.append(
                    f"SELECT '{facet.param}', m.place_id, COUNT(*) FROM m "  # noqa: S608
                    f"WHERE m.place_id IS NOT NULL AND {facet_where} GROUP BY m.place_id"
                )
            params += facet_params
        sql = f"WITH m (id, place_id) AS ({base_sql}) " + " UNION ALL ".join(branches)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()

        total = 0
        ids_by_facet: dict[str, dict[int, int]] = {facet.param: {} for facet in FACETS}
        for kind, value_id, n in rows:
            if kind == "total":
                total = n
            elif value_id is not None:
                ids_by_facet[kind][value_id] = n
        counts: dict[str, dict[str, int]] = {}
        labels: dict[str, dict[str, str]] = {}
        # Ids to slugs and labels from the cache (no query when it is warm).
        terms = FacetTerms.current()
        for facet in FACETS:
            found = ids_by_facet[facet.param]
            known = terms.by_id(facet.param)
            if not found.keys() <= known.keys():  # added since it was cached
                terms = FacetTerms.current(refresh=True)
                known = terms.by_id(facet.param)
            values = [(known[pk], n) for pk, n in found.items() if pk in known]
            counts[facet.param] = {slug: n for (slug, _label), n in values}
            labels[facet.param] = {slug: label for (slug, label), _n in values}
        return counts, labels, total

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Companies, skills, sectors and places with a word starting with ``prefix``, or nearly.

        Companies are matched here, in their entries' title words; the terms
        and the mix are ``suggestions``' (the same for Elasticsearch).
        """
        phrase = " ".join(words(prefix))
        if not phrase or limit < 1:
            return []
        return mix(self.company_candidates(phrase, limit) + term_candidates(phrase), limit)

    def company_candidates(self, phrase: str, limit: int) -> list[tuple[int, Suggestion]]:
        """Up to ``limit`` companies by name: word-start matches, then (if too few) typo matches.

        Typo matches need the phrase's first letter at a word start, which
        narrows the entries read; the edits are counted in Python
        (``suggestions.typo_edits``), the rule Elasticsearch's fuzzy
        completions are held to.
        """
        listed = CompanyPage.objects.listed().values("pk")
        entries = (
            CompanySearchEntry.objects.filter(
                title_words__contains=f" {phrase}", company__in=listed
            )
            .select_related("company")
            .order_by("sort_title")[:limit]
        )
        found = [
            (0, Suggestion(kind="company", label=e.company.title, url=e.company.url or ""))
            for e in entries
        ]
        if len(found) >= limit or not max_edits(phrase):
            return found
        near = []
        rows = (
            CompanySearchEntry.objects.filter(
                title_words__contains=f" {phrase[0]}", company__in=listed
            )
            .exclude(title_words__contains=f" {phrase}")
            .values_list("company_id", "sort_title", "title_words")
        )
        for company_id, sort_title, title_words in rows:
            edits = typo_edits(phrase, word_starts(title_words))
            if edits:
                near.append((edits, sort_title, company_id))
        near = sorted(near)[: limit - len(found)]
        companies = CompanyPage.objects.in_bulk([company_id for *_key, company_id in near])
        return found + [
            (edits, Suggestion(kind="company", label=c.title, url=c.url or ""))
            for edits, _title, company_id in near
            if (c := companies.get(company_id)) is not None
        ]

    # -- index lifecycle: the entries are this backend's index ------------------
    # Written in the edit's own transaction (``sync``), so nothing is pending
    # after a commit and there is nothing separate to check.
    def update_companies(self, company_ids: list[int]) -> None:
        update_database_entries(company_ids)

    def rebuild(self, *, stdout=None, progress: bool = True, batch_size: int = 500):
        started = time.perf_counter()
        count = rebuild_database_entries(stdout=stdout, batch_size=batch_size, progress=progress)
        return RebuildReport(
            documents=count,
            seconds=time.perf_counter() - started,
            summary=f"Rewrote {count} database search entries.",
        )
