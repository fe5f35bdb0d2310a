"""The database backend's entries: one ``CompanySearchEntry`` per listed company.

Entries hold *normalised* text: folded to lower-case ASCII, every run of
anything but letters and digits turned into one space, padded with a space at
each end. A query term then matches at the start of a word with a plain
``LIKE '% term%'``, which SQLite and PostgreSQL both run, and "Post-production"
is found by "post production" and by "post-production" alike.

``update_companies(ids)`` adds, changes or removes the entries of those
companies (removing those no longer listed); ``rebuild_database_entries()``
rewrites them all in batches, showing progress.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

from django.db import transaction

from tqdm import tqdm

from cms.statistics import refresh_statistics
from directory.models import CompanyPage

from .documents import CompanyDocument, company_documents, fold
from .models import CompanySearchEntry

_NON_WORD = re.compile(r"[^a-z0-9]+")
BATCH_SIZE = 500


def normalise(text: str) -> str:
    """Folded words separated by single spaces, padded: " post production house "."""
    words = _NON_WORD.sub(" ", fold(text)).split()
    return f" {' '.join(words)} " if words else ""


def query_terms(text: str) -> list[str]:
    """The words of a free-text query, normalised like entries, without repeats."""
    terms: list[str] = []
    for word in normalise(text).split():
        if word not in terms:
            terms.append(word)
    return terms


def entry_values(document: CompanyDocument) -> dict[str, str]:
    """The entry fields for one document; ranking weighs them title > keywords > body."""
    return {
        "title_text": normalise(document.title)[:255],
        "keyword_text": normalise(
            " ".join([*document.skill_labels, *document.sector_labels, document.place_label or ""])
        ),
        "body_text": normalise(
            " ".join([document.strapline, document.about, *document.extra_text])
        ),
    }


def _write(documents: Iterable[CompanyDocument]) -> int:
    entries = [
        CompanySearchEntry(company_id=document.id, **entry_values(document))
        for document in documents
    ]
    if entries:
        # One statement per batch on SQLite and PostgreSQL alike (upsert by primary key).
        CompanySearchEntry.objects.bulk_create(
            entries,
            update_conflicts=True,
            unique_fields=["company"],
            update_fields=["title_text", "keyword_text", "body_text", "updated_at"],
        )
    return len(entries)


def update_companies(company_ids: Iterable[int]) -> None:
    """Bring these companies' entries up to date: written if listed, removed if not."""
    ids = sorted({int(i) for i in company_ids if i is not None})
    if not ids:
        return
    with transaction.atomic():
        listed = CompanyPage.objects.listed().filter(pk__in=ids)
        listed_ids = set(listed.values_list("pk", flat=True))
        CompanySearchEntry.objects.filter(company_id__in=set(ids) - listed_ids).delete()
        if listed_ids:
            _write(company_documents(listed))


def rebuild_database_entries(
    stdout=None, batch_size: int = BATCH_SIZE, progress: bool = True
) -> int:
    """Rewrite every entry from scratch; returns the number of listed companies.

    Entries of companies that are no longer listed are removed first. Progress
    is shown with tqdm on ``stdout`` (stderr by default) unless ``progress`` is
    false.
    """
    listed = CompanyPage.objects.listed()
    total = listed.count()
    written = 0
    with transaction.atomic():
        CompanySearchEntry.objects.exclude(company__in=listed.values("pk")).delete()
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
                written += _write(batch)
                bar.update(len(batch))
                batch = []
        written += _write(batch)
        bar.update(len(batch))
        bar.close()
        # Everything search reads was rewritten or loaded just before.
        refresh_statistics(CompanyPage, CompanySearchEntry)
    return written
