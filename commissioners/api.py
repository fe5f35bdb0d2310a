"""The signed-in commissioner's shortlists as JSON, under ``/api/v1/shortlists``.

Session authentication (the site's own sign-in cookie) with Django's CSRF
check on every write: a page of another site cannot change anyone's lists.
Only a commissioner's own lists are found; any other id answers 404. The
router joins the directory's API (``directory.api``) when the app is ready,
so both share one OpenAPI schema at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from ninja import Field, Router, Schema
from ninja.security import SessionAuth

from directory.api import ErrorOut, api
from directory.models import listed_q

from . import alerts
from .models import SavedSearch, Shortlist, ShortlistEntry, is_commissioner
from .saved_search_views import MAX_SAVED_SEARCHES
from .shortlists import listed_company_or_404


class CommissionerSession(SessionAuth):
    """The site's session cookie, for commissioners with a confirmed email only."""

    def authenticate(self, request, key):
        return request.user if is_commissioner(request.user) else None


router = Router(tags=["shortlists"], auth=CommissionerSession(csrf=True))


class EntryOut(Schema):
    company_id: int
    slug: str
    name: str
    url: str
    note: str = Field(description="Private to the list's owner.")
    added_at: datetime


class ShortlistOut(Schema):
    id: int
    name: str
    is_default: bool
    shared: bool = Field(description="Whether a read-only share link works.")
    companies: list[EntryOut]


class ShortlistIn(Schema):
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")


class NoteIn(Schema):
    note: str = Field(max_length=2000)


def _entry(request, entry) -> dict:
    company = entry.company
    return {
        "company_id": company.pk,
        "slug": company.slug,
        "name": company.title,
        "url": request.build_absolute_uri(company.url or "/"),
        "note": entry.note,
        "added_at": entry.added_at,
    }


def _listed_entries():
    return ShortlistEntry.objects.select_related("company").filter(listed_q("company__"))


def _shortlist(request, shortlist) -> dict:
    # Prefetched for a list of shortlists (one query for all their companies).
    entries = getattr(shortlist, "listed_entries", None)
    if entries is None:
        entries = _listed_entries().filter(shortlist=shortlist)
    return {
        "id": shortlist.pk,
        "name": shortlist.name,
        "is_default": shortlist.is_default,
        "shared": bool(shortlist.share_token),
        "companies": [_entry(request, entry) for entry in entries],
    }


def _own(request, shortlist_id) -> Shortlist:
    return get_object_or_404(Shortlist, pk=shortlist_id, owner=request.auth)


@router.get("", response={200: list[ShortlistOut]}, summary="Your shortlists")
def list_shortlists(request):
    if not Shortlist.objects.of(request.auth).exists():
        Shortlist.default_for(request.auth)
    lists = Shortlist.objects.of(request.auth).prefetch_related(
        Prefetch("entries", queryset=_listed_entries(), to_attr="listed_entries")
    )
    return [_shortlist(request, shortlist) for shortlist in lists]


@router.post("", response={201: ShortlistOut}, summary="Make a new shortlist")
def create_shortlist(request, payload: ShortlistIn):
    shortlist = Shortlist.objects.create(owner=request.auth, name=payload.name.strip())
    return 201, _shortlist(request, shortlist)


@router.get("/{shortlist_id}", response={200: ShortlistOut, 404: ErrorOut}, summary="One shortlist")
def get_shortlist(request, shortlist_id: int):
    return _shortlist(request, _own(request, shortlist_id))


@router.put(
    "/{shortlist_id}/companies/{company_id}",
    response={200: EntryOut, 201: EntryOut, 404: ErrorOut},
    summary="Add a listed company to a shortlist (201 when new, 200 when it was there)",
)
def add_company(request, shortlist_id: int, company_id: int):
    shortlist = _own(request, shortlist_id)
    company = listed_company_or_404(company_id)
    try:
        with transaction.atomic():
            entry, created = ShortlistEntry.objects.get_or_create(
                shortlist=shortlist, company=company
            )
    except IntegrityError:  # added by a simultaneous request
        entry, created = ShortlistEntry.objects.get(shortlist=shortlist, company=company), False
    return (201 if created else 200), _entry(request, entry)


@router.patch(
    "/{shortlist_id}/companies/{company_id}",
    response={200: EntryOut, 404: ErrorOut},
    summary="Change the private note on a company in a shortlist",
)
def set_note(request, shortlist_id: int, company_id: int, payload: NoteIn):
    shortlist = _own(request, shortlist_id)
    entry = get_object_or_404(
        ShortlistEntry.objects.select_related("company"), shortlist=shortlist, company_id=company_id
    )
    entry.note = payload.note.strip()
    entry.save(update_fields=["note"])
    return _entry(request, entry)


@router.delete(
    "/{shortlist_id}/companies/{company_id}",
    response={204: None, 404: ErrorOut},
    summary="Take a company off a shortlist",
)
def remove_company(request, shortlist_id: int, company_id: int):
    shortlist = _own(request, shortlist_id)
    if not shortlist.remove(company_id):
        raise Http404("That company is not on this list.")
    return 204, None


# -- saved searches --------------------------------------------------------------

searches_router = Router(tags=["saved searches"], auth=CommissionerSession(csrf=True))
Frequency = Literal["daily", "weekly", "never"]


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str = Field(description="The directory's GET parameters, as /api/v1/search takes them.")
    frequency: Frequency = Field(description="How often new matching companies are emailed.")
    url: str = Field(description="The directory page showing the search.")
    created_at: datetime
    updated_at: datetime


class SavedSearchIn(Schema):
    name: str = Field(min_length=1, max_length=120, pattern=r"\S")
    query: str = Field(
        "", max_length=2000, description="GET parameters, e.g. skill=animation&near=stoke"
    )
    frequency: Frequency = "weekly"


class SavedSearchPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120, pattern=r"\S")
    frequency: Frequency | None = None


def _saved(request, saved) -> dict:
    return {
        "id": saved.pk,
        "name": saved.name,
        "query": saved.query_string,
        "frequency": saved.frequency,
        "url": request.build_absolute_uri(alerts.search_url(saved)),
        "created_at": saved.created_at,
        "updated_at": saved.updated_at,
    }


def _own_search(request, search_id) -> SavedSearch:
    return get_object_or_404(SavedSearch, pk=search_id, owner=request.auth)


@searches_router.get("", response={200: list[SavedSearchOut]}, summary="Your saved searches")
def list_saved_searches(request):
    return [_saved(request, saved) for saved in SavedSearch.objects.of(request.auth)]


@searches_router.post(
    "", response={201: SavedSearchOut, 400: ErrorOut}, summary="Save a directory search"
)
def create_saved_search(request, payload: SavedSearchIn):
    if SavedSearch.objects.of(request.auth).count() >= MAX_SAVED_SEARCHES:
        return 400, {"detail": f"You have {MAX_SAVED_SEARCHES} saved searches: delete one first."}
    saved = SavedSearch.objects.create(
        owner=request.auth,
        name=payload.name.strip(),
        query_string=alerts.normalised_query_string(payload.query),
        frequency=payload.frequency,
    )
    return 201, _saved(request, saved)


@searches_router.get(
    "/{search_id}", response={200: SavedSearchOut, 404: ErrorOut}, summary="One saved search"
)
def get_saved_search(request, search_id: int):
    return _saved(request, _own_search(request, search_id))


@searches_router.patch(
    "/{search_id}",
    response={200: SavedSearchOut, 404: ErrorOut},
    summary="Rename a saved search or change how often it emails",
)
def update_saved_search(request, search_id: int, payload: SavedSearchPatch):
    saved = _own_search(request, search_id)
    before = (saved.name, saved.frequency)
    if payload.name is not None:
        saved.name = payload.name.strip()
    if payload.frequency is not None:
        saved.frequency = payload.frequency
    if (saved.name, saved.frequency) != before:  # sent unchanged, it changes nothing
        saved.save(update_fields=["name", "frequency", "updated_at"])
    return _saved(request, saved)


@searches_router.delete(
    "/{search_id}", response={204: None, 404: ErrorOut}, summary="Delete a saved search"
)
def delete_saved_search(request, search_id: int):
    _own_search(request, search_id).delete()
    return 204, None


OPERATIONS = [
    "GET /api/v1/shortlists",
    "POST /api/v1/shortlists",
    "GET /api/v1/shortlists/{shortlist_id}",
    "PUT /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
    "PATCH /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
    "DELETE /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
]
SAVED_SEARCH_OPERATIONS = [
    "GET /api/v1/saved-searches",
    "POST /api/v1/saved-searches",
    "GET /api/v1/saved-searches/{search_id}",
    "PATCH /api/v1/saved-searches/{search_id}",
    "DELETE /api/v1/saved-searches/{search_id}",
]

_registered = False


def register():
    """Join the directory's API (once: the app's ``ready`` may run again in tests)."""
    global _registered
    if not _registered:
        api.add_router("/shortlists", router)
        api.add_router("/saved-searches", searches_router)
        _registered = True
