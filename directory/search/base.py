"""The directory search contract: one query type, one result type, one interface.

Every backend (``database.DatabaseBackend``, ``elasticsearch.ElasticsearchBackend``)
takes a :class:`SearchQuery` and returns :class:`SearchResults`. Views, the API
and templates only ever see these types, so they never need to know which
backend answered (except to display ``SearchResults.backend``).

Facet semantics, identical in every backend and tested on the same data by the
contract suite (``tests/directory/search/test_contract.py``):

* values selected within one facet combine with OR
  (``skill=2d&skill=3d``: companies with 2D *or* 3D animation);
* facets combine with AND (a skill *and* a sector);
* each facet's counts are computed with every other filter applied but not its
  own, so a commissioner sees how many results each extra value would add.

``verified=1``, ``available_by=YYYY-MM-DD`` and ``client=<broadcaster or
client>`` (companies credited on a production for them: "Channel 4") are
filters, not facets: like the text and "near" they narrow the hits and every
facet's counts alike.
``available_by`` is decided at search time from the stored dates
(``directory.availability``), so its answer moves with the calendar.
"""

from __future__ import annotations

import abc
import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from directory.facets import FacetDefinition, FacetValue


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    NAME = "name"
    NEWEST = "newest"
    DISTANCE = "distance"


# The directory's facets (``directory.facets`` says what each part means):
# ``field`` and ``many`` tell the backends how a company holds the values.
# A department is a skill group (VFX, Post-production, Sound...): a company
# is in it when one of its skills is, so it is reached through the skills.
FACETS: tuple[FacetDefinition, ...] = (
    FacetDefinition(
        "department",
        "Departments",
        "Department",
        model="directory.SkillGroup",
        field="skills__group",
        many=True,
    ),
    FacetDefinition("skill", "Skills", "Skill", model="directory.Skill", field="skills", many=True),
    FacetDefinition(
        "sector", "Sectors", "Sector", model="directory.Sector", field="sectors", many=True
    ),
    FacetDefinition("place", "Places", "Place", model="directory.Place", field="place", many=False),
)
FACET_PARAMS = tuple(facet.param for facet in FACETS)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
DEFAULT_RADIUS_MILES = 10.0
# A town read from the words ("animation Burton") asks for nearby companies
# first, not for nothing beyond a few miles: within this radius (the whole
# cluster, from anywhere in it), ranked nearer first. The commissioner can
# narrow it like any "near".
PLACE_WORDS_RADIUS_MILES = 50.0
# Nearby first: when a search has a centre, each company's relevance is
# multiplied by 1 + 0.5 ** (miles / NEARBY_HALF_MILES), from 2 at the centre
# to 1.5 at this distance and towards 1 far away. It orders near-equal
# matches by distance without lifting a passing mention nearby above a
# company that does what was searched further off. Both backends use it.
NEARBY_HALF_MILES = 10.0
MAX_RADIUS_MILES = 500.0
MAX_TEXT_LENGTH = 200
# How deep anyone may page: page x page_size stays within this many results.
# It is Elasticsearch's own result window (index.max_result_window), so no
# request the parser accepts is one the engine refuses; past it, narrowing the
# search serves a commissioner better than page 501.
MAX_RESULT_WINDOW = 10_000
# Totals are counted exactly up to this many; past it a backend may answer
# with a lower bound (``SearchResults.total_is_exact``): counting every one of
# 100,000 matches costs Elasticsearch more than the rest of the search, and
# nobody pages past the window anyway.
TOTAL_HITS_CAP = MAX_RESULT_WINDOW


@dataclass(frozen=True)
class NearPoint:
    """The centre of a "near" search: a gazetteer town or a postcode district."""

    slug: str  # place slug or lower-case district code, as given in ``near=``
    label: str  # "Stoke-on-Trent" or "ST1 (Stoke-on-Trent)"
    latitude: float
    longitude: float


@dataclass(frozen=True)
class SearchRequest:
    """What the GET parameters ask for, checked for form only (``query.parse_search_request``).

    Nothing here has been looked up: ``filters`` hold the slugs as asked for
    and ``near`` the place or postcode as typed. ``query.resolve_search_request``
    looks them up and makes the :class:`SearchQuery`.
    """

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # param -> slugs asked for
    near: str = ""
    radius_miles: float | None = None  # as given (defaults and limits need a centre)
    place_words: bool = True  # may a town named in the text become the centre?
    verified: bool = False  # only companies the cluster has verified
    client: str = ""  # a broadcaster or client, as typed (``client=``)
    available_by: datetime.date | None = None  # free for new work on or before this day
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    notes: tuple[str, ...] = ()
    # Told after what resolving finds, as the parameters are listed on the page.
    sort_note: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """A validated directory search, built by ``query.parse_search_params``."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # param -> slugs
    near: NearPoint | None = None
    radius_miles: float | None = None
    verified: bool = False  # only companies the cluster has verified (``CompanyPage.verified``)
    # Only companies credited on a production for this broadcaster or client
    # (as typed; matched by ``directory.models.client_key``, a filter like ``verified``).
    client: str = ""
    # Only companies free for new work on or before this day, by a statement
    # confirmed in the last 60 days (``directory.availability``).
    available_by: datetime.date | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    notes: tuple[str, ...] = ()  # things the parser ignored, to show the user
    # The text as typed when a town in it became ``near`` (``text`` is the rest).
    typed_text: str = ""
    place_words: bool = True
    # Set by ``run_search`` when no company matched enough of the words: one
    # word fewer must match (``analysis.required_matches``).
    relaxed: bool = False

    def selected(self, param: str) -> tuple[str, ...]:
        return self.filters.get(param, ())

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class SearchHit:
    """One company in a page of results.

    ``page`` is the ``CompanyPage`` (loaded with its logo, place, skills and
    sectors in a fixed number of queries, whatever the page size), so templates
    and the API render hits the same way whichever backend found them.
    """

    id: int
    title: str
    url: str
    strapline: str
    page: object  # directory.models.CompanyPage
    distance_miles: float | None = None
    highlight: str = ""  # safe HTML snippet with <mark> around matches, or ""


@dataclass
class SearchResults:
    query: SearchQuery
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]  # param -> values
    backend: str
    took_ms: float
    notes: tuple[str, ...] = ()  # the query's notes plus any the backend adds
    # False when ``total`` is a lower bound (at least ``TOTAL_HITS_CAP``): the
    # engine stopped counting there. The database backend always counts exactly.
    total_is_exact: bool = True
    # The text with the words no company writes corrected (``spelling``), or "".
    did_you_mean: str = ""
    # Editors' picks for this text, shown first on page 1 (``pins``; not in ``total``).
    picks: list[SearchHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        size = self.query.page_size
        return max(1, (self.total + size - 1) // size)


@dataclass
class Suggestion:
    """A completion for the search box: a company (go to its page) or a skill."""

    kind: str  # "company" | "skill"
    label: str
    url: str


@dataclass
class RebuildReport:
    """What a full rebuild did; ``summary`` says it in one line for the operator."""

    documents: int
    seconds: float
    summary: str
    index: str | None = None  # the new index, for a backend that keeps one
    removed: list[str] = field(default_factory=list)  # old indices deleted

    @property
    def per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


@dataclass
class CheckReport:
    """The database against a separate index: what a rebuild (or the retry queue) would fix."""

    index: str  # what was compared (Elasticsearch: the alias)
    listed: int
    indexed: int
    missing: list[int]  # listed in the database, absent from the index
    unlisted: list[int]  # in the index, but no longer listed (should be gone)
    outdated: list[int]  # in both, but the index holds an older version

    @property
    def stale(self) -> list[int]:
        return sorted(self.unlisted + self.outdated)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unlisted or self.outdated)


class IndexUnavailable(Exception):
    """The backend's index could not be rebuilt or checked (its server did not answer)."""


class SearchBackend(abc.ABC):
    """What every directory search backend provides, reads and index lifecycle alike.

    Callers (sync, the worker's task, the management commands, the API) use
    only these methods and never ask which backend they have. A backend that
    keeps no separate index (the database backend: its entries are written in
    the edit's own transaction) inherits the no-op defaults.

    The life of an edit: ``sync`` calls :meth:`changes_pending` inside the
    edit's transaction and :meth:`changes_committed` once it has committed;
    the worker then calls :meth:`write_pending`. Tools call
    :meth:`update_companies` (a direct write), :meth:`rebuild` and
    :meth:`check`.
    """

    name: str = ""

    def __init__(self, **options):
        self.options = options

    # -- reads ----------------------------------------------------------------
    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Answer a query: totals, one page of hits and every facet's counts."""

    @abc.abstractmethod
    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Completions for what has been typed so far."""

    # -- index lifecycle (no-ops where there is no separate index) -------------
    def update_companies(self, company_ids: list[int]) -> None:  # noqa: B027
        """Bring these companies' entries up to date now (add, change or remove)."""

    def changes_pending(self, company_ids: list[int]) -> None:  # noqa: B027
        """Inside an edit's transaction: note durably that these companies changed."""

    def changes_committed(self, company_ids: list[int]) -> None:  # noqa: B027
        """After the edit's commit (once per transaction): arrange for the write."""

    def write_pending(self, company_ids: Iterable[int] = ()) -> int:
        """The worker's job: write these companies, then any still pending; how many written."""
        ids = sorted({int(i) for i in company_ids})
        if ids:
            self.update_companies(ids)
        return len(ids)

    def pending_count(self) -> int:
        """How many companies still wait to be written (changes the index has not got)."""
        return 0

    def rebuild(self, *, stdout=None, progress: bool = True, batch_size: int = 500):
        """Rewrite the whole index from the database; returns a :class:`RebuildReport`."""
        raise NotImplementedError(f"the {self.name} backend cannot rebuild")

    def check(self, *, batch_size: int = 500) -> CheckReport | None:
        """Compare the index with the database; ``None``: no separate index to compare."""
        return None

    def refresh(self) -> None:  # noqa: B027
        """Make every write so far visible to searches (tests and tools)."""

    def close(self) -> None:  # noqa: B027
        """Release connections."""
