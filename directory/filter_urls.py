"""Links into the directory, filtered: built here, once, for every page and backend.

The directory page's active filters and pagination, the page of a company that
left, and both search backends' skill suggestions link to the directory page
with GET parameters. They all build those links here so that a link means the
same wherever it was made: a skill suggested in the search box on the home
page leads to ``/directory/?skill=...``, never to ``?skill=...`` on whatever
page it was typed on.

The directory page's own URL comes from ``DirectoryIndexPage.live_url()``;
this module needs no models, so the models can use it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode


def filter_url(base: str, params: Iterable[tuple[str, str]]) -> str:
    """``base`` with these GET parameters (in order, repeated names kept); ``base`` if none."""
    pairs = list(params)
    return f"{base}?{urlencode(pairs)}" if pairs else base


def client_filter_url(client: str, base: str) -> str:
    """The directory at ``base`` showing the companies credited for one broadcaster or client."""
    return filter_url(base, [("client", client)])


def skill_filter_url(slug: str, base: str) -> str:
    """The directory at ``base`` filtered by one skill."""
    return filter_url(base, [("skill", slug)])
