"""Telling the apps above what a visitor was shown: a search's results, a company's page.

Cluster insight (the ``insight`` app, a layer above this one) counts the
searches commissioners make and the companies they see. The directory does
not import it: as with the other cross-layer joins (docs/architecture.md),
the lower layer calls Wagtail hooks and the upper one registers them. The
three call sites are the directory page's presenter, the API's search and a
company page's presenter.

A listener's failure is logged and swallowed: what a visitor asked for is
answered whatever happens to the counting.
"""

from __future__ import annotations

import logging

from wagtail import hooks

logger = logging.getLogger(__name__)

SEARCH_SHOWN = "directory_search_shown"
PROFILE_SHOWN = "directory_profile_shown"


def _tell(hook_name: str, *args, **kwargs) -> None:
    for listener in hooks.get_hooks(hook_name):
        try:
            listener(*args, **kwargs)
        except Exception:
            logger.exception("A %s listener failed; the page is served regardless", hook_name)


def search_shown(request, results, *, source: str) -> None:
    """``results`` (``SearchResults``) were shown, on the directory page or by the API."""
    _tell(SEARCH_SHOWN, request, results, source=source)


def profile_shown(request, company) -> None:
    """``company``'s public page was shown."""
    _tell(PROFILE_SHOWN, request, company)
