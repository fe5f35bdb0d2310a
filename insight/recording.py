"""Recording what commissioners search for and see, privately and off the request path.

The directory tells us (``directory.shown``, Wagtail hooks registered in
``wagtail_hooks``) when a search's results or a company's page were shown;
each becomes one small event appended to the cache (``buffer``), which the
worker moves into the database (``flushing``). A request writes nothing to
the database, and a cached page counts too: the event's payload is kept with
the cached page and replayed on each hit (``cms.page_cache.replay_on_hit``).

What an event holds is all that is ever known about a search:

* the text, lower-cased with its spaces collapsed, *unless* it looks like an
  email address or a phone number (commissioners paste contact details into
  search boxes): then the text is not kept at all, only that there was some;
* the filters, "verified", the centre (a gazetteer place or postcode
  district, never what was typed) and radius, the page, the total found, the
  backend and the time; and the ids of the companies on that page of results
  (counted as their appearances, never stored with the search).

Never an IP address, a user, a session or a cookie; nothing is set on the
response, so a page stays cacheable. Requests from bots (by user agent:
``BOT_USER_AGENT``) and from signed-in editors are not counted: the figures
are about commissioners, not crawlers or the cluster's staff.
"""

from __future__ import annotations

import re
import time

from cms.page_cache import canonical_query, replay_on_hit
from directory.search.models import normalise_search_text

from . import buffer

# The hook a cached directory or company page replays on each hit.
REPLAY_HOOK = "insight_replay"

# Crawlers, link previews, uptime checks and scripts: none of them a
# commissioner. An empty user agent is a script too.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"monitor|pingdom|uptime|lighthouse|curl|wget|python-|httpx|aiohttp|okhttp|"
    r"java/|go-http-client|libwww|scrapy|headlesschrome|phantomjs",
    re.IGNORECASE,
)
# An "@" between words (however spaced), or "name at domain dot com".
EMAIL_LIKE = re.compile(r"\w\s*@\s*\w|\w\s+at\s+\w+\s+dot\s+\w")
# Nine digits or more, each at most one separator from the next: every UK
# phone number, written any usual way, but not a year or a postcode.
PHONE_LIKE = re.compile(r"\+?\d(?:[\s().-]?\d){8,}")


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent.strip() or bool(BOT_USER_AGENT.search(agent))


def is_editor(request) -> bool:
    """Signed in with access to the Wagtail admin (a cached page's request has no user)."""
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")
    )


def counts(request) -> bool:
    """Whether this request is one a commissioner made: a GET from no bot and no editor."""
    return request.method == "GET" and not is_bot(request) and not is_editor(request)


def private_text(text: str) -> tuple[str, bool]:
    """``text`` normalised, or ``("", True)`` when it looks like an email address or phone."""
    normal = normalise_search_text(text)  # as pins match it
    if EMAIL_LIKE.search(normal) or PHONE_LIKE.search(normal):
        return "", True
    return normal, False


def search_event(results, *, source: str) -> dict:
    """The payload of one shown search (``SearchResults``): JSON-able, nobody's."""
    query = results.query
    text, redacted = private_text(query.text)
    return {
        "kind": "search",
        "source": source,
        "text": text,
        "redacted": redacted,
        "filters": canonical_query(
            (param, slug) for param, slugs in query.filters.items() for slug in slugs
        ),
        "verified": bool(query.verified),
        "near": query.near.slug if query.near else "",
        "radius": query.radius_miles if query.near else None,
        # A search answered only by leaving out one of its words found nobody
        # for what was asked: for insight (the skills gaps) it found none.
        "total": 0 if query.relaxed else int(results.total),
        "backend": str(results.backend)[:40],
        "page": int(query.page),
        # The editors' picks were shown too (first, on page 1).
        "shown": [int(hit.id) for hit in [*results.picks, *results.hits]],
    }


def record(event: dict) -> bool:
    """Append ``event``, stamped with the time now, to the buffer. Never raises."""
    return buffer.push({**event, "at": time.time()})


# --- the hooks (registered in wagtail_hooks) --------------------------------


def search_shown(request, results, *, source: str) -> None:
    event = search_event(results, source=source)
    if source == "page":
        # Every later visitor served this page from the cache searched too.
        replay_on_hit(request, REPLAY_HOOK, event)
    if counts(request):
        record(event)


def profile_shown(request, company) -> None:
    event = {"kind": "view", "company": int(company.pk)}
    replay_on_hit(request, REPLAY_HOOK, event)
    if counts(request):
        record(event)


def replayed(request, event: dict) -> None:
    """A cached page was served: count it as its first rendering was (if a person asked)."""
    if counts(request):
        record(event)
