"""Directory search on Elasticsearch, with the database backend answering when it cannot.

The contract is the one in ``base`` (the contract suite runs on both
backends); what this module adds is what only a search engine does well:
typo tolerance, relevance ranking, highlighting and completion.

**The document** (``index.CompanyIndexDocument``) holds text analysed in
Python (``analysis``), in three fields ranked title > keywords > body, each
as terms and words; see ``index``.

**A query** is built from the same clauses as the database backend's
(``DatabaseBackend.text_clauses``, from ``analysis.analyse_query``): every
clause must match; a clause is a list of alternative phrases, which is how
editors' synonyms and compounds are applied at query time ("vfx" also looks
for "visual effects"). A one-word phrase matches

* its term (the stem: "animations" finds "animation", "colourist" finds
  "colorist"), like the database backend,
* when the directory does not know the word, its correction to a word it
  knows (``spelling``), and the word itself in any field, fuzzily, with the
  typos every part of search allows (``suggestions.max_edits``: none under
  four letters, one up to seven, two from eight, never in the first letter:
  "animaton", "colur grading"); a word it knows is not expanded to its
  neighbours (``text_query``), and
* any word it begins (a prefix, like the database backend: "anim"), at half
  weight so that whole words rank first.

A phrase of several words (from a synonym or a compound) must appear as
adjacent terms.

**Ranking**: the text score times a light boost for verified and complete
profiles (``_boost_functions``), and with a centre, for nearness too. With
a centre the boost is a rescore of the best text matches rather than part
of the query (``nearby_rescore``): boosting every match of a broad word
with its distance kept the near searches over their time at 100,000.

**Facets** follow the contract in one request: the facet filters go in
``post_filter`` (they narrow the hits but not the aggregations), and each
facet's ``terms`` aggregation sits inside a ``filter`` aggregation holding
every *other* selected facet's filter (shared by the facets that see the
same ones; at the top when there are none: ``facet_aggs``). The text and the
distance filter are in the main query, so they apply to the hits and every
facet count.

**Reads fall back**: if the server does not answer within ``timeout``
seconds (or refuses, or errs), the failure is logged, the database backend
answers (``results.backend == "database"``) and a circuit breaker keeps
sending reads there for ``cooldown`` seconds instead of making every visitor
wait for the timeout. After the cool-down the next search tries Elasticsearch
again, so it is used again as soon as it is back, without a restart.

**Writes are durable and never in a request**: an edit records its companies
as ``PendingIndexUpdate`` rows and the background worker writes them (see
``tasks``); reads never do index work, so a visitor's search is never slowed
by catching up after an outage. ``update_companies`` (a direct write, for
tools and tests) never raises either: what it cannot write is kept for the
worker.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Collection
from contextlib import contextmanager
from html import unescape
from itertools import groupby

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from directory.availability import Availability, confirmed_since
from directory.models import client_key

from . import spelling, tasks
from .analysis import Clause, Phrase, WordMatcher, required_matches, words
from .base import (
    FACETS,
    NEARBY_HALF_MILES,
    TOTAL_HITS_CAP,
    CheckReport,
    IndexUnavailable,
    SearchBackend,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
)
from .database import EARTH_RADIUS_MILES, DatabaseBackend
from .index import BulkWriteError, CompanyIndex
from .results import build_facets, hydrate_hits
from .suggestions import (
    MIN_TYPO_LENGTH,
    TWO_TYPO_LENGTH,
    max_edits,
    mix,
    term_candidates,
    typo_edits,
)

logger = logging.getLogger(__name__)

# Errors that mean "the engine cannot answer now": the server is down, slow
# past the timeout, or refused the request. The database answers instead.
ENGINE_ERRORS = (TransportError, ApiError)
# A write also fails when the server refuses documents (e.g. it is overloaded).
WRITE_ERRORS = (*ENGINE_ERRORS, BulkWriteError)

# The ranking weights of the three text fields, as in the database backend:
# their terms (stems, matched whole) and their words (matched by start or fuzzily).
TERM_FIELDS = ("title_terms^3", "keyword_terms^2", "body_terms")
WORD_FIELDS = ("title_words^3", "keyword_words^2", "body_words")
# A word the query only *begins* counts half as much as the whole word.
PREFIX_WEIGHT = 0.5
# Elasticsearch's AUTO with the word lengths of ``suggestions.max_edits``.
FUZZINESS = f"AUTO:{MIN_TYPO_LENGTH},{TWO_TYPO_LENGTH}"
# Words shorter than this are word starts only as the query's last word.
MIN_PREFIX_LETTERS = 3
# Light boosts for profiles commissioners can trust (see ``_boost_functions``).
VERIFIED_BOOST = 0.15
COMPLETENESS_BOOST = 0.10  # at 100 % complete
# With a centre, ranked by relevance: how many of the best text matches the
# boost with nearness reorders (``nearby_rescore``), and the fields their
# tie-break reads (``_break_ties``, as ``sort_clause`` orders ties).
NEARBY_RESCORE_WINDOW = 2000
TIE_BREAK_FIELDS = ["verified", "updated_month", "sort_title"]
# Facet values to count per facet: above the size of any taxonomy.
FACET_SIZE = 1000

# Which indexed field holds each facet's slugs.
FACET_FIELDS = {
    "department": "departments",
    "skill": "skills",
    "sector": "sectors",
    "place": "place",
}


_MARKED = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def _fields_and_boosts(fields) -> list[tuple[str, float]]:
    """``("title_words", 3.0)`` for ``"title_words^3"``."""
    return [(f.partition("^")[0], float(f.partition("^")[2] or 1)) for f in fields]


def typo_matches(fragments: list[str], phrases: list[Phrase]) -> list[str]:
    """Words the server marked in ``fragments`` that the query's phrases do not match.

    Those are what typo tolerance found ("Colour" for "colur"); every other
    marked word is one the phrases themselves match (``analysis.WordMatcher``),
    exactly as the database backend marks them, so the two backends' snippets
    are the same wherever they matched the same words.
    """
    matcher = WordMatcher(phrases)
    found = {unescape(word) for fragment in fragments for word in _MARKED.findall(fragment)}
    return sorted(w for w in found if not matcher.matches(w))


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, the same formula the database backend computes in SQL."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


class CircuitBreaker:
    """Stops sending requests to an engine that just failed, for ``cooldown`` seconds.

    Thread-safe and per process. ``allow()`` is true while closed and again
    once the cool-down has passed (the next request is then the probe: if it
    succeeds the breaker closes, if it fails it opens for another cool-down).
    """

    def __init__(self, cooldown: float):
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        return time.monotonic() >= self._open_until

    @property
    def is_open(self) -> bool:
        return not self.allow()

    def failed(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.cooldown

    def succeeded(self) -> bool:
        """Close the breaker; true if it had been tripped (the engine is back)."""
        with self._lock:
            was_tripped = self._open_until > 0
            self._open_until = 0.0
            return was_tripped


class ElasticsearchBackend(SearchBackend):
    """The contract on Elasticsearch; see the module docstring for how it ranks and falls back.

    Options (from ``DIRECTORY_SEARCH_BACKEND``, lower-cased): ``url`` or
    ``urls``, ``index_prefix`` (indices are ``<prefix>-companies-<version>``
    behind the alias ``<prefix>-companies``), ``timeout`` (seconds a read may
    take before the database answers, default 2), ``write_timeout`` (default
    30), ``cooldown`` (seconds reads stay on the database after a failure,
    default 10).
    """

    name = "elasticsearch"

    def __init__(self, **options):
        super().__init__(**options)
        urls = options.get("urls") or [options.get("url") or "http://127.0.0.1:9200"]
        if isinstance(urls, str):
            urls = [urls]
        self.urls = list(urls)
        self.timeout = float(options.get("timeout", 2.0))
        self.write_timeout = float(options.get("write_timeout", 30.0))
        self.client = Elasticsearch(
            urls, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False
        )
        self.breaker = CircuitBreaker(float(options.get("cooldown", 10.0)))
        self.fallback = DatabaseBackend()
        # Index maintenance (creating indices, bulk writes, refreshes) may take
        # longer than a visitor should wait for a search: it has its own timeout.
        self.index = CompanyIndex(
            self.client.options(request_timeout=self.write_timeout),
            options.get("index_prefix") or "platform",
        )

    @property
    def alias(self) -> str:
        return self.index.alias

    def close(self) -> None:
        self.client.close()

    # -- reads --------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        if not self.breaker.allow():
            return self.fallback.search(query)
        started = time.perf_counter()
        try:
            clauses = self.fallback.text_clauses(query.text)
            # The corrections the clauses were made with (once per search:
            # ``spelling.one_search``).
            typos = spelling.correct(query.text).words if clauses else {}
            body = self.search_body(query, clauses, typos)
            response = self.client.search(index=self.alias, **body)
        except ENGINE_ERRORS as error:
            return self._fall_back("search", error, lambda: self.fallback.search(query))
        self._engine_answered()
        return self._results(query, clauses, response, started, rescored="rescore" in body)

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Company names from the completion suggester; terms and the mix from ``suggestions``.

        The skills, sectors and places (and the order of everything) are the
        database backend's, computed in Python from the shared cache: only
        the companies need the engine.
        """
        phrase = " ".join(words(prefix))
        if not phrase or limit < 1:
            return []
        if not self.breaker.allow():
            return self.fallback.suggest(prefix, limit)
        try:
            response = self.client.search(index=self.alias, **self.suggest_body(phrase, limit))
        except ENGINE_ERRORS as error:
            return self._fall_back("suggest", error, lambda: self.fallback.suggest(prefix, limit))
        self._engine_answered()
        return mix(
            self._company_candidates(phrase, response, limit) + term_candidates(phrase), limit
        )

    def _fall_back(self, what: str, error: Exception, answer):
        status = getattr(error, "status_code", None) or getattr(error, "status", None)
        # A refused request (4xx other than a missing index or throttling) says
        # nothing about the engine's health: it is this request (our bug, as
        # the parser only builds requests the engine accepts). Opening the
        # breaker for it would let anyone send everyone's searches to the
        # database with a few crafted URLs, so only outages open it.
        refused = isinstance(status, int) and status < 500 and status not in (404, 429)
        if not refused:
            self.breaker.failed()
        log = logger.error if refused else logger.warning
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        if isinstance(error, NotFoundError):
            reason = f"no index {self.alias} yet; run `manage.py rebuild_directory_index`"
        log(
            "Elasticsearch could not %s (%s); the database answers %s",
            what,
            reason,
            "this request" if refused else f"for {self.breaker.cooldown:.0f} s",
        )
        return answer()

    def _engine_answered(self) -> None:
        # Only the breaker: missed writes are the worker's (its deferred retry),
        # never a visitor's to wait for.
        if self.breaker.succeeded():
            logger.info("Elasticsearch answers searches again")

    # -- query building (no server needed; tested on its own) --------------
    @staticmethod
    def phrase_query(phrase: Phrase, prefix: bool = True, fuzzy: bool = False) -> dict:
        """One alternative of a clause: a word (its term, a prefix, or fuzzy) or a phrase.

        ``prefix``: whether the word may also be a word start; ``fuzzy``:
        whether it may also be a typo of the indexed words (see ``text_query``).
        """
        if not phrase.is_word:
            return {
                "multi_match": {
                    "query": " ".join(phrase.terms),
                    "type": "phrase",
                    "fields": list(TERM_FIELDS),
                }
            }
        (word,) = phrase.words
        return {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": phrase.terms[0],
                            "fields": list(TERM_FIELDS),
                            "type": "best_fields",
                        }
                    },
                    *(
                        [
                            {
                                "multi_match": {
                                    "query": word,
                                    "fields": list(WORD_FIELDS),
                                    # No typo under four letters, one up to
                                    # seven, two from eight (``suggestions.
                                    # max_edits``): plain AUTO gives seven
                                    # letters two, so "cartoon" found "caption".
                                    "fuzziness": FUZZINESS,
                                    # Typos rarely hit the first letter; fixing
                                    # it keeps "post" from matching "most" and
                                    # the expansion cheap.
                                    "prefix_length": 1,
                                    "max_expansions": 50,
                                    "type": "best_fields",
                                }
                            }
                        ]
                        if fuzzy
                        else []
                    ),
                    *(
                        [
                            # A word start finds the word ("anim"): a plain
                            # prefix query per words field, cheaper than the
                            # phrase_prefix it replaces (issue 14, speed).
                            {"prefix": {field: {"value": word, "boost": PREFIX_WEIGHT * boost}}}
                            for field, boost in _fields_and_boosts(WORD_FIELDS)
                        ]
                        if prefix
                        else []
                    ),
                ]
            }
        }

    def text_query(
        self, clauses: list[Clause], relaxed: bool = False, typos: Collection[str] = ()
    ) -> dict:
        """Enough clauses must match (``analysis.required_matches``); within one, any phrase.

        Matching more clauses scores more; the words together as a phrase
        score more still. Only words of 3+ letters and the query's last word
        (still being typed) are also tried as word starts: short prefixes
        expand to most of the index for little gain.

        Only the words in ``typos`` are also matched fuzzily: those the
        directory does not know, corrected by ``spelling`` to a word a typo
        away (``spelling.Correction.words``), as the database backend
        corrects them. A word the directory knows is what the commissioner
        meant: expanding it to every indexed word a typo or two away cost
        half the engine's time of a broad search at 100,000 companies
        (issue 14, speed), since the word itself is among its expansions
        and every company using it was matched again in three more fields,
        and it found near-homonyms ("projection" found "production"; see
        docs/benchmarks.md, 2026-12-07).
        """
        if not clauses:
            return {"match_all": {}}
        should = []
        for position, clause in enumerate(clauses):
            last = position == len(clauses) - 1
            alternatives = [
                self.phrase_query(
                    p,
                    prefix=last or len(p.words[0]) >= MIN_PREFIX_LETTERS,
                    fuzzy=p.is_word and p.words[0] in typos,
                )
                for p in clause
            ]
            should.append(
                alternatives[0]
                if len(alternatives) == 1
                else {"bool": {"should": alternatives, "minimum_should_match": 1}}
            )
        needed = required_matches(len(should), relaxed=relaxed)
        query = {"bool": {"should": should, "minimum_should_match": needed}}
        if len(clauses) == 1:
            return query
        together = " ".join(" ".join(clause[0].terms) for clause in clauses)
        phrase = {"multi_match": {"query": together, "type": "phrase", "fields": list(TERM_FIELDS)}}
        return {"bool": {"must": [query], "should": [phrase]}}

    @staticmethod
    def _boost_functions(near=None) -> list[dict]:
        """The terms of the boost: 1, 0.15 if verified, 0.10 x completeness (+ nearness).

        Added up (``score_mode: sum``), they make the factor a text score is
        multiplied by: at most 1.25 without a centre, so the boost orders
        near-equal matches (two animation studios whose names both say
        "animation") and never lifts a passing mention above a company named
        for what was searched. The minimal server has no ``rank_feature``;
        ``function_score`` runs on any server.

        With a centre (``near``), nearness adds ``0.5 ** (miles /
        NEARBY_HALF_MILES)`` (an ``exp`` decay), up to 1 at the centre: nearer
        companies first among near-equal matches, as on the database backend.
        """
        functions = [
            {"weight": 1},
            {"filter": {"term": {"verified": True}}, "weight": VERIFIED_BOOST},
            {
                "field_value_factor": {
                    "field": "completeness",
                    "factor": COMPLETENESS_BOOST / 100,
                    "missing": 0,
                }
            },
        ]
        if near is not None:
            functions.append(
                {
                    "exp": {
                        "location": {
                            "origin": {"lat": near.latitude, "lon": near.longitude},
                            "scale": f"{NEARBY_HALF_MILES}mi",
                            "decay": 0.5,
                        }
                    }
                }
            )
        return functions

    @classmethod
    def _boosted(cls, text_query: dict) -> dict:
        """The text score multiplied by the boost (``_boost_functions``) in the query itself.

        ``boost_mode: multiply`` scales the text score by the functions' sum.
        Every match is scored so, which is what an order by relevance without
        a centre needs (and cheap: two functions that read one field each).
        """
        return {
            "function_score": {
                "query": text_query,
                "functions": cls._boost_functions(),
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        }

    @classmethod
    def nearby_rescore(cls, near) -> dict:
        """The boost with nearness, applied to the best ``NEARBY_RESCORE_WINDOW`` text matches only.

        The same score as the boost in the query would give (the text score
        times 1 + verified + completeness + nearness), but computed for the
        window's companies instead of every match: a broad word near a town
        ("animation" within 25 miles) matches tens of thousands of companies
        at 100,000, and boosting every one of them (its location, verification
        and completeness read, and the sort on more than the score) was a
        sixth to a quarter of the engine's time for the slowest query type
        (issue 14, speed; docs/benchmarks.md, 2026-12-04 "near").

        The first pass ranks by the text alone (``search_body``); the window
        is then ordered by the whole score. Its scores are never below the
        text's, so the companies past the window follow it, in text order,
        and paging stays consistent (the window is the same for every page).
        A company past the window (text no higher than the window's lowest)
        is missed only where nearness (up to 2.25 times with the boost) would
        have lifted it above one shown. Measured at 100,000 companies (180
        searches: ten words, six towns, radii of 10, 25 and 50 miles), the
        first ten were the same as with the boost over every match in all but
        one search, and the top 20 shared 19.4 companies on average, 13 at
        worst; where a search matched fewer companies than the window, the
        order was the same.

        A rescore refuses every sort but ``_score``: the tie-break after the
        score (verified, fresher, name) is applied to the page by
        ``_break_ties``.
        """
        return {
            "window_size": NEARBY_RESCORE_WINDOW,
            "query": {
                "rescore_query": {
                    "function_score": {
                        "functions": cls._boost_functions(near),
                        "score_mode": "sum",
                        "boost_mode": "replace",
                    }
                },
                "query_weight": 1,
                "rescore_query_weight": 1,
                "score_mode": "multiply",
            },
        }

    @staticmethod
    def available_by_filter(available_by, now=None) -> dict:
        """``directory.availability.available_by_q`` in Elasticsearch's words.

        The index holds what the member said and when (``availability``,
        ``availability_date``, ``availability_confirmed_at``); "now" and the
        60 days are applied here, at search time, so nothing is reindexed as
        the days pass.
        """
        day = available_by.isoformat()
        since = confirmed_since(now).isoformat()

        def said(kind, *more):
            return {"bool": {"filter": [{"term": {"availability": kind}}, *more]}}

        return {
            "bool": {
                "filter": [{"range": {"availability_confirmed_at": {"gte": since}}}],
                "should": [
                    said(Availability.NOW.value),
                    said(Availability.FROM.value, {"range": {"availability_date": {"lte": day}}}),
                    said(Availability.BOOKED.value, {"range": {"availability_date": {"lt": day}}}),
                ],
                "minimum_should_match": 1,
            }
        }

    @staticmethod
    def facet_filter(param: str, slugs) -> dict:
        return {"terms": {FACET_FIELDS[param]: list(slugs)}}

    @staticmethod
    def facet_aggs(selected: dict[str, dict]) -> dict:
        """Every facet's ``terms`` aggregation, each under every *other* selected facet's filter.

        Facets that see the same filters share one ``filter`` aggregation, and
        a facet no other selection narrows sits at the top, with none: the
        server evaluates the whole query again for each ``filter``
        aggregation, so with nothing selected the four facets cost one pass
        over the matches instead of five, and with one facet selected two
        instead of five (issue 14, speed). ``facet_counts`` reads either shape.
        """
        groups: dict[tuple[str, ...], list[str]] = {}
        for facet in FACETS:
            others = tuple(param for param in selected if param != facet.param)
            groups.setdefault(others, []).append(facet.param)
        aggs = {}
        for others, params in groups.items():
            terms = {
                param: {"terms": {"field": FACET_FIELDS[param], "size": FACET_SIZE}}
                for param in params
            }
            if not others:
                aggs.update(terms)
            else:
                name = "filtered_by_" + "_".join(others)
                filters = [selected[param] for param in others]
                aggs[name] = {"filter": {"bool": {"filter": filters}}, "aggs": terms}
        return aggs

    @staticmethod
    def facet_counts(aggregations: dict) -> dict[str, dict[str, int]]:
        """``{param: {slug: count}}`` from the aggregations of ``facet_aggs``."""
        counts = {}
        for name, agg in aggregations.items():
            inner = {name: agg} if "buckets" in agg else agg
            for param, terms in inner.items():
                if param in FACET_FIELDS and isinstance(terms, dict) and "buckets" in terms:
                    counts[param] = {b["key"]: b["doc_count"] for b in terms["buckets"]}
        return counts

    def search_body(
        self, query: SearchQuery, clauses: list[Clause], typos: Collection[str] = ()
    ) -> dict:
        """The whole request for one search: hits, every facet's counts, highlights.

        ``typos``: the query's words to match fuzzily (``text_query``).
        """
        filters = []
        if query.near is not None and query.radius_miles:
            filters.append(
                {
                    "geo_distance": {
                        "distance": f"{query.radius_miles}mi",
                        "location": {"lat": query.near.latitude, "lon": query.near.longitude},
                    }
                }
            )
        if query.verified:  # like "near": it narrows the hits and every count
            filters.append({"term": {"verified": True}})
        if query.client:  # the same: credited on a production for this client
            filters.append({"term": {"clients": client_key(query.client)}})
        if query.available_by is not None:  # the same
            filters.append(self.available_by_filter(query.available_by))
        sort = self.sort_clause(query, ranked_by_text=bool(clauses))
        text = self.text_query(clauses, query.relaxed, typos)
        # With a centre, ranked by relevance: the boost and nearness are a
        # rescore of the best text matches (``nearby_rescore``). Sorted any
        # other way (distance, name, newest), nearness would not count.
        rescored = (
            query.near is not None and bool(query.radius_miles) and sort[0] == {"_score": "desc"}
        )
        if rescored:
            sort = [{"_score": "desc"}]  # the rest of the order is ``_break_ties``'
        main = {
            "bool": {
                "must": [text if rescored else self._boosted(text)],
                "filter": filters,
            }
        }
        selected = {
            param: self.facet_filter(param, slugs)
            for param, slugs in query.filters.items()
            if slugs
        }
        aggs = self.facet_aggs(selected)
        body = {
            "query": main,
            "aggs": aggs,
            "from": query.offset,
            "size": query.page_size,
            "sort": sort,
            # Counting every match of a broad search on a large index costs
            # more than finding the page: past the cap the total is a lower
            # bound ("10,000+"), which is all anyone can page through anyway.
            "track_total_hits": TOTAL_HITS_CAP,
            "_source": ["location"],
        }
        if rescored:
            body["rescore"] = self.nearby_rescore(query.near)
            body["_source"] += TIE_BREAK_FIELDS
        if selected:
            body["post_filter"] = {"bool": {"filter": list(selected.values())}}
        if clauses and typos:
            # Only to learn which words of the description a typo matched
            # (``typo_matches``): the snippet itself is made by
            # ``results.make_highlight`` for both backends alike, and marks
            # every other matched word itself. The whole field (no
            # fragments), so no matched word is missed.
            body["highlight"] = {
                "fields": {"about": {"number_of_fragments": 0}},
                "require_field_match": False,
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
            }
        return body

    @staticmethod
    def sort_clause(query: SearchQuery, ranked_by_text: bool = True) -> list:
        """The order of the hits; with a centre and no words to rank by, the nearest first.

        Ranked by relevance (or nearness), ties go to verified companies, then
        to fresher profiles: the later calendar month of the last update or
        confirmation (``updated_month``, the month the card shows), then by
        name. A tie-break, not a boost: freshness never lifts a company above
        a more relevant one. ``unmapped_type`` keeps an index built before the
        field existed answering until it is rebuilt. With a centre and ranked
        by relevance, ``search_body`` keeps only the score (a rescore allows
        no more) and ``_break_ties`` applies the rest to the page.
        """
        by_name = [{"sort_title": "asc"}, {"company_id": "asc"}]
        fresher = {
            "updated_month": {"order": "desc", "missing": "_last", "unmapped_type": "integer"}
        }
        if query.sort is Sort.NAME:
            return by_name
        if query.sort is Sort.NEWEST:
            return [{"joined_at": {"order": "desc", "missing": "_last"}}, *by_name]
        if query.near is not None and (
            query.sort is Sort.DISTANCE or (not ranked_by_text and query.radius_miles)
        ):
            centre = {"lat": query.near.latitude, "lon": query.near.longitude}
            nearest = {"_geo_distance": {"location": centre, "order": "asc", "unit": "mi"}}
            if query.sort is Sort.DISTANCE:
                return [nearest, *by_name]
            return [nearest, {"verified": "desc"}, fresher, *by_name]
        return [{"_score": "desc"}, {"verified": "desc"}, fresher, *by_name]

    @staticmethod
    def _break_ties(hits: list[dict]) -> list[dict]:
        """A page ordered by score alone (a rescore), its equal scores in ``sort_clause``'s order.

        Verified first, then the fresher month (none last), then by name and
        id, read from each hit's ``_source`` (``TIE_BREAK_FIELDS``). Only
        within the page: companies of one score split across two pages keep
        the engine's order (its document order) across the boundary, and
        every company is still on exactly one page.
        """

        def tie_break(hit):
            source = hit.get("_source") or {}
            month = source.get("updated_month")
            return (
                not source.get("verified"),
                month is None,
                -(month or 0),
                source.get("sort_title") or "",
                int(hit["_id"]),
            )

        ordered = []
        for _score, equal in groupby(hits, key=lambda hit: hit.get("_score")):
            ordered += sorted(equal, key=tie_break)
        return ordered

    def _results(self, query, clauses, response, started, rescored=False) -> SearchResults:
        hits = response["hits"]["hits"]
        if rescored:
            hits = self._break_ties(hits)
        ids = [int(hit["_id"]) for hit in hits]
        distances = None
        if query.near is not None:
            distances = {}
            for hit in hits:
                location = (hit.get("_source") or {}).get("location")
                if location:
                    distances[int(hit["_id"])] = haversine_miles(
                        query.near.latitude, query.near.longitude, location["lat"], location["lon"]
                    )
        phrases = [p for clause in clauses for p in clause]
        matched_words = {
            int(hit["_id"]): typo_matches(hit.get("highlight", {}).get("about", []), phrases)
            for hit in hits
        }
        counts = self.facet_counts(response.get("aggregations", {}))
        total = response["hits"]["total"]
        return SearchResults(
            query=query,
            total=total["value"],
            total_is_exact=total.get("relation", "eq") == "eq",
            hits=hydrate_hits(
                ids,
                distances=distances,
                phrases=phrases,
                matched_words=matched_words,
            ),
            facets=build_facets(query, counts),
            backend=self.name,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
            notes=query.notes,
        )

    @staticmethod
    def suggest_body(phrase: str, limit: int) -> dict:
        # Fuzzy options are checked in Python (``_company_candidates``), and
        # exact ones may share a completion text ("animation"): ask for more
        # than will be shown. Duplicates are dropped by company there, not by
        # text here (``skip_duplicates`` would keep one "animation" company).
        completion = {"field": "suggest", "size": limit * 3}
        if max_edits(phrase):
            # A typo while typing still completes ("animaiton" -> "Kiln Animation"),
            # bounded as ``suggestions.max_edits`` says.
            completion["fuzzy"] = {"fuzziness": max_edits(phrase), "prefix_length": 1}
        return {
            "size": 0,
            "_source": ["display_title", "sort_title", "url"],
            "suggest": {"companies": {"prefix": phrase, "completion": completion}},
        }

    @staticmethod
    def _company_candidates(phrase: str, response, limit: int) -> list[tuple[int, Suggestion]]:
        """Up to ``limit`` companies: word-start matches, then typo matches, each by name.

        The engine's fuzziness counts edits like ``suggestions.typo_edits``
        (transpositions are one), which each option is held to, so the
        database backend would suggest the same companies.
        """
        best: dict[str, tuple[int, str, Suggestion]] = {}
        for option in response.get("suggest", {}).get("companies", [{}])[0].get("options", []):
            edits = typo_edits(phrase, [option.get("text", "")])
            if edits is None:
                continue
            source = option.get("_source", {})
            key = (edits, source.get("sort_title", ""))
            if option["_id"] not in best or key < best[option["_id"]][:2]:
                suggestion = Suggestion(
                    kind="company", label=_title_of(source), url=source.get("url", "")
                )
                best[option["_id"]] = (*key, suggestion)
        ranked = sorted(best.values(), key=lambda found: found[:2])[:limit]
        return [(edits, suggestion) for edits, _title, suggestion in ranked]

    # -- writes (the index lifecycle of ``base.SearchBackend``) ---------------
    def update_companies(self, company_ids: list[int]) -> None:
        """Write these companies (or remove them); on failure keep them for a retry.

        A direct write, for tools and tests: edits go through the worker
        (``tasks.write_index_updates``). Never raises for an engine failure:
        the change is recorded as ``PendingIndexUpdate`` rows for the worker.
        """
        ids = sorted({int(i) for i in company_ids if i is not None})
        if not ids:
            return
        if not self.breaker.allow():
            tasks.record_failure(ids, "Elasticsearch unavailable (circuit open)")
            return
        try:
            self.index.write(ids, timeout=self.write_timeout)
        except WRITE_ERRORS as error:
            self.breaker.failed()
            logger.warning("Elasticsearch could not index companies %s: %s", ids, error)
            tasks.record_failure(ids, f"{type(error).__name__}: {error}")
            return
        self.breaker.succeeded()
        tasks.forget(ids)

    def changes_pending(self, company_ids) -> None:
        """Inside the edit's transaction: the write-ahead rows (``tasks.record_intent``)."""
        tasks.record_intent(company_ids)

    def changes_committed(self, company_ids) -> None:
        """After the commit: the worker writes them; the rows keep them safe until it has."""
        tasks.schedule_write(company_ids)

    def write_pending(self, company_ids=()) -> int:
        """The worker's job: write these companies, then everything still pending.

        Stops at the first failure (the engine is still away), leaving the rest
        with their counters raised and a retry deferred.
        """
        ids = sorted({int(i) for i in company_ids})
        if ids:
            self.update_companies(ids)
            if self.breaker.is_open:
                return 0  # it just failed: the deferred retry writes the rest
        written = 0
        while batch := tasks.pending_batch():
            rows, ids_ = batch
            try:
                self.index.write(ids_, timeout=self.write_timeout)
            except WRITE_ERRORS as error:
                self.breaker.failed()
                tasks.record_attempt(rows, f"{type(error).__name__}: {error}")
                logger.warning("Writing %d pending index updates failed: %s", len(ids_), error)
                tasks.schedule_retry()
                break
            self.breaker.succeeded()
            # Only the rows read above: a change recorded meanwhile stays pending.
            tasks.remove(rows)
            written += len(ids_)
        if written:
            logger.info("Wrote %d pending index updates", written)
        return len(ids) + written

    def pending_count(self) -> int:
        return tasks.pending_count()

    def rebuild(self, *, stdout=None, progress: bool = True, batch_size: int = 500):
        """A new index, filled from the database, swapped in behind the alias (see ``index``)."""
        with self._index_unavailable():
            return self.index.rebuild(stdout=stdout, progress=progress, batch_size=batch_size)

    def check(self, *, batch_size: int = 500) -> CheckReport:
        with self._index_unavailable():
            return self.index.check(batch_size=batch_size)

    @contextmanager
    def _index_unavailable(self):
        """An engine error in a tool's long operation, said as the contract says it."""
        try:
            yield
        except ENGINE_ERRORS as error:
            raise IndexUnavailable(f"Elasticsearch at {', '.join(self.urls)}: {error}") from error

    def refresh(self) -> None:
        """Make every write so far visible to searches (tests and tools)."""
        self.index.client.indices.refresh(index=self.index.pattern, ignore_unavailable=True)


def _title_of(source: dict) -> str:
    return source.get("display_title") or source.get("title", "")
