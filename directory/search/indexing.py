"""The database backend's entries: one ``CompanySearchEntry`` per listed company.

Entries hold each ranked field's *terms* and *words* as ``analysis.analyse``
makes them (the same strings the Elasticsearch document holds), padded with a
space at each end. A query term then matches a whole term with a plain
``LIKE '% anim %'`` and a word start with ``LIKE '% anim%'``, which SQLite and
PostgreSQL both run.

Writing entries also records the compounds their text hyphenates
(``models.SearchCompound``), the vocabulary that lets "stopmotion" find "stop
motion", and keeps the count of companies using each word
(``models.SearchWord``, what ``spelling`` corrects typos to).

``update_companies(ids)`` adds, changes or removes the entries of those
companies (removing those no longer listed); ``rebuild_database_entries()``
rewrites them all in batches, showing progress.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable

from django.db import transaction

from tqdm import tqdm

from cms.statistics import refresh_statistics
from directory.models import CompanyPage, updated_month_number

from . import spelling
from .analysis import compounds, padded
from .documents import CompanyDocument, company_documents
from .models import CompanySearchEntry, SearchCompound, SearchWord

BATCH_SIZE = 500
ENTRY_FIELDS = [
    "sort_title",
    "title_terms",
    "title_words",
    "keyword_terms",
    "keyword_words",
    "body_terms",
    "body_words",
    "updated_month",
]


def entry_values(document: CompanyDocument) -> dict[str, str | int | None]:
    """The entry fields for one document: its ``search_fields``, padded for word matching,
    and its freshness (the month of its last update or confirmation)."""
    values: dict[str, str | int | None] = {
        name: value if name == "sort_title" else padded(value)
        for name, value in document.search_fields().items()
    }
    values["updated_month"] = updated_month_number(document.updated_at)
    return values


def document_compounds(document: CompanyDocument) -> dict[str, tuple[str, ...]]:
    """The hyphenated words of everything searchable in one document."""
    found: dict[str, tuple[str, ...]] = {}
    for text in (
        document.title,
        document.strapline,
        document.about,
        *document.skill_labels,
        *document.department_labels,
        *document.sector_labels,
        *document.extra_text,
        *document.credit_text,
    ):
        if text and "-" in text:
            found.update(compounds(text))
    return found


def _write(documents: Iterable[CompanyDocument]) -> list[CompanySearchEntry]:
    entries, found = [], {}
    for document in documents:
        entries.append(CompanySearchEntry(company_id=document.id, **entry_values(document)))
        found.update(document_compounds(document))
    if entries:
        # One statement per batch on SQLite and PostgreSQL alike (upsert by primary key).
        CompanySearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["company"],
            update_fields=[*ENTRY_FIELDS, "updated_at"],
        )
    if found:
        SearchCompound.objects.bulk_create(
            [
                SearchCompound(joined=joined[:100], parts=" ".join(parts)[:120])
                for joined, parts in found.items()
            ],
            ignore_conflicts=True,
        )
    return entries


def _words_of(entries: Iterable[CompanySearchEntry]) -> list[set[str]]:
    return [
        spelling.entry_words({name: getattr(e, name) for name in spelling.WORD_FIELDS})
        for e in entries
    ]


def _write_counting(documents: list[CompanyDocument], vocabulary: Counter) -> int:
    entries = _write(documents)
    for words in _words_of(entries):
        vocabulary.update(words)
    return len(entries)


def update_companies(company_ids: Iterable[int]) -> None:
    """Bring these companies' entries up to date: written if listed, removed if not."""
    ids = sorted({int(i) for i in company_ids if i is not None})
    if not ids:
        return
    with transaction.atomic():
        before = [
            spelling.entry_words(values)
            for values in CompanySearchEntry.objects.filter(company_id__in=ids).values(
                *spelling.WORD_FIELDS
            )
        ]
        listed = CompanyPage.objects.listed().filter(pk__in=ids)
        listed_ids = set(listed.values_list("pk", flat=True))
        CompanySearchEntry.objects.filter(company_id__in=set(ids) - listed_ids).delete()
        after = _words_of(_write(company_documents(listed))) if listed_ids else []
        spelling.apply_changes(spelling.count_changes(before, after))


def rebuild_database_entries(
    stdout=None, batch_size: int = BATCH_SIZE, progress: bool = True
) -> int:
    """Rewrite every entry from scratch; returns the number of listed companies.

    Entries of companies that are no longer listed are removed first, and the
    compounds and the vocabulary are gathered afresh. Progress is shown with tqdm on ``stdout``
    (stderr by default) unless ``progress`` is false.
    """
    listed = CompanyPage.objects.listed()
    total = listed.count()
    written = 0
    vocabulary: Counter = Counter()  # companies per word
    with transaction.atomic():
        CompanySearchEntry.objects.exclude(company__in=listed.values("pk")).delete()
        SearchCompound.objects.all().delete()
        bar = tqdm(
            total=total,
            desc="Search entries",
            unit="company",
            file=stdout or sys.stderr,
            disable=not progress,
        )
        batch: list[CompanyDocument] = []
        for document in company_documents(listed, batch_size=batch_size):
            batch.append(document)
            if len(batch) >= batch_size:
                written += _write_counting(batch, vocabulary)
                bar.update(len(batch))
                batch = []
        written += _write_counting(batch, vocabulary)
        bar.update(len(batch))
        bar.close()
        spelling.replace_vocabulary(vocabulary)
        # Everything search reads was rewritten or loaded just before.
        refresh_statistics(CompanyPage, CompanySearchEntry, SearchWord)
    return written
