"""The suggestion parts both backends share: typo bounds, the mix, the cached terms.

No engine needed: the contract suite checks that both backends use them alike.
"""

from __future__ import annotations

from django.core.cache import cache

import pytest

from directory.search.base import Suggestion
from directory.search.suggestions import (
    TERMS_KEY,
    mix,
    suggestion_terms,
    term_candidates,
    typo_edits,
    word_starts,
)
from tests.directory.factories import SectorFactory


def test_word_starts_are_every_tail_and_each_compound():
    assert word_starts(" post production house | postproduction ") == [
        "post production house",
        "production house",
        "house",
        "postproduction",
    ]


@pytest.mark.parametrize(
    ("typed", "name", "edits"),
    [
        ("anim", "kiln animation", 0),  # a word start
        ("animaiton", "kiln animation", 1),  # two letters swapped: one edit
        ("animaton", "animation studio", 1),  # one left out, while typing
        ("documentry", "documentary", 1),
        ("staford", "stafford", 1),
        ("animtaoin", "animation", 2),  # eight letters or more: two edits
        ("anme", "anime", 1),  # four letters: one edit
        ("anmie", "animation", None),  # ...not two
        ("cartoon", "caption", None),  # seven letters: one edit, not two
        ("ami", "animation", None),  # under four letters: none
        ("xnimation", "animation", None),  # the first letter must be right
    ],
)
def test_typo_edits_are_bounded_like_elasticsearch_fuzziness(typed, name, edits):
    assert typo_edits(typed, word_starts(name)) == edits


def _suggestions(kind, count, edits=0):
    return [(edits, Suggestion(kind, f"{kind} {i}", f"/{kind}/{i}")) for i in range(count)]


def test_mix_gives_every_kind_its_share_of_the_places():
    candidates = _suggestions("company", 8) + _suggestions("skill", 1) + _suggestions("place", 3)
    chosen = mix(candidates, 6)
    kinds = [s.kind for s in chosen]
    # The one skill is not crowded out; companies take what the others leave.
    assert kinds == ["company", "company", "company", "skill", "place", "place"]
    assert [s.label for s in chosen[:3]] == ["company 0", "company 1", "company 2"]


def test_mix_puts_word_starts_before_typos_whatever_their_kind():
    candidates = _suggestions("company", 2, edits=1) + _suggestions("place", 1)
    assert [(s.kind, s.label) for s in mix(candidates, 8)] == [
        ("place", "place 0"),
        ("company", "company 0"),
        ("company", "company 1"),
    ]
    assert mix(candidates, 0) == []


@pytest.mark.django_db
def test_terms_come_from_the_cache_and_a_change_clears_it(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    sector = SectorFactory(name="Immersive theatre", slug="immersive-theatre")
    suggestion_terms()
    with django_assert_num_queries(0):
        assert ("sector", "immersive-theatre", "Immersive theatre") in [
            term[:3] for term in suggestion_terms()
        ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sector.name = "Immersive experiences"
        sector.save()
    assert callbacks  # cleared again once the change is committed
    labels = [s.label for _edits, s in term_candidates("immersive")]
    assert "Immersive experiences" in labels
    assert "Immersive theatre" not in labels


@pytest.mark.django_db
def test_removing_a_term_clears_the_cache():
    sector = SectorFactory(name="Esports", slug="esports")
    suggestion_terms()
    assert cache.get(TERMS_KEY) is not None
    sector.delete()
    assert cache.get(TERMS_KEY) is None
    assert "Esports" not in [s.label for _edits, s in term_candidates("esports")]
