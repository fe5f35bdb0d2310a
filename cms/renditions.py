"""Where a page finds its images' renditions: the rendition cache, or the database in one go.

Wagtail looks a rendition up in its rendition cache (Redis in production,
``cms.settings.base.redis_caches``) before the database, so with that cache
a listing's images cost no query at all, however many there are. Wagtail's
``prefetch_renditions`` instead always reads them from the database: one
query per listing that the cache would have answered. So a listing asks for
them from the database only where no cache answers (production without
Redis turns the rendition cache off: ``cms.settings.production``), and there
prefetches them, so that its size still costs nothing.
"""

from __future__ import annotations

from django.core.cache.backends.dummy import DummyCache
from django.db.models import Prefetch

from wagtail.images import get_image_model


def renditions_are_cached() -> bool:
    """Does a cache answer Wagtail's rendition lookups?"""
    return not isinstance(get_image_model().get_rendition_model().cache_backend, DummyCache)


def image_prefetch(lookup: str, *specs: str) -> list:
    """What to prefetch for the images at ``lookup`` (select them with ``select_related``).

    Nothing while the rendition cache answers; otherwise their renditions
    for ``specs`` (all of them when none is given), in one query.
    """
    if renditions_are_cached():
        return []
    renditions = get_image_model().get_rendition_model().objects.all()
    if specs:
        renditions = renditions.filter(filter_spec__in=specs)
    return [Prefetch(f"{lookup}__renditions", queryset=renditions)]
