"""Page privacy on public page views, without asking the database each time.

Wagtail checks on every page view which view restrictions (password, signed-in
only, groups) apply to the page: two queries, one for the ancestors and one
for the restrictions; and every ``.public()`` queryset first loads every
restriction on the site. Most of the time there is none at all, so whether any
exists is kept in the (shared) cache, and only then are the real checks made.
Saving or deleting a restriction (deleting a page deletes its own) clears the
entry, at once and again after the commit, like the site frame (cms.frame).
"""

from __future__ import annotations

from django.core.cache import cache

from wagtail.models import PageViewRestriction

from cms.invalidation import forget_on_change

KEY = "cms:privacy:any-restriction"
TIMEOUT = 60 * 60  # a safety net: changes clear the entry themselves


def any_view_restriction() -> bool:
    """Whether any page on any site has a view restriction."""
    known = cache.get(KEY)
    if known is None:
        known = PageViewRestriction.objects.exists()
        cache.set(KEY, known, TIMEOUT)
    return known


def public(queryset):
    """``queryset.public()``, which costs nothing when no page is private."""
    return queryset.public() if any_view_restriction() else queryset


class CachedPrivacyMixin:
    """For page models: skip Wagtail's view-restriction queries while none exists."""

    def get_view_restrictions(self):
        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


forget_on_change(KEY, PageViewRestriction, uid="cms-privacy")
