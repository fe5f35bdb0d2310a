"""Search-box suggestions, the parts both backends share.

A backend finds the *companies* whose name starts (at any word) with what was
typed, its own way: the database backend in its entries, Elasticsearch with its
completion suggester. Everything else is here, once, so the two answer alike:

* **Terms**: skills, sectors and places. The taxonomies are small and change
  rarely, so their names are kept in the shared cache (Redis in production)
  and matched in Python; saving or deleting a term clears the entry (as the
  synonyms do, ``analysis.synonym_rows``). A skill or a sector leads to the
  directory filtered by it, a place to the directory ``near=`` that town.
* **Typos**: :func:`typo_edits` says how many edits make what was typed the
  start of a word of a name (rapidfuzz's optimal string alignment, so a swap
  of two letters is one edit). Bounded more tightly than Elasticsearch's
  ``fuzziness: AUTO`` (which would let "cartoon" suggest "caption"): nothing
  under four letters, one edit up to seven, two from eight, and the first
  letter must be right (``prefix_length: 1``). The database backend
  uses it for company names too, and Elasticsearch's fuzzy completions are
  checked by it, so both forgive the same typos.
* **The mix** (:func:`mix`): word-start matches before typo matches, and each
  kind its fair share of the places, so eight companies cannot crowd out the
  one skill that matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.cache import cache

from rapidfuzz.distance import OSA

from cms.invalidation import forget_on_change
from directory.filter_urls import filter_url
from directory.models import DirectoryIndexPage, Place, Sector, Skill

from .analysis import JOINED_MARK, analyse
from .base import Suggestion

# The kinds, in the order a list of suggestions shows them.
KINDS = ("company", "skill", "sector", "place")
# What each term kind is, and the directory parameter a suggestion of it sets.
TERM_SOURCES = (("skill", Skill, "skill"), ("sector", Sector, "sector"), ("place", Place, "near"))
TERMS_KEY = "search:suggest-terms"
TERMS_TIMEOUT = 60 * 60  # a safety net: every change clears the entry itself
MIN_TYPO_LENGTH = 4
TWO_TYPO_LENGTH = 8

# (edits, suggestion): 0 edits for a word-start match.
Candidate = tuple[int, Suggestion]


def max_edits(phrase: str) -> int:
    """How many typos a phrase this long may have: 0, then 1 from four letters, 2 from eight."""
    if len(phrase) < MIN_TYPO_LENGTH:
        return 0
    return 1 if len(phrase) < TWO_TYPO_LENGTH else 2


def word_starts(analysed_words: str) -> list[str]:
    """Where a suggestion may match: every tail of the words, and each joined compound.

    ``analysed_words`` is a name's ``Analysed.words`` ("post production house
    | postproduction", padded or not): "prod" then matches at "production
    house", and "postprod" at the compound, as the completion inputs of
    ``index.title_suggestions`` do.
    """
    main, _mark, joined = analysed_words.partition(JOINED_MARK)
    parts = main.split()
    return [" ".join(parts[i:]) for i in range(len(parts))] + joined.split()


def typo_edits(phrase: str, starts: Iterable[str], most: int | None = None) -> int | None:
    """The fewest edits that make ``phrase`` the start of one of ``starts`` (0: it is one).

    ``None`` when none is within ``most`` edits (by default :func:`max_edits`).
    A start is compared with the phrase at its own length and up to ``most``
    letters shorter or longer, so "animaiton" finds "animation house" and
    "documentry" finds "documentary".
    """
    most = max_edits(phrase) if most is None else most
    best = None
    for start in starts:
        if start.startswith(phrase):
            return 0
        if not most or start[:1] != phrase[:1]:
            continue
        for length in range(max(1, len(phrase) - most), len(phrase) + most + 1):
            edits = OSA.distance(phrase, start[:length], score_cutoff=most)
            if edits <= most and (best is None or edits < best):
                best = edits
    return best


# -- terms: skills, sectors, places -----------------------------------------------
def suggestion_terms() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Every term as ``(kind, slug, name, word starts)``, from the shared cache.

    Three small queries when the entry is missing, none otherwise.
    """
    terms = cache.get(TERMS_KEY)
    if terms is None:
        terms = [
            (kind, slug, name, tuple(word_starts(analyse(name).words)))
            for kind, model, _param in TERM_SOURCES
            for slug, name in model.objects.order_by("name", "slug").values_list("slug", "name")
        ]
        cache.set(TERMS_KEY, terms, TERMS_TIMEOUT)
    return terms


forget_on_change(TERMS_KEY, *(model for _kind, model, _param in TERM_SOURCES), uid="search-suggest")


def term_candidates(phrase: str) -> list[Candidate]:
    """The skills, sectors and places ``phrase`` starts a word of, or nearly does.

    Within one number of edits, names that start with the phrase come before
    those where a later word does ("Documentary" before "Factual documentary").
    """
    found = []
    for kind, slug, name, starts in suggestion_terms():
        edits = typo_edits(phrase, starts)
        if edits is not None:
            first_word = typo_edits(phrase, starts[:1]) == edits
            found.append((edits, not first_word, name.casefold(), kind, slug, name))
    if not found:
        return []
    found.sort()
    base = DirectoryIndexPage.live_url()
    params = {kind: param for kind, _model, param in TERM_SOURCES}
    return [
        (edits, Suggestion(kind=kind, label=name, url=filter_url(base, [(params[kind], slug)])))
        for edits, _later, _key, kind, slug, name in found
    ]


# -- the mix ------------------------------------------------------------------------
def mix(candidates: Sequence[Candidate], limit: int) -> list[Suggestion]:
    """At most ``limit`` suggestions: closest matches first, every kind its share.

    ``candidates`` are in each kind's own order. Places are dealt out one
    number of edits at a time (word-start matches, then one typo, then two),
    and within it one kind at a time in turn, so a kind with many matches
    takes only the places the others leave. The list shows the chosen ones
    by number of edits, then by kind, each kind in its own order.
    """
    if limit < 1:
        return []
    queues: dict[tuple[int, str], list[Candidate]] = {}
    for number, (edits, suggestion) in enumerate(candidates):
        queues.setdefault((edits, suggestion.kind), []).append((number, suggestion))
    chosen: list[tuple[int, int, int, Suggestion]] = []
    for edits in sorted({edits for edits, _kind in queues}):
        turns = [queues.get((edits, kind), []) for kind in KINDS]
        while len(chosen) < limit and any(turns):
            for rank, queue in enumerate(turns):
                if queue and len(chosen) < limit:
                    number, suggestion = queue.pop(0)
                    chosen.append((edits, rank, number, suggestion))
    return [suggestion for *_order, suggestion in sorted(chosen, key=lambda c: c[:3])]
