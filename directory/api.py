"""The directory's public JSON API (django-ninja), mounted at ``/api/v1/``.

* ``GET /api/v1/directory/search`` — the directory page's parameters, the same
  answer as JSON (parsed by ``search.query.parse_search_params``, so a URL
  means the same on the page and here);
* ``GET /api/v1/directory/companies/{slug}`` — one listed company's profile;
* ``GET /api/v1/directory/suggest?q=`` — completions for the search box
  (companies, skills, sectors and places; a typo is forgiven from four letters).

The schema is at ``/api/v1/openapi.json`` and browsable docs at
``/api/v1/docs``, served from ninja's own static files (no CDN). Bad
parameters answer 400 with ``{"detail": ..., "param": ...}``; nothing a
client sends can cause a 500.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import BaseModel, ConfigDict

from cms.page_cache import first_live

from .availability import is_confirmed
from .contact_privacy import ContactVisibility, visible_contact
from .models import CompanyCredit, CompanyPage, ProductionIndexPage
from .search import get_search_backend, run_search
from .search.base import (
    DEFAULT_PAGE_SIZE,
    FACET_PARAMS,
    MAX_PAGE_SIZE,
    MAX_RADIUS_MILES,
    MAX_RESULT_WINDOW,
    TOTAL_HITS_CAP,
    SearchHit,
    SearchResults,
    Sort,
)
from .search.query import MAX_VALUE_LENGTH, SearchParamError, parse_search_params
from .shown import search_shown

api = NinjaAPI(
    title="Platform directory API",
    version="1",
    description=(
        "Find member companies of the Stoke-on-Trent and Staffordshire moving-image "
        "cluster by text, department, skill, sector, location and verification."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
)
router = Router(tags=["directory"])


# -- schemas -------------------------------------------------------------------


class Out(BaseModel):
    """A search answer's schemas: plain pydantic models, validated from the payload's dicts.

    ``search_payload`` builds plain dicts; ninja's ``Schema`` would wrap every
    one of them (a search's hits, their terms and every facet value: some 300
    objects) to read attributes the ORM way first, about 2 ms of each API
    search at 100,000 companies (issue 14, speed). The schemas (OpenAPI) and
    the answers are the same.
    """

    model_config = ConfigDict(from_attributes=True)


class ErrorOut(Schema):
    detail: str
    param: str | None = None


class TermOut(Out):
    slug: str
    label: str


class FacetValueOut(Out):
    slug: str
    label: str
    count: int
    selected: bool


class FacetsOut(Out):
    department: list[FacetValueOut] = Field(
        description="Skill groups (VFX, Post-production, Sound…): a company is in one "
        "when one of its skills is."
    )
    skill: list[FacetValueOut]
    sector: list[FacetValueOut]
    place: list[FacetValueOut]


UPDATED_AT = "When the profile was last updated or confirmed still accurate (ISO 8601)."


class AvailabilityOut(Out):
    status: Literal["now", "from", "booked"] = Field(
        description="What the member said: `now`, available `from` `date`, or `booked` until "
        "`date` (inclusive)."
    )
    date: datetime.date | None = Field(description="With `from` and `booked`.")
    confirmed_at: str = Field(description="When the member last said or confirmed it (ISO 8601).")
    confirmed: bool = Field(
        description="False once 60 days have passed since `confirmed_at`: then it matches no "
        "`available_by` search."
    )
    label: str = Field(
        description="As the site shows it today: “Available now”, “Available from 3 March "
        "2027”, “Booked until …” or “Availability unconfirmed”."
    )


AVAILABILITY = "What the member said about taking on new work; null when they have not said."


class CompanyHitOut(Out):
    slug: str
    name: str
    url: str
    strapline: str
    place: TermOut | None
    skills: list[TermOut]
    sectors: list[TermOut]
    distance_miles: float | None = Field(None, description="Only when `near` is given.")
    highlight: str = Field("", description="HTML snippet with <mark> around matched words.")
    updated_at: str | None = Field(description=UPDATED_AT)
    availability: AvailabilityOut | None = Field(description=AVAILABILITY)


class SearchOut(Out):
    total: int = Field(description="Matching companies; a lower bound unless `total_is_exact`.")
    total_is_exact: bool = Field(
        description=(
            f"False when the engine stopped counting at {TOTAL_HITS_CAP:,}: "
            f"the total is then at least that (show “{TOTAL_HITS_CAP:,}+”)."
        )
    )
    page: int
    pages: int
    page_size: int
    editors_picks: list[CompanyHitOut] = Field(
        [],
        description="Companies the cluster's editors pinned for this text, to show first and "
        "label “Editor’s pick”: on page 1 only, not counted in `total`, not repeated in `results`.",
    )
    results: list[CompanyHitOut]
    facets: FacetsOut
    backend: str = Field(description="Which search backend answered.")
    took_ms: float
    notes: list[str] = Field(description="Parameters that were ignored or adjusted, and why.")
    near: str | None = Field(
        None,
        description="The centre searched around: `near`, or a town named in `q` "
        "(then `q` was searched without it; `place_words=off` searches the words instead).",
    )
    text: str = Field("", description="The text searched for, without any town read from it.")
    did_you_mean: str | None = Field(
        None,
        description="`text` with the words no member company writes corrected to the nearest "
        "ones they do (companies matching those are included in the results); null when "
        "every word is known.",
    )


class SearchParams(Schema):
    """Typed and bounded here, for the schema and a first check; the shared parser reads them."""

    q: str | None = Field(None, description="Free text; longer than 200 characters is cut.")
    department: list[str] = Field(
        [], description="Skill group slugs (repeatable; OR within departments)."
    )
    skill: list[str] = Field([], description="Skill slugs (repeatable; OR within skills).")
    sector: list[str] = Field([], description="Sector slugs (repeatable; OR within sectors).")
    place: list[str] = Field([], description="Place slugs (repeatable; OR within places).")
    verified: bool | None = Field(
        None, description="`1`: only companies the cluster has verified (default: all)."
    )
    client: str | None = Field(
        None,
        max_length=200,
        description="A broadcaster or client, e.g. `Channel 4`: only companies credited on a "
        "production for them (matched ignoring case, accents and punctuation).",
    )
    available_by: datetime.date | None = Field(
        None,
        description="`YYYY-MM-DD`: only companies free for new work on or before this day "
        "(available now, available from it or earlier, or booked until an earlier day), as "
        "they said or confirmed it in the last 60 days.",
    )
    near: str | None = Field(None, description="A place slug or postcode district, e.g. `st1`.")
    radius: float | None = Field(
        None, gt=0, le=MAX_RADIUS_MILES, description="Miles from `near` (default 10)."
    )
    sort: Sort | None = Field(None, description="Default `relevance` (`distance` with `near`).")
    place_words: Literal["on", "off"] | None = Field(
        None, description="`off`: never read a town named in `q` as the place to search near."
    )
    page: int | None = Field(
        None,
        ge=1,
        le=MAX_RESULT_WINDOW,
        description=(
            f"Page number, from 1. Only the first {MAX_RESULT_WINDOW:,} results can be paged "
            "through: past `page` × `page_size` of that, the deepest page answers, with a note."
        ),
    )
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results per page (default {DEFAULT_PAGE_SIZE}).",
    )


class ProductionOut(Schema):
    title: str
    year: int | None
    kind: str = Field(description="Film, series, commercial... (`film`, `series`, `other`...).")
    client: str = Field(description="The broadcaster or client, as the directory records it.")
    url: str | None = Field(
        description="Its page under the productions page, listing every member credited on "
        "it; null when the site has no productions page."
    )


class CreditOut(Schema):
    production: str = Field(description="The title as the member wrote it.")
    client: str
    year: int | None
    role: str
    work: ProductionOut | None = Field(
        description="The production this credit is linked to (members credited on the same "
        "production share it); null when the credit names none."
    )


class CompanyOut(Schema):
    slug: str
    name: str
    url: str
    strapline: str
    about: str = Field(description="HTML.")
    logo_url: str | None
    logo_alt: str | None
    place: TermOut | None
    latitude: float | None
    longitude: float | None
    skills: list[TermOut]
    sectors: list[TermOut]
    service_area: str
    size_band: str
    year_founded: int | None
    website: str
    email: str | None = Field(
        description="Null when absent or not shown to this caller: each company chooses "
        "whether everyone, signed-in commissioners (session authentication) or nobody sees it. "
        "The enquiry form on `url` always works."
    )
    phone: str | None = Field(description="As `email`: null when absent or not shown to you.")
    social: dict[str, str]
    showreel_url: str
    verified: bool
    joined_at: str
    updated_at: str | None = Field(description=UPDATED_AT)
    availability: AvailabilityOut | None = Field(description=AVAILABILITY)
    credits: list[CreditOut]


class SuggestionOut(Schema):
    kind: str = Field(
        description="`company` (go to its page), `skill` or `sector` (the directory filtered "
        "by it) or `place` (the directory near that town)."
    )
    label: str
    url: str


# -- errors --------------------------------------------------------------------


@api.exception_handler(SearchParamError)
def _bad_search_param(request, exc: SearchParamError):
    return api.create_response(request, {"detail": exc.message, "param": exc.param}, status=400)


@api.exception_handler(ValidationError)
def _bad_request(request, exc: ValidationError):
    # Ninja's default is 422; the contract promises 400 naming the parameter,
    # in the shared parser's own words where it has them (the page shows those).
    if request.resolver_match and request.resolver_match.url_name == "search":
        try:
            parse_search_params(request.GET)
        except SearchParamError as error:
            return _bad_search_param(request, error)
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    param = location[0] if location else None
    message = first.get("msg", "Invalid request.")
    detail = f"{param.replace('_', ' ')}: {message}" if param else message
    return api.create_response(request, {"detail": detail, "param": param}, status=400)


# -- helpers -------------------------------------------------------------------


def _terms(items) -> list[dict]:
    return [{"slug": item.slug, "label": item.name} for item in items]


def _absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _availability(company) -> dict | None:
    label = company.availability_label
    if not label:
        return None
    return {
        "status": company.availability,
        "date": company.availability_date,
        "confirmed_at": company.availability_confirmed_at.isoformat(),
        "confirmed": is_confirmed(company.availability_confirmed_at),
        "label": label,
    }


def _hit_out(request: HttpRequest, hit: SearchHit) -> dict:
    company = hit.page
    return {
        "slug": company.slug,
        "name": hit.title,
        "url": _absolute(request, hit.url),
        "strapline": hit.strapline,
        "place": {"slug": company.place.slug, "label": company.place.name}
        if company.place_id
        else None,
        "skills": _terms(company.skills.all()),
        "sectors": _terms(company.sectors.all()),
        "distance_miles": hit.distance_miles,
        "highlight": str(hit.highlight or ""),
        "updated_at": _iso(company.updated_at),
        "availability": _availability(company),
    }


def search_payload(request: HttpRequest, results: SearchResults) -> dict:
    return {
        "total": results.total,
        "total_is_exact": results.total_is_exact,
        "page": results.query.page,
        "pages": results.pages,
        "page_size": results.query.page_size,
        "editors_picks": [_hit_out(request, hit) for hit in results.picks],
        "results": [_hit_out(request, hit) for hit in results.hits],
        "facets": {
            param: [vars(value) for value in results.facets.get(param, [])]
            for param in FACET_PARAMS
        },
        "backend": results.backend,
        "took_ms": results.took_ms,
        "notes": list(results.notes),
        "near": results.query.near.slug if results.query.near else None,
        "text": results.query.text,
        "did_you_mean": results.did_you_mean or None,
    }


# -- endpoints -----------------------------------------------------------------


@router.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut},
    url_name="search",
    summary="Search member companies",
    description=(
        "Facets combine with AND, values within one facet with OR; each facet's counts "
        "apply every other filter but not its own."
    ),
)
def search(request, params: Query[SearchParams]):
    query = parse_search_params(request.GET)
    results = run_search(query)
    search_shown(request, results, source="api")
    return search_payload(request, results)


@router.get(
    "/companies/{slug}",
    response={200: CompanyOut, 404: ErrorOut},
    summary="One member company's profile",
)
def company_detail(request, slug: str, response: HttpResponse):
    company = (
        CompanyPage.objects.listed()
        .filter(slug=slug[:255])
        .select_related("place", "logo")
        .prefetch_related(
            "skills",
            "sectors",
            # Each credit with its production: the same one query.
            Prefetch("credits", queryset=CompanyCredit.objects.select_related("work")),
        )
        .first()
    )
    if company is None:
        raise Http404("No listed company with that slug.")
    logo_url = logo_alt = None
    if company.logo_id:
        logo_url = _absolute(request, company.logo.get_rendition("max-400x400").url)
        logo_alt = company.logo.default_alt_text or company.logo.title
    social = {
        "linkedin": company.linkedin_url,
        "instagram": company.instagram_url,
        "x": company.x_url,
        "youtube": company.youtube_url,
        "vimeo": company.vimeo_url,
    }
    coordinates = company.coordinates
    contact = visible_contact(company, request.user)
    if {company.email_visibility, company.phone_visibility} != {ContactVisibility.EVERYONE}:
        # The answer depends on who asks: no shared cache may hand it on.
        patch_vary_headers(response, ("Cookie",))
        patch_cache_control(response, private=True)
    return {
        "slug": company.slug,
        "name": company.title,
        "url": _absolute(request, company.url or ""),
        "strapline": company.strapline,
        "about": company.about or "",
        "logo_url": logo_url,
        "logo_alt": logo_alt,
        "place": {"slug": company.place.slug, "label": company.place.name}
        if company.place_id
        else None,
        "latitude": coordinates[0] if coordinates else None,
        "longitude": coordinates[1] if coordinates else None,
        "skills": _terms(company.skills.all()),
        "sectors": _terms(company.sectors.all()),
        "service_area": company.service_area,
        "size_band": company.size_band,
        "year_founded": company.year_founded,
        "website": company.website,
        "email": contact.email or None,
        "phone": contact.phone or None,
        "social": {key: url for key, url in social.items() if url},
        "showreel_url": company.showreel_url,
        "verified": company.verified,
        "joined_at": company.joined_at.isoformat(),
        "updated_at": _iso(company.updated_at),
        "availability": _availability(company),
        "credits": _credits(request, company),
    }


def _credits(request, company) -> list[dict]:
    credits = company.credits.all()
    # Kept until the next publish (cms.page_cache.kept): no query on a warm cache.
    index = first_live(ProductionIndexPage) if credits else None
    return [
        {
            "production": c.production,
            "client": c.client,
            "year": c.year,
            "role": c.role,
            "work": _production(request, index, c.work) if c.work else None,
        }
        for c in credits
    ]


def _production(request, index, production) -> dict:
    # The company is listed and credited on it, so the production has its page.
    # Its url from the sites' root paths, which are cached: no query for the site.
    url = _absolute(request, index.production_url(production)) if index else None
    return {
        "title": production.title,
        "year": production.year,
        "kind": production.kind,
        "client": production.client,
        "url": url,
    }


@router.get(
    "/suggest",
    response={200: list[SuggestionOut], 400: ErrorOut},
    summary="Completions for the search box: companies, skills, sectors and places",
    url_name="suggest",
)
def suggest(request, q: str = "", limit: int = Query(8, ge=1, le=20)):
    prefix = " ".join(q.split())[:MAX_VALUE_LENGTH]
    if len(prefix) < 2:
        return []
    return [vars(s) for s in get_search_backend().suggest(prefix, limit=limit)]


api.add_router("/directory", router)
