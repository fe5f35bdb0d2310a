"""What a company looks like to search: one document, prepared once, for every backend.

``company_documents()`` turns ``CompanyPage`` objects into plain
:class:`CompanyDocument` values in a fixed number of queries. The database
backend stores their text for matching; the Elasticsearch backend indexes them.
Other apps add text (for example the showcase adds its projects' titles and
tags) by registering a *contributor* here rather than being imported by search.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from anyascii import anyascii

from directory.models import CompanyPage

# contributor(company_ids) -> {company_id: [text, ...]}; called once per batch.
TextContributor = Callable[[list[int]], dict[int, list[str]]]
_text_contributors: list[TextContributor] = []


def register_text_contributor(contributor: TextContributor) -> TextContributor:
    """Add searchable text to companies from another app (usable as a decorator)."""
    if contributor not in _text_contributors:
        _text_contributors.append(contributor)
    return contributor


def fold(text: str) -> str:
    """Lower-case ASCII: "Café Películas" -> "cafe peliculas".

    The minimal Elasticsearch server has no asciifolding filter, so both
    backends fold text in Python before indexing and before querying.
    """
    return anyascii(text or "").lower()


@dataclass
class CompanyDocument:
    id: int
    title: str
    slug: str
    url: str
    strapline: str
    about: str  # plain text
    skill_slugs: list[str]
    skill_labels: list[str]
    sector_slugs: list[str]
    sector_labels: list[str]
    place_slug: str | None
    place_label: str | None
    latitude: float | None
    longitude: float | None
    verified: bool
    completeness: int  # 0..100
    joined_at: datetime.datetime
    published_at: datetime.datetime | None
    extra_text: list[str] = field(default_factory=list)  # from contributors

    @property
    def all_text(self) -> str:
        """Everything a free-text query may match, folded."""
        parts = [
            self.title,
            self.strapline,
            self.about,
            *self.skill_labels,
            *self.sector_labels,
            self.place_label or "",
            *self.extra_text,
        ]
        return fold(" ".join(p for p in parts if p))


def company_documents(companies: Iterable, batch_size: int = 500) -> Iterator[CompanyDocument]:
    """Prepare documents for ``companies`` (a queryset or list) in batches.

    Each batch costs a fixed number of queries whatever the number of skills,
    sectors or credits a company has.
    """
    ids = [c.pk for c in companies] if not hasattr(companies, "values_list") else None
    queryset = CompanyPage.objects.filter(pk__in=ids) if ids is not None else companies
    queryset = (
        queryset.select_related("place")
        .prefetch_related("skills__group", "sectors", "credits")
        .order_by("pk")
    )
    batch: list = []
    for company in queryset.iterator(chunk_size=batch_size):
        batch.append(company)
        if len(batch) >= batch_size:
            yield from _prepare_batch(batch)
            batch = []
    if batch:
        yield from _prepare_batch(batch)


def _prepare_batch(companies: list) -> Iterator[CompanyDocument]:
    extra: dict[int, list[str]] = {}
    ids = [c.pk for c in companies]
    for contributor in _text_contributors:
        for company_id, texts in contributor(ids).items():
            extra.setdefault(company_id, []).extend(texts)
    for company in companies:
        coordinates = company.coordinates
        skills = list(company.skills.all())
        sectors = list(company.sectors.all())
        yield CompanyDocument(
            id=company.pk,
            title=company.title,
            slug=company.slug,
            url=company.url or "",
            strapline=company.strapline,
            about=strip_tags(company.about or ""),
            skill_slugs=[s.slug for s in skills],
            skill_labels=[s.name for s in skills] + sorted({s.group.name for s in skills}),
            sector_slugs=[s.slug for s in sectors],
            sector_labels=[s.name for s in sectors],
            place_slug=company.place.slug if company.place_id else None,
            place_label=company.place.name if company.place_id else None,
            latitude=coordinates[0] if coordinates else None,
            longitude=coordinates[1] if coordinates else None,
            verified=company.verified,
            completeness=company.profile_completeness()[0],
            joined_at=company.joined_at,
            published_at=company.first_published_at,
            extra_text=extra.get(company.pk, []),
        )
