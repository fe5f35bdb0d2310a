"""cms.invalidation: a cached entry goes when a row behind it changes, and again at the commit.

Checked through two of the entries that use it: the facet labels (connected
by "app.Model" string) and the synonyms (connected by class).
"""

from __future__ import annotations

from django.core.cache import cache

import pytest

from directory.search.analysis import SYNONYMS_KEY
from directory.search.models import Synonym
from directory.search.results import FACET_LABELS_KEY
from tests.directory.factories import SectorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "make"),
    [
        (FACET_LABELS_KEY, lambda: SectorFactory(name="Broadcast")),
        (SYNONYMS_KEY, lambda: Synonym.objects.create(terms="vfx, visual effects")),
    ],
    ids=["facet labels", "synonyms"],
)
def test_an_entry_is_cleared_on_save_on_delete_and_again_after_the_commit(
    key, make, django_capture_on_commit_callbacks
):
    cache.set(key, "as before")
    with django_capture_on_commit_callbacks(execute=True):
        row = make()
        assert cache.get(key) is None, "not cleared at once"
        # A request between the save and its commit reads the old rows and
        # caches them again: the commit must clear that too.
        cache.set(key, "cached before the commit")
    assert cache.get(key) is None, "not cleared after the commit"

    cache.set(key, "as before")
    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
        cache.set(key, "cached before the commit")
    assert cache.get(key) is None


def test_an_unrelated_save_leaves_the_entry():
    cache.set(SYNONYMS_KEY, "kept")
    SectorFactory(name="Games")
    assert cache.get(SYNONYMS_KEY) == "kept"
