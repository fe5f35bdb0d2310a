"""The one text analysis of directory search, used by both backends at index and query time.

The minimal Elasticsearch server has no stemmer, no ``asciifolding`` and no
synonym filter, so text is analysed here, in Python, and Elasticsearch gets
the resulting tokens (indexed with its ``whitespace`` analyzer). The database
backend stores exactly the same tokens, so the two backends match the same
words (the contract suite compares their stored text).

**A text is analysed** in these steps (``words`` then ``terms``):

1. HTML tags are stripped and entities decoded ("children&#x27;s" is
   "children's", never ``children x27 s``);
2. accents and case are folded (``anyascii``, then lower case: "Café" is
   "cafe");
3. it is cut into words of letters and digits; an apostrophe's "'s" is dropped
   and other apostrophes closed up ("children's" -> "children", "o'neill" ->
   "oneill"); a hyphenated word gives its parts *and* its joined form
   ("stop-motion" -> "stop", "motion" and "stopmotion");
4. for its *term*, a word's British spelling becomes the American one by
   rule (:func:`spelling`: colour -> color, organise -> organize, centre ->
   center, programme -> program, catalogue -> catalog, modelling ->
   modeling, licence -> license), and the result is stemmed with the English
   Snowball stemmer ("animations" and "animation" are both ``anim``,
   "colourist" and "colorist" both ``colorist``).

A field is stored as two strings of tokens, each word once in each: its
*terms* (step 4, matched as whole tokens: "animations" finds "animation")
and its *words* (step 3, as written, matched as word starts, and by
Elasticsearch with typo tolerance: "anim", "animaton"). The joined forms of
hyphenated words go at the end after a ``|``, so that phrases match the
words as written.

**A query** is analysed the same way (:func:`query_clauses`), then cut into
clauses, each a list of alternative :class:`Phrase` values: every clause must
match, any of its phrases will do. Equivalent phrases come from

* the editors' synonyms (``models.Synonym``; two-way, or one-way from the
  first term), and
* compounds: a hyphenated word seen in any indexed text, or in the query
  itself, makes its joined and split forms equivalent ("stopmotion" also
  looks for the phrase "stop motion" and the other way round; see
  ``models.SearchCompound``).

Both are read when the query is answered, so a change to the synonyms
applies to the next search, with no reindex.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.utils.html import strip_tags

import Stemmer
from anyascii import anyascii

from cms.invalidation import forget_on_change

from .models import SearchCompound, Synonym

# Chunks of text that make one word: letters and digits, joined by hyphens or
# apostrophes ("stop-motion", "children's").
_CHUNK = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# Tags that end a block of text: replaced by a space, so that paragraphs
# never run together ("<p>VFX</p><p>Grading</p>" is two words).
_BLOCK_TAG = re.compile(r"<(?:/?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th)\b)[^>]*>", re.I)
# Separates the joined forms of hyphenated words from the words as written.
JOINED_MARK = "|"


def clean(text: str) -> str:
    """Plain text from HTML: tags stripped, entities decoded ("a &amp; b" -> "a & b")."""
    if not text:
        return ""
    # Decode twice at most: imported text is sometimes escaped once more
    # ("&amp;#x27;"), and an entity must never survive as letters.
    plain = html.unescape(strip_tags(_BLOCK_TAG.sub(" ", text)))
    if "&" in plain:
        plain = html.unescape(plain)
    return " ".join(plain.split())


def fold(text: str) -> str:
    """Lower-case ASCII: "Café Películas" -> "cafe peliculas" (no HTML handling)."""
    return anyascii(text or "").lower()


# -- spelling -----------------------------------------------------------------
# Each rule maps a British ending to the American one; ``exceptions`` are the
# words (in their base form) where the ending is not a spelling variant.
@dataclass(frozen=True)
class _SpellingRule:
    pattern: re.Pattern
    replacement: str
    base: str  # the base word, to look up in ``exceptions``
    exceptions: frozenset[str] = frozenset()


_OUR_SUFFIXES = "s|ed|ing|ist|ists|ite|ites|ful|er|ers|ism|less|able|hood|ly|way|ways"
_SPELLING_RULES = (
    # colour, colourist, behaviour, flavoured (three letters at least before
    # "our": never four, hour, your, tour, flour)
    _SpellingRule(
        re.compile(rf"^([a-z]{{3,}})our({_OUR_SUFFIXES})?$"),
        r"\1or\2",
        r"\1our",
        frozenset({"detour", "contour", "devour", "velour", "amour", "paramour", "troubadour"}),
    ),
    # organise, digitised, realising, organisation (a consonant before "ise":
    # never noise, raise, cruise)
    _SpellingRule(
        re.compile(r"^([a-z]{2,}[^aeiou])is(e|ed|es|ing|er|ers|ation|ations)$"),
        r"\1iz\2",
        r"\1ise",
        frozenset(
            {
                "advertise",
                "advise",
                "apprise",
                "chastise",
                "circumcise",
                "comprise",
                "compromise",
                "concise",
                "demise",
                "despise",
                "devise",
                "disguise",
                "enterprise",
                "excise",
                "exercise",
                "expertise",
                "franchise",
                "improvise",
                "incise",
                "merchandise",
                "otherwise",
                "precise",
                "premise",
                "promise",
                "revise",
                "supervise",
                "surmise",
                "surprise",
                "televise",
                "treatise",
                "reprise",
                "mortise",
                "likewise",
                "clockwise",
                "paradise",
                "anise",
            }
        ),
    ),
    # analyse, paralysed, catalysing
    _SpellingRule(re.compile(r"^([a-z]{2,})ys(e|ed|es|ing|er|ers)$"), r"\1yz\2", r"\1yse"),
    # centre, theatre, fibre, metres
    _SpellingRule(
        re.compile(r"^([a-z]{2,}[tb])re(s)?$"),
        r"\1er\2",
        r"\1re",
        frozenset({"macabre", "timbre", "outre"}),
    ),
    # programme, programmes
    _SpellingRule(re.compile(r"^([a-z]*gram)me(s)?$"), r"\1\2", r"\1me"),
    # catalogue, dialogues, analogue
    _SpellingRule(re.compile(r"^([a-z]*log)ue(s)?$"), r"\1\2", r"\1ue"),
    # modelling, travelled, cancelling (an unstressed syllable before: never
    # selling, filling, calling)
    _SpellingRule(re.compile(r"^([a-z]{3,}[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2", r"\1l"),
    # licence, defence, offence, pretence
    _SpellingRule(re.compile(r"^([a-z]*(?:fen|cen|ten))ce(s)?$"), r"\1se\2", r"\1ce"),
    # grey, greys, greyed
    _SpellingRule(re.compile(r"^grey(s|ed|ing|ish)?$"), r"gray\1", "grey"),
)


@lru_cache(maxsize=50_000)
def spelling(word: str) -> str:
    """The American spelling of a folded word, by rule; other words unchanged."""
    for rule in _SPELLING_RULES:
        match = rule.pattern.match(word)
        if match and match.expand(rule.base) not in rule.exceptions:
            return match.expand(rule.replacement)
    return word


# -- stemming -----------------------------------------------------------------
# PyStemmer's stemmer objects must not be shared between threads.
_stemmers = threading.local()


# Where the stemmer joins two of the trades' words that commissioners keep
# apart (like Elasticsearch's ``stemmer_override``): "animal" and "animation"
# are both ``anim``, "product" and "production" both ``product``.
_STEM_OVERRIDES = {
    "animal": "animal",
    "animals": "animal",
    "production": "production",
    "productions": "production",
}


@lru_cache(maxsize=100_000)
def term(word: str) -> str:
    """A folded word's term: its American spelling, stemmed ("colourists" -> "colorist")."""
    return stem(spelling(word))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The English Snowball stem of a folded word ("animations" -> "anim")."""
    if word in _STEM_OVERRIDES:
        return _STEM_OVERRIDES[word]
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return stemmer.stemWord(word)


# -- words ----------------------------------------------------------------------
def _chunks(text: str) -> list[list[str]]:
    """The words of ``text`` (HTML already cleaned), each as its hyphen-separated parts."""
    return [list(parts) for parts in map(_parts, _CHUNK.findall(fold(text))) if parts]


@lru_cache(maxsize=100_000)
def _parts(chunk: str) -> tuple[str, ...]:
    # Cached: the same words come back in every company's text.
    if chunk.endswith("'s"):
        chunk = chunk[:-2]
    return tuple(p for p in chunk.replace("'", "").split("-") if p)


def _joined(parts: list[str]) -> str:
    return "".join(parts)


def compounds(text: str) -> dict[str, tuple[str, ...]]:
    """The hyphenated words of ``text``: ``{joined form: parts}`` ("stopmotion": stop, motion)."""
    return {_joined(parts): tuple(parts) for parts in _chunks(clean(text)) if len(parts) > 1}


@dataclass(frozen=True)
class Analysed:
    """One field's tokens, as both backends store them (space-separated strings)."""

    terms: str  # stems, matched as whole tokens
    words: str  # normalised words, matched as word starts (and fuzzily by Elasticsearch)


def analyse(*texts: str) -> Analysed:
    """Analyse the texts of one field (HTML allowed) into its terms and words."""
    words: list[str] = []
    joined: list[str] = []
    for text in texts:
        for parts in _chunks(clean(text)):
            words.extend(parts)
            if len(parts) > 1:
                joined.append(_joined(parts))
    if joined:
        words += [JOINED_MARK, *joined]
    return Analysed(
        terms=" ".join(w if w == JOINED_MARK else term(w) for w in words),
        words=" ".join(words),
    )


def words(text: str) -> list[str]:
    """The normalised words of ``text`` as written (hyphenated ones as their parts)."""
    return [part for parts in _chunks(clean(text)) for part in parts]


def padded(tokens: str) -> str:
    """Tokens with a space at each end, as the database stores them (" kiln anim ")."""
    return f" {tokens} " if tokens else ""


# -- queries ----------------------------------------------------------------------
@dataclass(frozen=True)
class Phrase:
    """One alternative of a clause: one word, or several that must be adjacent."""

    words: tuple[str, ...]
    terms: tuple[str, ...]

    @classmethod
    def of(cls, parts: Iterable[str]) -> Phrase:
        parts = tuple(parts)
        return cls(words=parts, terms=tuple(term(p) for p in parts))

    @property
    def is_word(self) -> bool:
        return len(self.words) == 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


Clause = list[Phrase]


@dataclass(frozen=True)
class Equivalence:
    """Phrases that mean the same: each of ``sources`` also looks for every one of ``phrases``."""

    phrases: tuple[Phrase, ...]
    sources: tuple[Phrase, ...]

    @classmethod
    def of(cls, texts: Iterable[str], *, one_way: bool = False) -> Equivalence | None:
        phrases = tuple(dict.fromkeys(Phrase.of(ws) for ws in map(words, texts) if ws))
        if len(phrases) < 2:
            return None
        return cls(phrases=phrases, sources=phrases[:1] if one_way else phrases)


def compound_equivalence(joined: str, parts: Iterable[str]) -> Equivalence:
    """A joined word and its split form mean the same ("stopmotion", "stop motion")."""
    phrases = (Phrase.of([joined]), Phrase.of(parts))
    return Equivalence(phrases=phrases, sources=phrases)


def query_words(text: str) -> list[list[str]]:
    """The words of a free-text query, each as its hyphen-separated parts, without repeats."""
    seen: set[tuple[str, ...]] = set()
    result = []
    for parts in _chunks(clean(text)):
        if tuple(parts) not in seen:
            seen.add(tuple(parts))
            result.append(parts)
    return result


def candidate_compounds(text: str) -> set[str]:
    """Joined forms a query could be written as: each word, and each pair of adjacent words."""
    flat = [part for parts in query_words(text) for part in parts]
    return set(flat) | {_joined(flat[i : i + 2]) for i in range(len(flat) - 1)}


def query_clauses(text: str, equivalences: Iterable[Equivalence] = ()) -> list[Clause]:
    """The query as clauses of alternative phrases (see the module docstring).

    The query's terms (stems) are read left to right; where the longest run
    of them is a source phrase of some equivalences, that run becomes one
    clause holding every phrase equivalent to it (followed through other
    equivalences, so a compound's split form also brings its synonyms);
    any other word is a clause of its own.
    """
    chunks = query_words(text)
    if not chunks:
        return []
    equivalences = list(equivalences)
    # The query's own hyphenated words are compounds too ("stop-motion").
    equivalences += [compound_equivalence(_joined(p), p) for p in chunks if len(p) > 1]
    flat = [part for parts in chunks for part in parts]
    terms = [term(part) for part in flat]
    clauses: list[Clause] = []
    i = 0
    while i < len(terms):
        best_length, matched = 0, []
        for equivalence in equivalences:
            for source in equivalence.sources:
                n = len(source.terms)
                if n >= best_length and tuple(terms[i : i + n]) == source.terms:
                    if n > best_length:
                        best_length, matched = n, []
                    matched.append(equivalence)
        if not matched:
            clauses.append([Phrase.of([flat[i]])])
            i += 1
            continue
        phrases = [Phrase.of(flat[i : i + best_length])]
        pending = matched
        while pending:
            for equivalence in pending:
                phrases += [p for p in equivalence.phrases if p not in phrases]
            known = {p.terms for p in phrases}
            pending = [
                e
                for e in equivalences
                if e not in matched
                and any(s.terms in known for s in e.sources)
                and any(p not in phrases for p in e.phrases)
            ]
            matched = [*matched, *pending]
        clauses.append(_unique_by_terms(phrases))
        i += best_length
    return clauses


@lru_cache(maxsize=2048)
def _synonym_equivalence(terms: str, one_way: bool) -> Equivalence | None:
    return Equivalence.of(terms.split(","), one_way=one_way)


SYNONYMS_KEY = "search:synonyms"
SYNONYMS_TIMEOUT = 60 * 60  # a safety net: every change clears the entry itself


def synonym_rows() -> list[tuple[str, bool]]:
    """The editors' synonyms as ``(terms, one_way)``, from the shared cache.

    A short list every text search needs: kept in the cache (Redis in
    production) rather than read from the database per search; saving or
    deleting a synonym clears it, so the next search uses the change.
    """
    rows = cache.get(SYNONYMS_KEY)
    if rows is None:
        rows = list(Synonym.objects.values_list("terms", "one_way"))
        cache.set(SYNONYMS_KEY, rows, SYNONYMS_TIMEOUT)
    return rows


forget_on_change(SYNONYMS_KEY, Synonym, uid="search-synonyms")


def equivalences_for(text: str) -> list[Equivalence]:
    """The synonyms and the known compounds that ``text`` may use, as they are now.

    The synonyms come from the cache (cleared by every change); the known
    compounds among the query's words are one query, made only when it has
    some. An editor's change applies to the next search.
    """
    if not text or not text.strip():
        return []
    found = [_synonym_equivalence(terms, one_way) for terms, one_way in synonym_rows()]
    candidates = candidate_compounds(text)
    if candidates:
        found += [
            compound_equivalence(joined, parts.split())
            for joined, parts in SearchCompound.objects.filter(joined__in=candidates).values_list(
                "joined", "parts"
            )
        ]
    return [e for e in found if e is not None]


def analyse_query(text: str, extra: Iterable[Equivalence] = ()) -> list[Clause]:
    """A query's clauses with the synonyms and compounds in force now, stop words dropped.

    ``extra``: more equivalences, such as a typo's correction (``spelling``).
    """
    return without_stop_words(query_clauses(text, [*equivalences_for(text), *extra]))


# Words that say nothing about a company ("studio in Leek", "for our film"):
# a query's clause that is only one of these is dropped, unless nothing else is left.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "my",
        "near",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "with",
        "your",
    ]
)


def without_stop_words(clauses: list[Clause]) -> list[Clause]:
    """The clauses that are not just a stop word (all of them if every one is)."""
    kept = [c for c in clauses if not all(p.is_word and p.words[0] in STOP_WORDS for p in c)]
    return kept or clauses


def required_matches(count: int, relaxed: bool = False) -> int:
    """How many of a query's ``count`` clauses a company must match.

    One or two words must all match; three need two; longer queries about two
    thirds (rounded up), so a company that never writes one of the words
    ("company" in "documentary production company") is still found, ranked
    below those matching more. ``relaxed`` (a search that found nothing
    asked again, see ``run_search``): one fewer, never none. The same rule on
    both backends.
    """
    needed = count if count <= 2 else max(2, -(-2 * count // 3))
    if relaxed and count:
        needed = max(1, needed - 1)
    return needed


def _unique_by_terms(phrases: list[Phrase]) -> Clause:
    seen: dict[tuple[str, ...], Phrase] = {}
    for phrase in phrases:
        seen.setdefault(phrase.terms, phrase)
    return list(seen.values())


# -- highlighting -------------------------------------------------------------------
class WordMatcher:
    """Which words of a text a query matched: the test behind every highlight.

    A word matches when its stem is a term of the query's phrases, or when it
    begins with one of the query's words (word-start matching, "anim").
    """

    def __init__(self, phrases: Iterable[Phrase]):
        phrases = list(phrases)
        self.terms = {term for p in phrases for term in p.terms}
        self.starts = tuple(sorted({w for p in phrases if p.is_word for w in p.words}))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def matches(self, chunk: str) -> bool:
        """Whether a word as written ("Colour", "stop-motion") matches."""
        for parts in _chunks(chunk):
            for word in (*parts, _joined(parts)):
                if term(word) in self.terms or word.startswith(self.starts):
                    return True
        return False


# A word as written in a member's text, for highlighting (letters, digits and
# the hyphens and apostrophes inside a word).
WORD_AS_WRITTEN = re.compile(r"\w+(?:['\u2019-]\w+)*")
