"""Relevance measures and the naive reference ranker (pure functions, no Django).

Judgments are graded: 2 = exactly what the searcher wants, 1 = a reasonable
answer, 0 (or not judged) = not an answer. See README.md for the rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain with exponential gain: sum of (2^rel - 1) / log2(rank + 1)."""
    return sum((2**rel - 1) / math.log2(rank + 2) for rank, rel in enumerate(gains))


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of ``ranked`` slugs against graded ``judged`` (unjudged slugs count 0)."""
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judged.get(slug, 0) for slug in ranked[:k]]) / ideal


def precision_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 3) -> float:
    """Share of the first ``k`` places (not of the hits) held by relevant (grade >= 1) slugs."""
    return sum(1 for slug in ranked[:k] if judged.get(slug, 0) > 0) / k


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int = 10) -> float:
    """Share of the relevant slugs found in the first ``k``."""
    relevant = {slug for slug, grade in judged.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.lower().strip()) if w]


def naive_rank(query: str, texts: Mapping[str, str]) -> list[str]:
    """The reference: companies whose text holds every word of ``query`` as a substring.

    Case-insensitive; ranked by how many times the words occur in all, then by
    slug so the order is stable. No stemming, synonyms, typos or places.
    """
    terms = words(query)
    if not terms:
        return []
    scored = []
    for slug, text in texts.items():
        lowered = text.lower()
        counts = [lowered.count(term) for term in terms]
        if all(counts):
            scored.append((-sum(counts), slug))
    return [slug for _, slug in sorted(scored)]


def summarise(rows: Iterable[dict]) -> dict:
    """Means of ndcg/p3/r10 and the zero-result count over ``rows`` (one per query)."""
    rows = list(rows)
    if not rows:
        return {"queries": 0, "ndcg10": 0.0, "p3": 0.0, "r10": 0.0, "zero": 0}
    return {
        "queries": len(rows),
        "ndcg10": sum(r["ndcg10"] for r in rows) / len(rows),
        "p3": sum(r["p3"] for r in rows) / len(rows),
        "r10": sum(r["r10"] for r in rows) / len(rows),
        "zero": sum(1 for r in rows if r["zero"]),
    }


def score_query(ranked: Sequence[str], judged: Mapping[str, int], total: int) -> dict:
    """Every measure for one query; ``total`` is how many hits the search reported."""
    return {
        "ndcg10": ndcg_at(ranked, judged, 10),
        "p3": precision_at(ranked, judged, 3),
        "r10": recall_at(ranked, judged, 10),
        "zero": total == 0,
    }
