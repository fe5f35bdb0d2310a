"""The Elasticsearch index: what it holds (the document mapping) and its lifecycle.

**The document** (:class:`CompanyIndexDocument`) holds text *analysed* in
Python (``analysis``: entities decoded, accents folded, British spellings
made American, stemmed): the minimal server the tests run on has no
``asciifolding``, stemmer or synonym filter, so the tokens are made here and
indexed with the ``whitespace`` analyzer, there and on a full distribution
alike. They are the very strings the database backend stores
(``CompanyDocument.search_fields``). Three text fields, each as *terms* and
*words*, carry what a free-text query may match, ranked title > keywords
(skills, sectors, place) > body (strapline, about, project text). ``about``
is also kept as written, so that the server can say which of the member's
words matched, typos included; the snippet
itself is made from them by ``results.make_highlight``, as for the database
backend, so both show the same highlight for the same request.

**Versioned indices behind an alias.**

Searches always read the alias ``<prefix>-companies``, which points at one
concrete index ``<prefix>-companies-<UTC timestamp>``. A full rebuild

1. creates a new versioned index (refresh switched off while loading),
2. fills it with bulk requests from ``company_documents()``,
3. moves the alias from the old index to the new one in a single
   ``_aliases`` request (atomic: a search sees the old index or the new one,
   never none or both), and
4. deletes the old index.

Searches keep answering from the old index until step 3.

**Edits during a rebuild are not lost.** Live writes go to *every* index of
the prefix (the one behind the alias and the one being built), and each
document is written with an external version: the time it was prepared, in
nanoseconds. A rebuild batch prepared before an editor's change carries an
older version than the editor's write, so Elasticsearch refuses the stale
copy (a version conflict, which is expected and ignored) instead of
overwriting the newer one. Deletions are versioned the same way.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.helpers import scan, streaming_bulk
from elasticsearch_dsl import Boolean, Completion, Date, Document, GeoPoint, Integer, Keyword, Text
from tqdm import tqdm

from directory.models import CompanyPage, updated_month_number

from .analysis import compounds, words
from .base import CheckReport, RebuildReport
from .documents import CompanyDocument, company_documents

logger = logging.getLogger(__name__)

BATCH_SIZE = 500


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _version() -> int:
    """An external document version that grows with time (nanoseconds since the epoch)."""
    return time.time_ns()


class CompanyIndexDocument(Document):
    """One listed member company, as Elasticsearch holds it.

    The mapping uses only what the minimal server has (``whitespace`` and
    ``standard`` analyzers, keywords, ``geo_point``, ``completion``), so it
    runs there and on a full distribution alike.
    """

    company_id = Integer()  # the page's id (also ``_id``), for a stable tie-break
    sort_title = Keyword()  # folded, for name order
    display_title = Keyword(index=False)  # as written, for suggestions
    # Pre-analysed (``analysis.analyse``): terms match whole, words by start or fuzzily.
    title_terms = Text(analyzer="whitespace")
    title_words = Text(analyzer="whitespace")
    keyword_terms = Text(analyzer="whitespace")
    keyword_words = Text(analyzer="whitespace")
    body_terms = Text(analyzer="whitespace")
    body_words = Text(analyzer="whitespace")
    # Unfolded copies, used only to find the member's words that matched.
    # (``strapline`` is no longer asked: snippets come from the description;
    # dropping it changes the mapping, so it waits for a reason to rebuild.)
    strapline = Text(analyzer="standard")
    about = Text(analyzer="standard")
    skills = Keyword()
    skill_names = Keyword(index=False)
    departments = Keyword()  # the skills' groups: the ``department`` facet
    sectors = Keyword()
    sector_names = Keyword(index=False)
    place = Keyword()
    place_name = Keyword(index=False)
    location = GeoPoint()
    verified = Boolean()
    clients = Keyword()  # the credited productions' clients, folded (the ``client=`` filter)
    completeness = Integer()
    joined_at = Date()
    published_at = Date()
    # The local month of the last update or confirmation (year x 12 + month - 1):
    # fresher profiles first among equally relevant ones (``sort_clause``).
    updated_month = Integer()
    # As the member said it and when (``directory.availability``): "now" and
    # the 60 days are applied by each search, never baked in here.
    availability = Keyword()
    availability_date = Date()
    availability_confirmed_at = Date()
    url = Keyword(index=False)
    suggest = Completion(analyzer="whitespace")  # inputs are analysed words
    # A hash of everything above: ``rebuild_directory_index --check`` compares it.
    fingerprint = Keyword()

    class Index:
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    @classmethod
    def body_from(cls, document: CompanyDocument) -> dict:
        """The ``_source`` for one prepared company (its text analysed as for the database)."""
        location = None
        if document.latitude is not None and document.longitude is not None:
            location = {"lat": document.latitude, "lon": document.longitude}
        source = {
            "company_id": document.id,
            **document.search_fields(),
            "display_title": document.title,
            "strapline": document.strapline,
            "about": document.about,
            "skills": document.skill_slugs,
            "skill_names": document.skill_labels,
            "departments": document.department_slugs,
            "sectors": document.sector_slugs,
            "sector_names": document.sector_labels,
            "place": document.place_slug,
            "place_name": document.place_label,
            "location": location,
            "verified": document.verified,
            "clients": document.client_keys,
            "completeness": document.completeness,
            "joined_at": document.joined_at.isoformat() if document.joined_at else None,
            "published_at": document.published_at.isoformat() if document.published_at else None,
            "updated_month": updated_month_number(document.updated_at),
            "availability": document.availability or None,
            "availability_date": _iso(document.availability_date),
            "availability_confirmed_at": _iso(document.availability_confirmed_at),
            "url": document.url,
            "suggest": {
                "input": title_suggestions(document.title),
                # Fuller profiles come first among equally good completions.
                "weight": 1 + int(document.completeness or 0) + (50 if document.verified else 0),
            },
        }
        source["fingerprint"] = fingerprint(source)
        return source

    @classmethod
    def index_body(cls) -> dict:
        """Settings and mappings to create an index with."""
        return {
            "settings": dict(cls.Index.settings),
            "mappings": cls._doc_type.mapping.to_dict(),
        }


def fingerprint(source: dict) -> str:
    payload = json.dumps(
        {k: v for k, v in source.items() if k != "fingerprint"}, sort_keys=True, default=str
    )
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


def title_suggestions(title: str) -> list[str]:
    """Completion inputs: the title's words and every tail of them, and its compounds.

    The completion suggester matches from the start of an input, so "Kiln
    Animation" is indexed as "kiln animation" and "animation" for "anim" to
    find it, and "Post-Production House" also as "postproduction", like the
    database backend's word-start matching on the same analysed words.
    """
    parts = words(title)
    tails = [" ".join(parts[i:]) for i in range(len(parts))]
    return list(dict.fromkeys([*tails, *compounds(title)])) or [title.lower()]


class CompanyIndex:
    """The directory's indices for one prefix, and the operations on them."""

    def __init__(self, client: Elasticsearch, prefix: str):
        self.client = client
        self.prefix = prefix
        self.alias = f"{prefix}-companies"
        self.pattern = f"{self.alias}-*"

    # -- names --------------------------------------------------------------
    def new_index_name(self) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-{stamp}"

    def live_indices(self) -> list[str]:
        """The concrete index (normally one) the alias points at."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def all_indices(self) -> list[str]:
        """Every index of this prefix: live, and any being built."""
        response = self.client.indices.get(
            index=self.pattern, ignore_unavailable=True, allow_no_indices=True
        )
        return sorted(response.body)

    # -- creation -----------------------------------------------------------
    def create(self, name: str, *, loading: bool = False) -> None:
        body = CompanyIndexDocument.index_body()
        if loading:
            body["settings"]["refresh_interval"] = "-1"
        self.client.indices.create(index=name, **body)

    def ensure(self) -> str:
        """Create an empty index behind the alias if there is none yet; returns the live index."""
        live = self.live_indices()
        if live:
            return live[0]
        name = self.new_index_name()
        self.create(name)
        self.client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        logger.info("Created search index %s behind %s", name, self.alias)
        return name

    # -- writes -------------------------------------------------------------
    def actions(self, company_ids: Iterable[int], indices: list[str]) -> Iterator[dict]:
        """Bulk actions that bring these companies up to date in ``indices``."""
        ids = sorted({int(i) for i in company_ids})
        listed = CompanyPage.objects.listed().filter(pk__in=ids)
        written: set[int] = set()
        for document in company_documents(listed):
            written.add(document.id)
            source = CompanyIndexDocument.body_from(document)
            version = _version()
            for index in indices:
                yield {
                    "_op_type": "index",
                    "_index": index,
                    "_id": document.id,
                    "version": version,
                    "version_type": "external",
                    "_source": source,
                }
        version = _version()
        for company_id in ids:
            if company_id not in written:
                for index in indices:
                    yield {
                        "_op_type": "delete",
                        "_index": index,
                        "_id": company_id,
                        "version": version,
                        "version_type": "external",
                    }

    def write(self, company_ids: Iterable[int], timeout: float = 30.0) -> int:
        """Index or delete these companies in every index of the prefix; returns actions done."""
        self.ensure()
        indices = self.all_indices()
        return self._bulk(self.actions(company_ids, indices), timeout=timeout)

    def _bulk(self, actions: Iterable[dict], timeout: float = 30.0) -> int:
        """Send ``actions`` in bulk requests of ``BATCH_SIZE``; returns how many were done."""
        client = self.client.options(request_timeout=timeout)
        results = streaming_bulk(
            client,
            actions,
            chunk_size=BATCH_SIZE,
            raise_on_error=False,
            raise_on_exception=True,
            max_retries=0,
        )
        done = 0
        for ok, item in results:
            ((op, result),) = item.items()
            status = result.get("status")
            # 409: a newer version is already there; 404: deleting what is not there.
            if not ok and status not in (409, 404):
                raise BulkWriteError(f"{op} of company {result.get('_id')} failed: {result}")
            done += 1
        return done

    def _pipelined_bulk(self, actions: Iterable[dict], timeout: float) -> int:
        """Bulk-send while the next batch is prepared: one request in flight at a time.

        Batches are prepared (database reads) in this thread and sent from one
        worker thread, which never touches the database, so Python and
        Elasticsearch work at the same time on the two cores of a small machine.
        """
        count = 0
        iterator = iter(actions)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as pool:
            in_flight = None
            while batch := list(islice(iterator, BATCH_SIZE)):
                sending = pool.submit(self._bulk, batch, timeout)
                if in_flight is not None:
                    count += in_flight.result()
                in_flight = sending
            if in_flight is not None:
                count += in_flight.result()
        return count

    # -- rebuild ------------------------------------------------------------
    def rebuild(self, *, stdout=None, progress: bool = True, batch_size: int = BATCH_SIZE):
        """Fill a new index from the database, then swap the alias to it (module docstring)."""
        started = time.perf_counter()
        name = self.new_index_name()
        self.create(name, loading=True)
        listed = CompanyPage.objects.listed()
        total = listed.count()
        bar = tqdm(
            total=total,
            desc=f"Indexing into {name}",
            unit="company",
            file=stdout or sys.stderr,
            disable=not progress,
        )
        try:

            def actions():
                for document in company_documents(listed, batch_size=batch_size):
                    yield {
                        "_op_type": "index",
                        "_index": name,
                        "_id": document.id,
                        "version": _version(),
                        "version_type": "external",
                        "_source": CompanyIndexDocument.body_from(document),
                    }
                    bar.update(1)

            count = self._pipelined_bulk(actions(), timeout=120)
            bar.close()
            self.client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
            self.client.indices.refresh(index=name)
            old = self.live_indices()
            swap = [{"remove": {"index": index, "alias": self.alias}} for index in old]
            swap.append({"add": {"index": name, "alias": self.alias}})
            self.client.indices.update_aliases(actions=swap)
        except BaseException:
            bar.close()
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        # Old live indices, and leftovers of interrupted rebuilds.
        removed = [index for index in self.all_indices() if index != name]
        for index in removed:
            self.client.indices.delete(index=index, ignore_unavailable=True)
        seconds = time.perf_counter() - started
        return RebuildReport(
            documents=count,
            seconds=seconds,
            summary=(
                f"Indexed {count} companies into {name} in {seconds:.1f} s "
                f"({count / seconds if seconds else 0:.0f} documents/s); "
                f"alias {self.alias} now points to it."
            ),
            index=name,
            removed=removed,
        )

    # -- check --------------------------------------------------------------
    def check(self, batch_size: int = BATCH_SIZE) -> CheckReport:
        """Compare every listed company's document with what the index holds."""
        expected = {
            document.id: CompanyIndexDocument.body_from(document)["fingerprint"]
            for document in company_documents(CompanyPage.objects.listed(), batch_size=batch_size)
        }
        indexed: dict[int, str] = {}
        if self.live_indices():
            self.client.indices.refresh(index=self.alias)  # count writes made a moment ago
            for hit in scan(
                self.client,
                index=self.alias,
                query={"query": {"match_all": {}}},
                _source=["fingerprint"],
                size=1000,
            ):
                indexed[int(hit["_id"])] = hit["_source"].get("fingerprint", "")
        return CheckReport(
            index=self.alias,
            listed=len(expected),
            indexed=len(indexed),
            missing=sorted(set(expected) - set(indexed)),
            unlisted=sorted(set(indexed) - set(expected)),
            outdated=sorted(
                company_id
                for company_id, print_ in expected.items()
                if company_id in indexed and indexed[company_id] != print_
            ),
        )

    def delete_all(self) -> None:
        """Remove every index of this prefix (tests, and starting over)."""
        for index in self.all_indices():
            self.client.indices.delete(index=index, ignore_unavailable=True)


class BulkWriteError(RuntimeError):
    """Elasticsearch refused a document for a reason other than a newer version."""
