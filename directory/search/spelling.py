"""Spelling: a query's unknown words corrected to the directory's own, on both backends.

**The vocabulary** is every word the listed companies' indexed text uses
(``models.SearchWord``), with the number of companies using it. It is kept
exact as entries are written (``indexing`` calls :func:`count_changes` and
:func:`apply_changes` in the edit's own transaction), so it never needs a
scan of the entries at search time, and :func:`replace_vocabulary` rebuilds it.

**A correction** (:func:`correct`): a query word of four letters or more
that no company's text has, neither as a word start ("anim") nor by its stem
("animations"), is replaced by the nearest vocabulary word within the same
edits a typo may have anywhere in search (``suggestions.max_edits``: one up to
seven letters, two from eight, the first letter right; rapidfuzz's optimal
string alignment, so a swap is one edit). Among equally near words the one
more companies use wins ("animaton" is "animation", not "animator"). A word
for the person is corrected to the work first, when companies write that
("compositors" to "compositing", :func:`agent_work`). Stop words
and words of the editors' synonyms are never corrected.

How the backends use it:

* the typo and its correction make a one-way equivalence (like a one-way
  synonym) in the query's clauses (``DatabaseBackend.text_clauses``, which
  Elasticsearch's queries are built from too), so both backends also match the
  corrected word, with its stems and synonyms, before matching anything;
* ``run_search`` returns the corrected text as ``did_you_mean`` (the page's
  "Did you mean …?" link and the API's field): the typed words found nothing
  by themselves.

Each word's answer is cached in the shared cache under the vocabulary's
version, which every change to the vocabulary renews: a search reads two cache
entries and no table, until a member's edit teaches the directory a word.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce

from django.core.cache import cache
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest

from rapidfuzz.distance import OSA

from cms.invalidation import forget

from .analysis import (
    JOINED_MARK,
    STOP_WORDS,
    WORD_AS_WRITTEN,
    Equivalence,
    Phrase,
    fold,
    synonym_rows,
    term,
    words,
)
from .models import SearchWord
from .suggestions import MIN_TYPO_LENGTH, max_edits

# The entry fields whose words make the vocabulary (``indexing.ENTRY_FIELDS``).
WORD_FIELDS = ("title_words", "keyword_words", "body_words")
MAX_WORD_LENGTH = 60  # ``SearchWord.word``; longer "words" are not words
VERSION_KEY = "search:vocabulary-version"
WORD_KEY = "search:spelling:{version}:{word}"
WORD_TIMEOUT = 60 * 60  # a safety net: a new version leaves old entries unread
# "compositor(s)", "producer(s)": the person, whose work is "…ing" (``agent_work``).
AGENT_ENDINGS = ("ors", "ers", "or", "er")
MIN_AGENT_BASE = 5
_PART = re.compile(r"[^\W_]+")  # a word's letters and digits, between hyphens


# -- the vocabulary -----------------------------------------------------------------
def entry_words(values: Mapping[str, str]) -> set[str]:
    """The distinct words of one company's entry (its fields' ``words``, joined forms too)."""
    found: set[str] = set()
    for name in WORD_FIELDS:
        found.update(values.get(name, "").split())
    found.discard(JOINED_MARK)
    return {w for w in found if len(w) <= MAX_WORD_LENGTH and not w.isdigit()}


def count_changes(before: Iterable[set[str]], after: Iterable[set[str]]) -> Counter:
    """How many more (or fewer) companies use each word, from their words before and after."""
    change: Counter = Counter()
    for words_of_one in after:
        change.update(words_of_one)
    for words_of_one in before:
        change.subtract(words_of_one)
    return Counter({word: n for word, n in change.items() if n})


def _rows(words_: Iterable[str]) -> list[SearchWord]:
    return [
        SearchWord(word=w, term=term(w)[:MAX_WORD_LENGTH], initial=w[0], length=len(w))
        for w in words_
    ]


def apply_changes(change: Counter) -> None:
    """Add ``change`` to the companies' counts: new words added, unused ones removed.

    A few statements whatever the number of words: one insert of the new ones,
    one update per distinct change (+1, -1, +2…), one delete.
    """
    if not change:
        return
    added = [w for w, n in change.items() if n > 0]
    if added:
        SearchWord.objects.bulk_create(_rows(added), ignore_conflicts=True, batch_size=500)
    by_amount: dict[int, list[str]] = {}
    for word, amount in change.items():
        by_amount.setdefault(amount, []).append(word)
    for amount, words_ in by_amount.items():
        # Never below none: a count that drifted (entries written by hand) must
        # not fail an editor's save on PostgreSQL's check of a positive field.
        count = F("documents") + amount
        SearchWord.objects.filter(word__in=words_).update(
            documents=count if amount > 0 else Greatest(count, Value(0))
        )
    removed = [w for w, n in change.items() if n < 0]
    if removed:
        SearchWord.objects.filter(word__in=removed, documents__lte=0).delete()
    vocabulary_changed()


def replace_vocabulary(counts: Counter) -> int:
    """The vocabulary afresh: ``counts`` is the number of companies using each word.

    ``indexing.rebuild_database_entries`` counts them as it writes every entry.
    """
    SearchWord.objects.all().delete()
    rows = _rows(counts)
    for row in rows:
        row.documents = counts[row.word]
    SearchWord.objects.bulk_create(rows, batch_size=1000)
    vocabulary_changed()
    return len(rows)


def vocabulary_changed() -> None:
    """Every cached answer is out of date: the next search starts a new version."""
    forget(VERSION_KEY)


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or ""
    return version


# -- corrections ----------------------------------------------------------------------
@dataclass(frozen=True)
class Correction:
    """A query with its unknown words replaced: ``text`` as typed otherwise."""

    text: str
    words: dict[str, str] = field(default_factory=dict)  # typed (normalised) -> correction

    @property
    def equivalences(self) -> list[Equivalence]:
        """Each typo also looks for its correction, one way (as a one-way synonym does)."""
        return [
            Equivalence(phrases=(Phrase.of([typo]), Phrase.of([fix])), sources=(Phrase.of([typo]),))
            for typo, fix in self.words.items()
        ]


NO_CORRECTION = Correction(text="")


def _checked_words(text: str) -> list[str]:
    """The words of ``text`` a correction may change (long enough, not stop or synonym words)."""
    protected = {w for terms, _one_way in synonym_rows() for w in words(terms)}
    return [
        w
        for w in dict.fromkeys(words(text))
        if len(w) >= MIN_TYPO_LENGTH
        and not w.isdigit()
        and w not in STOP_WORDS
        and w not in protected
    ]


def agent_work(word: str) -> tuple[str, ...]:
    """What the person a word names does: "compositors" -> ("compositing", "composit").

    Commissioners ask for the person ("compositor", "producer") where members
    write the work ("compositing", "producing"), and the stemmer keeps the two
    apart. Only for a base of five letters or more.
    """
    for ending in AGENT_ENDINGS:
        base = word.removesuffix(ending)
        if base != word and len(base) >= MIN_AGENT_BASE:
            return (f"{base}ing", base)
    return ()


def nearest(word: str, candidates: Iterable[tuple[str, str, int]]) -> str | None:
    """The correction of ``word`` among ``(word, term, documents)`` rows, or ``None``.

    ``None`` too when the word is known: some row starts with it or shares its
    stem. A person's word is corrected to the work when the directory has it
    (:func:`agent_work`), before any word merely a typo or two away
    ("compositor" is two edits from "composition").
    """
    stem = term(word)
    most = max_edits(word)
    best: tuple[int, int, str] | None = None
    known: set[str] = set()
    for candidate, candidate_term, documents in candidates:
        if candidate.startswith(word) or candidate_term == stem:
            return None
        known.add(candidate)
        if candidate[:1] != word[:1] or abs(len(candidate) - len(word)) > most:
            continue
        edits = OSA.distance(word, candidate, score_cutoff=most)
        if edits <= most:
            key = (edits, -documents, candidate)
            if best is None or key < best:
                best = key
    work = next((work for work in agent_work(word) if work in known), None)
    return work or (best[2] if best else None)


def _corrections_from_vocabulary(checked: list[str]) -> dict[str, str]:
    """One query for all ``checked`` words: each one's correction, or "" when it needs none."""
    condition = reduce(
        lambda a, b: a | b,
        (
            Q(initial=w[0], length__gte=len(w) - max_edits(w))
            | Q(term=term(w)[:MAX_WORD_LENGTH])
            | Q(word__in=agent_work(w))
            for w in checked
        ),
    )
    rows = list(SearchWord.objects.filter(condition).values_list("word", "term", "documents"))
    return {w: nearest(w, rows) or "" for w in checked}


_within = threading.local()


@contextmanager
def one_search():
    """Within it, each text is corrected once (``run_search``: the backend's clauses,
    a relaxed or last-page search again, and ``did_you_mean`` all ask)."""
    outer = getattr(_within, "answers", None)
    _within.answers = {} if outer is None else outer
    try:
        yield
    finally:
        _within.answers = outer


def correct(text: str) -> Correction:
    """``text`` with its unknown words corrected (``NO_CORRECTION`` when none needs to be)."""
    answers = getattr(_within, "answers", None)
    if answers is None:
        return _correct(text)
    if text not in answers:
        answers[text] = _correct(text)
    return answers[text]


def _correct(text: str) -> Correction:
    checked = _checked_words(text)
    if not checked:
        return NO_CORRECTION
    version = _version()
    keys = {w: WORD_KEY.format(version=version, word=w) for w in checked}
    cached = cache.get_many(keys.values()) if version else {}
    answers = {w: cached[k] for w, k in keys.items() if k in cached}
    missing = [w for w in checked if w not in answers]
    if missing:
        found = _corrections_from_vocabulary(missing)
        if version:
            cache.set_many({keys[w]: fix for w, fix in found.items()}, WORD_TIMEOUT)
        answers.update(found)
    fixes = {w: fix for w, fix in answers.items() if fix}
    if not fixes:
        return NO_CORRECTION
    return Correction(text=_replaced(text, fixes), words=fixes)


def _replaced(text: str, fixes: Mapping[str, str]) -> str:
    """``text`` as typed, each word (or part of a hyphenated one) in ``fixes`` replaced."""

    def part(match: re.Match) -> str:
        return fixes.get(fold(match.group()), match.group())

    return WORD_AS_WRITTEN.sub(lambda match: _PART.sub(part, match.group()), text)
