"""The relevance bench's arithmetic, and its judged set kept in step with the demo."""

from __future__ import annotations

import math
from collections import Counter

from django.utils.text import slugify

import pytest

from bench.relevance.run import KINDS, load_judgments
from bench.relevance.scoring import (
    dcg,
    naive_rank,
    ndcg_at,
    precision_at,
    recall_at,
    score_query,
    summarise,
)
from directory.demo import CURATED, LAPSED

# A tiny judged set: a is exactly right, b and c are reasonable, x is not judged.
JUDGED = {"a": 2, "b": 1, "c": 1, "z": 0}


def test_dcg_and_ndcg_match_hand_computed_values():
    # By hand: gains 2^2-1 = 3 at rank 1 (discount log2 2 = 1), nothing at rank 2,
    # 2^1-1 = 1 at rank 3 (discount log2 4 = 2): 3 + 0 + 0.5 = 3.5.
    assert dcg([2, 0, 1]) == pytest.approx(3.5)
    # Ideal order a, b, c: 3/1 + 1/log2 3 + 1/2 = 3 + 0.63093 + 0.5 = 4.13093.
    assert dcg([2, 1, 1]) == pytest.approx(4.13093, abs=1e-5)
    assert ndcg_at(["a", "x", "b"], JUDGED) == pytest.approx(3.5 / 4.13093, abs=1e-5)
    assert ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(1.0)
    assert ndcg_at(["a", "c", "b", "x"], JUDGED) == pytest.approx(1.0)  # ties in grade
    # The right answer last, by hand: b (1/1) + c (1/log2 3 = 0.63093) + a (3/2) = 3.13093.
    assert ndcg_at(["b", "c", "a"], JUDGED) == pytest.approx(3.13093 / 4.13093, abs=1e-5)
    assert ndcg_at(["x", "z"], JUDGED) == 0.0
    assert ndcg_at(["a"], {"a": 0}) == 0.0  # nothing relevant to find


def test_ndcg_counts_only_the_first_k_places():
    ranked = [f"x{n}" for n in range(10)] + ["a"]
    assert ndcg_at(ranked, JUDGED, k=10) == 0.0
    assert ndcg_at(ranked, JUDGED, k=11) == pytest.approx((3 / math.log2(12)) / 4.13093, abs=1e-5)


def test_precision_and_recall():
    assert precision_at(["a", "x", "b"], JUDGED, 3) == pytest.approx(2 / 3)
    assert precision_at(["a"], JUDGED, 3) == pytest.approx(1 / 3)  # empty places count
    assert precision_at(["z", "x"], JUDGED, 3) == 0.0  # grade 0 is not relevant
    assert recall_at(["a", "x", "b"], JUDGED, 10) == pytest.approx(2 / 3)
    assert recall_at(["x"] * 10 + ["a"], JUDGED, 10) == 0.0


def test_score_and_summary_of_a_judged_set():
    rows = [
        score_query(["a", "b", "c"], JUDGED, total=3),
        score_query([], JUDGED, total=0),
    ]
    assert rows[0] == {"ndcg10": pytest.approx(1.0), "p3": 1.0, "r10": 1.0, "zero": False}
    assert rows[1] == {"ndcg10": 0.0, "p3": 0.0, "r10": 0.0, "zero": True}
    assert summarise(rows) == {
        "queries": 2,
        "ndcg10": pytest.approx(0.5),
        "p3": 0.5,
        "r10": 0.5,
        "zero": 1,
    }


def test_naive_reference_wants_every_word_and_ranks_by_count():
    texts = {
        "both": "Colour grading; colour and more COLOUR",
        "one": "Grading only",
        "prefix": "An animation studio",
        "once": "colour grading",
    }
    assert naive_rank("colour grading", texts) == ["both", "once"]
    assert naive_rank("ANIM", texts) == ["prefix"]  # any substring, any case
    assert naive_rank("grading", texts) == ["both", "once", "one"]  # ties by slug
    assert naive_rank("   ", texts) == []


def test_judged_set_covers_every_kind_and_names_only_listed_demo_companies():
    queries = load_judgments()
    assert len(queries) >= 60
    kinds = Counter(q["kind"] for q in queries)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 5
    assert len({q["q"].lower() for q in queries}) == len(queries)  # no query twice
    listed = {slugify(name) for name, *_ in CURATED if name not in LAPSED}
    for query in queries:
        judged = query["judged"]
        assert set(judged) <= listed, (query["q"], set(judged) - listed)
        assert 2 in judged.values(), query["q"]  # something exactly right to find
