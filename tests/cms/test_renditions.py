"""Renditions for a listing: one cache round trip for all its images, no write-back of reads.

On production's caches on the real Redis (the ``redis_cache`` fixture):
``cms.cache.RenditionCache`` and ``cms.renditions.attach_renditions``.
"""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model

import pytest

from cms.renditions import attach_renditions
from tests.cms.factories import image

pytestmark = pytest.mark.django_db
SPEC = "fill-96x96"


def on_renditions(redis_calls) -> list[tuple[str, list]]:
    """What reached the rendition cache's Redis, as ``(method, keys)``."""
    return [(name, keys) for cache, name, keys in redis_calls if cache == "renditions"]


def methods(redis_calls) -> list[str]:
    return [name for name, _keys in on_renditions(redis_calls)]


def fresh(picture):
    """The image as a new request loads it: no renditions attached yet."""
    return get_image_model().objects.get(pk=picture.pk)


def test_a_rendition_read_from_the_cache_is_not_written_back(redis_calls):
    picture = image("Kiln logo", size=(120, 120))
    made = picture.get_rendition(SPEC)
    assert methods(redis_calls) == ["get_many", "set"]  # made, then cached
    key = on_renditions(redis_calls)[-1][1][0]
    assert caches["renditions"].get(key).file.name == made.file.name

    redis_calls.clear()
    again = fresh(picture).get_rendition(SPEC)
    assert again.file.name == made.file.name
    assert methods(redis_calls) == ["get_many"]  # found, and not written back
    # Any other value under that key, or that rendition under another, is still written.
    caches["renditions"].set("elsewhere", again)
    caches["renditions"].set(key, fresh(picture).renditions.get())
    assert methods(redis_calls)[-2:] == ["set", "set"]


def test_a_listing_reads_its_renditions_in_one_round_trip_and_writes_none(redis_calls):
    pictures = [image(f"Logo {n}", size=(120, 120)) for n in range(4)]
    for picture in pictures:
        picture.get_rendition(SPEC)  # made and cached
    listing = [fresh(picture) for picture in pictures]
    redis_calls.clear()

    with CaptureQueriesContext(connection) as queries:
        attach_renditions(listing, SPEC)
        shown = [picture.get_rendition(SPEC) for picture in listing]

    assert methods(redis_calls) == ["get_many"]
    assert len(on_renditions(redis_calls)[0][1]) == 4
    assert len(queries.captured_queries) == 0
    assert [r.image for r in shown] == listing
    assert [r.file.name for r in shown] == [p.get_rendition(SPEC).file.name for p in pictures]


def test_what_the_cache_lacks_comes_from_the_database_in_one_query_and_is_cached(redis_calls):
    cached, stored, new = (image(f"Logo {n}", size=(120, 120)) for n in range(3))
    cached.get_rendition(SPEC)
    stored_rendition = stored.get_rendition(SPEC)
    stored_rendition.purge_from_cache()  # in the database, not in the cache
    listing = [fresh(cached), fresh(stored), fresh(new), fresh(stored)]  # one logo twice
    redis_calls.clear()

    with CaptureQueriesContext(connection) as lookup:
        attach_renditions(listing, SPEC)
    assert len(lookup.captured_queries) == 1
    assert methods(redis_calls) == ["get_many"]

    with CaptureQueriesContext(connection) as showing:
        shown = [picture.get_rendition(SPEC) for picture in listing]
    # Only the image that had no rendition at all makes one (a get_or_create).
    assert all(str(new.pk) in q["sql"] for q in showing.captured_queries if "INSERT" in q["sql"])
    assert shown[1].file.name == shown[3].file.name == stored_rendition.file.name
    written = [keys[0] for name, keys in on_renditions(redis_calls) if name == "set"]
    # The one found in the database (shown twice) and the new one are cached; the
    # one read from the cache is not written back.
    assert len(written) == 3 and len(set(written)) == 2
    assert caches["renditions"].get(stored_rendition.get_cache_key()) is not None
    assert caches["renditions"].get(shown[2].get_cache_key()) is not None


def test_without_a_rendition_cache_the_database_answers_in_one_query(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    pictures = [image(f"Logo {n}", size=(120, 120)) for n in range(3)]
    made = [picture.get_rendition(SPEC).file.name for picture in pictures]
    listing = [fresh(picture) for picture in pictures]
    with CaptureQueriesContext(connection) as queries:
        attach_renditions(listing, SPEC)
        shown = [picture.get_rendition(SPEC).file.name for picture in listing]
    assert len(queries.captured_queries) == 1
    assert shown == made
