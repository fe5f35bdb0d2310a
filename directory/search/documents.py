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

from directory.models import CompanyPage

from .analysis import Analysed, analyse, clean, fold

# contributor(company_ids) -> {company_id: [text, ...]}; called once per batch.
TextContributor = Callable[[list[int]], dict[int, list[str]]]
_text_contributors: list[TextContributor] = []


def register_text_contributor(contributor: TextContributor) -> TextContributor:
    """Add searchable text to companies from another app (usable as a decorator)."""
    if contributor not in _text_contributors:
        _text_contributors.append(contributor)
    return contributor


@dataclass
class CompanyDocument:
    id: int
    title: str
    slug: str
    url: str
    strapline: str
    about: str  # plain text (tags stripped, entities decoded)
    skill_slugs: list[str]
    skill_labels: list[str]
    department_slugs: list[str]  # the groups of its skills (the ``department`` facet)
    department_labels: list[str]
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
    updated_at: datetime.datetime | None = None  # ``CompanyPage.updated_at``: freshness
    # The productions credited and their broadcasters or clients ("Brick Lane North",
    # "Channel 4"), each once: what a commissioner who knows the work searches for.
    credit_text: list[str] = field(default_factory=list)
    client_keys: list[str] = field(default_factory=list)  # their clients, folded (``client=``)
    # What the member said and when (``directory.availability``), as stored:
    # searches work out from them whether it holds today.
    availability: str = ""
    availability_date: datetime.date | None = None
    availability_confirmed_at: datetime.datetime | None = None

    def analysed(self) -> dict[str, Analysed]:
        """The three ranked text fields, analysed (``analysis.analyse``) for both backends.

        Title > keywords (skills, sectors, place) > body (strapline, about,
        contributors' text such as projects, the productions credited and
        their broadcasters or clients, and the skills' groups). A
        group's name ("Camera and crew") says little about a company that
        lists one skill in it, so it counts as a passing mention does.
        """
        return {
            "title": analyse(self.title),
            "keyword": analyse(*self.skill_labels, *self.sector_labels, self.place_label or ""),
            "body": analyse(
                self.strapline,
                self.about,
                *self.extra_text,
                *self.credit_text,
                *self.department_labels,
            ),
        }

    def search_fields(self) -> dict[str, str]:
        """The analysed text as both backends store it: the same strings, field by field.

        The database entry holds these (padded with spaces), the Elasticsearch
        document holds them as they are; the contract suite checks they agree.
        """
        fields = {"sort_title": fold(self.title)[:255]}
        for name, analysed in self.analysed().items():
            fields[f"{name}_terms"] = analysed.terms
            fields[f"{name}_words"] = analysed.words
        return fields


def company_documents(companies: Iterable, batch_size: int = 500) -> Iterator[CompanyDocument]:
    """Prepare documents for ``companies`` (a queryset or list) in batches.

    Each batch costs a fixed number of queries whatever the number of skills,
    sectors or credits a company has.
    """
    ids = [c.pk for c in companies] if not hasattr(companies, "values_list") else None
    queryset = CompanyPage.objects.filter(pk__in=ids) if ids is not None else companies
    queryset = (
        queryset.select_related("place")
        .prefetch_related("skills__group", "sectors", "credits__work")
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
            about=clean(company.about or ""),
            skill_slugs=[s.slug for s in skills],
            skill_labels=[s.name for s in skills],
            department_slugs=sorted({s.group.slug for s in skills}),
            department_labels=sorted({s.group.name for s in skills}),
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
            updated_at=company.updated_at,
            credit_text=credit_text(company.credits.all()),
            client_keys=sorted(
                {c.work.client_key for c in company.credits.all() if c.work and c.work.client_key}
            ),
            availability=company.availability,
            availability_date=company.availability_date,
            availability_confirmed_at=company.availability_confirmed_at,
        )


def credit_text(credits) -> list[str]:
    """The titles and clients of the productions credited, as linked and as written, each once."""
    texts: dict[str, None] = {}
    for credit in credits:
        work = credit.work
        for text in (work.title, work.client) if work is not None else ():
            texts.setdefault(text)
        texts.setdefault(credit.production)
        texts.setdefault(credit.client)
    return [text for text in texts if text]
