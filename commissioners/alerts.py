"""Saved searches' email alerts: which are due, what is new, and the one-click unsubscribe.

``manage.py send_search_alerts`` (cron, daily) enqueues one
:func:`send_search_alert` task per due search. Each task, in **one
transaction** under a lock on the search's row, runs the search through
``run_search`` (the configured backend), records every matching company not
yet recorded for that search (:class:`SearchAlertSent`, unique per search and
company) and queues the email in the outbox. A worker that dies mid-run rolls
the whole search back, or has committed all of it: a company is never mailed
twice for one search, and a duplicate task finds the search not due any more.

The first run after saving records the current matches as a **baseline**
without mailing: the alert is about companies that are new since then.

Due rules (local dates, ``TIME_ZONE``): a search that never ran is due at once
(its baseline); a daily one once a day; a weekly one on the weekday it was
saved, or whenever a week has passed since its last run (a missed cron).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, replace

from django.core import signing
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from django_tasks import task

from cms.outbox.mail import queue_mail
from directory.filter_urls import filter_url
from directory.models import DirectoryIndexPage
from directory.search import run_search
from directory.search.base import MAX_PAGE_SIZE, SearchQuery
from directory.search.page import parse_leniently
from directory.search.query import query_to_params
from members.notifications import absolute

from .models import SavedSearch, SearchAlertSent, is_commissioner

logger = logging.getLogger(__name__)

Frequency = SavedSearch.Frequency
# An alert looks at most this many matches (ten pages of the largest size).
MAX_ALERT_MATCHES = 1000
# An email lists at most this many companies; the search link shows the rest.
MAX_COMPANIES_IN_EMAIL = 25
UNSUBSCRIBE_SALT = "commissioners.search-alert-unsubscribe"
UNSUBSCRIBE_LIFETIME = datetime.timedelta(days=90)


# -- the search itself ----------------------------------------------------------


def normalised_query_string(params) -> str:
    """The GET parameters of a search as the directory writes them, without the page.

    Malformed values are dropped (as the directory page drops them), so what
    is stored always parses.
    """
    query, _errors = parse_leniently(params if isinstance(params, QueryDict) else QueryDict(params))
    return query_string_of(query)


def query_string_of(query: SearchQuery) -> str:
    return filter_url("", query_to_params(query, page=None, page_size=None)).lstrip("?")


def search_query(saved: SavedSearch) -> SearchQuery:
    query, _errors = parse_leniently(QueryDict(saved.query_string))
    return query


def search_url(saved: SavedSearch) -> str:
    """The directory showing this search (a path)."""
    base = DirectoryIndexPage.live_url()
    return f"{base}?{saved.query_string}" if saved.query_string else base


def describe(query_string: str) -> list[tuple[str, str]]:
    """The search's parameters as (name, value) pairs, for people to read."""
    return [(name, ", ".join(values)) for name, values in QueryDict(query_string).lists()]


@dataclass(frozen=True)
class Match:
    id: int
    title: str
    url: str
    strapline: str


def matching_companies(saved: SavedSearch) -> list[Match]:
    """Every company the search finds now (up to :data:`MAX_ALERT_MATCHES`), best first.

    Only companies matching the search as saved: when the directory would answer
    only by leaving out one of its words (``SearchQuery.relaxed``), nobody matches
    yet, and the alert waits for a company that does.
    """
    query = replace(search_query(saved), page=1, page_size=MAX_PAGE_SIZE)
    found: dict[int, Match] = {}
    page = 1
    while True:
        results = run_search(replace(query, page=page))
        if results.query.relaxed:
            return []
        for hit in results.hits:
            found.setdefault(hit.id, Match(hit.id, hit.title, hit.url, hit.strapline))
        if page >= results.pages or len(found) >= MAX_ALERT_MATCHES:
            break
        page += 1
    return list(found.values())[:MAX_ALERT_MATCHES]


# -- when ------------------------------------------------------------------------


def is_due(saved: SavedSearch, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    if saved.frequency == Frequency.NEVER:
        return False
    if saved.last_run_at is None:
        return True  # the baseline
    today = timezone.localdate(now)
    last = timezone.localdate(saved.last_run_at)
    if last >= today:
        return False
    if saved.frequency == Frequency.DAILY:
        return True
    saved_on = timezone.localdate(saved.created_at)
    return today.weekday() == saved_on.weekday() or (today - last).days >= 7


def due_searches(now: datetime.datetime | None = None) -> list[SavedSearch]:
    candidates = (
        SavedSearch.objects.exclude(frequency=Frequency.NEVER)
        .filter(owner__is_active=True)
        .order_by("pk")
    )
    return [saved for saved in candidates if is_due(saved, now)]


# -- the run ---------------------------------------------------------------------


@task()
def send_search_alert(saved_search_id: int) -> str:
    """Run one saved search's alert: record what is new and mail it, all or nothing."""
    return run_alert(saved_search_id)


def run_alert(saved_search_id: int, now: datetime.datetime | None = None) -> str:
    """``"baseline"``, ``"sent"``, ``"nothing new"`` or ``"skipped"`` (gone, not due, not ours)."""
    now = now or timezone.now()
    with transaction.atomic():
        saved = (
            SavedSearch.objects.select_for_update()
            .select_related("owner")
            .filter(pk=saved_search_id)
            .first()
        )
        if saved is None or not is_due(saved, now) or not is_commissioner(saved.owner):
            return "skipped"
        baseline = saved.last_run_at is None
        already = set(saved.alerted.values_list("company_id", flat=True))
        new = [match for match in matching_companies(saved) if match.id not in already]
        SearchAlertSent.objects.bulk_create(
            [SearchAlertSent(saved_search=saved, company_id=m.id, baseline=baseline) for m in new]
        )
        saved.last_run_at = now
        saved.save(update_fields=["last_run_at"])
        if baseline:
            return "baseline"
        if not new:
            return "nothing new"
        _mail(saved, new)
        return "sent"


def _mail(saved: SavedSearch, new: list[Match]) -> None:
    unsubscribe = absolute(reverse("commissioners:unsubscribe", args=[unsubscribe_token(saved)]))
    context = {
        "saved": saved,
        "companies": [
            {"title": m.title, "strapline": m.strapline, "url": absolute(m.url or "/")}
            for m in new[:MAX_COMPANIES_IN_EMAIL]
        ],
        "more": max(0, len(new) - MAX_COMPANIES_IN_EMAIL),
        "count": len(new),
        "search_link": absolute(search_url(saved)),
        "manage_link": absolute(reverse("commissioners:saved_searches")),
        "unsubscribe_link": unsubscribe,
        "frequency": saved.get_frequency_display().lower(),
    }
    count = len(new)
    subject = f"{count} new compan{'y' if count == 1 else 'ies'} for your search “{saved.name}”"
    queue_mail(
        subject,
        render_to_string("commissioners/emails/search_alert.txt", context),
        [saved.owner.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        about=saved,
        kind="search_alert",
    )


# -- unsubscribing ----------------------------------------------------------------


class BadToken(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def unsubscribe_token(saved: SavedSearch) -> str:
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    return signer.sign_object({"s": saved.pk, "u": saved.owner_id})


def search_for_token(token: str) -> SavedSearch | None:
    """The search a token unsubscribes from; raises :class:`BadToken`; None when it is gone."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    try:
        data = signer.unsign_object(token, max_age=UNSUBSCRIBE_LIFETIME)
    except signing.SignatureExpired:
        raise BadToken(expired=True) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken(expired=False) from None
    if not isinstance(data, dict):
        raise BadToken(expired=False)
    return SavedSearch.objects.filter(pk=data.get("s"), owner_id=data.get("u")).first()
