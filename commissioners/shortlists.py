"""The visitor's shortlist, wherever it lives: in the session, or in a commissioner's lists.

Anyone can shortlist companies. A visitor who is not a signed-in commissioner
keeps one list in their session; a commissioner keeps named lists in the
database, and the button adds to and removes from their default list. When a
commissioner signs in, the session's list is merged into their default list
(:func:`merge_session_into_default`, on ``user_logged_in``).

Reading the state never touches a session that does not exist: a visitor
without a session cookie has an empty shortlist, so the anonymous pages that
the page cache keeps (``cms.page_cache``) are the same for every such visitor.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from directory.models import CompanyPage

from .models import Shortlist, ShortlistEntry, is_commissioner

SESSION_KEY = "shortlist"
MAX_SESSION_COMPANIES = 200


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or bool(request.session.session_key)


def session_company_ids(request) -> list[int]:
    if not hasattr(request, "session") or not _has_session(request):
        return []
    ids = request.session.get(SESSION_KEY, [])
    return [i for i in ids if isinstance(i, int)]


def shortlisted_ids(request) -> frozenset[int]:
    """The companies the shortlist button shows as added, for this request (kept on it)."""
    cached = getattr(request, "_shortlisted_ids", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if not hasattr(request, "session") or not _has_session(request):
        ids = frozenset()  # no session, nobody signed in: nothing shortlisted, nothing read
    elif user is not None and is_commissioner(user):
        ids = frozenset(default_list_ids(user))
    else:
        ids = frozenset(session_company_ids(request))
    request._shortlisted_ids = ids
    return ids


def default_list_ids(user) -> list[int]:
    return list(
        ShortlistEntry.objects.filter(
            shortlist__owner=user, shortlist__is_default=True
        ).values_list("company_id", flat=True)
    )


def listed_company_or_404(company_id) -> CompanyPage:
    try:
        company_id = int(company_id)
    except (TypeError, ValueError):
        raise Http404("No such company") from None
    company = CompanyPage.objects.listed().filter(pk=company_id).first()
    if company is None:
        raise Http404("No such company")
    return company


def toggle(request, company, shortlist=None) -> bool:
    """Add ``company`` to the visitor's list, or take it off; True when it is on it now."""
    if is_commissioner(request.user):
        shortlist = shortlist or Shortlist.default_for(request.user)
        if shortlist.remove(company.pk):
            return False
        shortlist.add(company)
        return True
    ids = session_company_ids(request)
    if company.pk in ids:
        ids.remove(company.pk)
        added = False
    else:
        ids = [*ids, company.pk][-MAX_SESSION_COMPANIES:]
        added = True
    request.session[SESSION_KEY] = ids
    return added


def session_companies(request) -> list[CompanyPage]:
    ids = session_company_ids(request)
    if not ids:
        return []
    found = {
        c.pk: c for c in CompanyPage.objects.listed().filter(pk__in=ids).select_related("place")
    }
    return [found[i] for i in ids if i in found]


def merge_session_into_default(request, user) -> int:
    """Move the session's companies into ``user``'s default list; how many were new."""
    ids = session_company_ids(request)
    if not ids or not is_commissioner(user):
        return 0
    shortlist = Shortlist.default_for(user)
    added = sum(
        shortlist.add(company) for company in CompanyPage.objects.listed().filter(pk__in=ids)
    )
    request.session.pop(SESSION_KEY, None)
    return added
