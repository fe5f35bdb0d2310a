"""Facet labels come from one cache entry, cleared when an editor renames or removes a value."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from directory.search.results import FacetTerms
from tests.directory.factories import SkillFactory, SkillGroupFactory

pytestmark = pytest.mark.django_db


def test_warm_labels_cost_no_query():
    SkillFactory(name="Compositing", slug="fl-compositing")
    FacetTerms.current(refresh=True)
    with CaptureQueriesContext(connection) as captured:
        terms = FacetTerms.current()
    assert captured.captured_queries == []
    assert terms.by_slug("skill")["fl-compositing"] == "Compositing"


def test_a_rename_clears_the_cached_labels(django_capture_on_commit_callbacks):
    group = SkillGroupFactory(name="Visual effects", slug="fl-vfx")
    assert FacetTerms.current().by_slug("department")["fl-vfx"] == "Visual effects"
    with django_capture_on_commit_callbacks(execute=True):
        group.name = "VFX"
        group.save()
    assert FacetTerms.current().by_slug("department")["fl-vfx"] == "VFX"
    with django_capture_on_commit_callbacks(execute=True):
        group.delete()
    assert "fl-vfx" not in FacetTerms.current().by_slug("department")


def test_a_value_added_without_signals_is_read_again():
    FacetTerms.current(refresh=True)
    SkillGroupFactory._meta.model.objects.bulk_create(
        [SkillGroupFactory._meta.model(name="Sound", slug="fl-sound")]
    )
    from directory.search.base import SearchQuery
    from directory.search.results import build_facets

    facets = build_facets(SearchQuery(filters={"department": ("fl-sound",)}), {})
    assert [(v.slug, v.label) for v in facets["department"]] == [("fl-sound", "Sound")]
