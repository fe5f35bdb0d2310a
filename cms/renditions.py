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

from collections.abc import Iterable

from django.core.cache.backends.dummy import DummyCache
from django.db.models import Prefetch

from wagtail.images import get_image_model
from wagtail.images.models import Filter


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


def attach_renditions(images: Iterable, *specs: str) -> None:
    """Give ``images`` their renditions for ``specs`` before a listing renders them.

    Each ``{% image %}`` asks the rendition cache on its own: a listing of
    twenty logos was twenty round trips to Redis. Here the cache is asked
    for all of them at once, and what it holds is put where Wagtail looks
    first (the image's ``prefetched_renditions``). An image that the cache
    lacks a spec for gets every rendition of its own for ``specs`` from the
    database instead, in one query for all such images; one that has none
    yet gets an empty list, and Wagtail makes the rendition when it is shown
    (and caches it). Wagtail takes an image's prefetched renditions as all it
    has, so ``specs`` must be every spec the listing shows these images at.

    Without a rendition cache (production without Redis) every image is one
    the cache lacks: their renditions come from the database in that one
    query. An image whose renditions a listing already prefetched
    (:func:`image_prefetch`) is left as it is.
    """
    images = [image for image in images if image is not None and not _has_prefetched(image)]
    if not images or not specs:
        return
    Rendition = get_image_model().get_rendition_model()
    specs = tuple(dict.fromkeys(specs))
    wanted: dict[str, list] = {}  # cache key: the images shown with it (two cards, one logo)
    spec_names = set()
    for image in images:
        for spec in specs:
            filter = image.clean_filter_for_svg(Filter(spec=spec))
            key = Rendition.construct_cache_key(image, filter.get_cache_key(image), filter.spec)
            wanted.setdefault(key, []).append(image)
            spec_names.add(filter.spec)
    found: dict[int, list] = {id(image): [] for image in images}
    cached = Rendition.cache_backend.get_many(list(wanted)) if renditions_are_cached() else {}
    for key, rendition in cached.items():
        rendition.image = wanted[key][0]  # as Wagtail does for a cached rendition
        for image in wanted[key]:
            found[id(image)].append(rendition)
    missing: dict[int, list] = {}  # image id: its instances (two cards may show one image)
    for image in images:
        if len(found[id(image)]) < len(specs):
            missing.setdefault(image.pk, []).append(image)
            found[id(image)] = []  # the database's answer replaces the cache's partial one
    if missing:
        stored = Rendition.objects.filter(image_id__in=missing, filter_spec__in=spec_names)
        for rendition in stored:
            # Instances of one image are the same row: they can share a rendition.
            rendition.image = missing[rendition.image_id][0]
            for image in missing[rendition.image_id]:
                found[id(image)].append(rendition)
    for image in images:
        image.prefetched_renditions = found[id(image)]


def _has_prefetched(image) -> bool:
    return (
        "renditions" in getattr(image, "_prefetched_objects_cache", {})
        or getattr(image, "prefetched_renditions", None) is not None
    )
