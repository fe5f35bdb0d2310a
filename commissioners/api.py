"""The signed-in commissioner's shortlists as JSON, under ``/api/v1/shortlists``.

Session authentication (the site's own sign-in cookie) with Django's CSRF
check on every write: a page of another site cannot change anyone's lists.
Only a commissioner's own lists are found; any other id answers 404. The
router joins the directory's API (``directory.api``) when the app is ready,
so both share one OpenAPI schema at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404

from ninja import Field, Router, Schema
from ninja.security import SessionAuth

from directory.api import ErrorOut, api
from directory.models import listed_q

from .models import Shortlist, ShortlistEntry, is_commissioner
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


def _shortlist(request, shortlist) -> dict:
    entries = shortlist.entries.select_related("company").filter(listed_q("company__"))
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
    lists = Shortlist.objects.of(request.auth)
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


OPERATIONS = [
    "GET /api/v1/shortlists",
    "POST /api/v1/shortlists",
    "GET /api/v1/shortlists/{shortlist_id}",
    "PUT /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
    "PATCH /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
    "DELETE /api/v1/shortlists/{shortlist_id}/companies/{company_id}",
]

_registered = False


def register():
    """Join the directory's API (once: the app's ``ready`` may run again in tests)."""
    global _registered
    if not _registered:
        api.add_router("/shortlists", router)
        _registered = True
