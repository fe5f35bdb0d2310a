"""Relevance: a company searched for by its name comes first, on every backend."""

from __future__ import annotations

from django.http import QueryDict

from directory.search import run_search
from directory.search.query import parse_search_params
from tests.directory.factories import company


def test_the_company_named_by_the_query_comes_first(search_backend):
    # Alphabetically both others sort before "Kiln"; all three have "kiln" in
    # their name, so only a name match of the whole query can put "Kiln" first.
    ids = [
        company("A Kiln Studio", strapline="Ceramics on film").pk,
        company("Kiln", strapline="Stop-motion").pk,
        company("Kiln Light Post", strapline="Grading").pk,
    ]
    search_backend.update_companies(ids)
    search_backend.refresh()

    def first(text):
        params = parse_search_params(QueryDict(f"q={text}"))
        return [hit.title for hit in run_search(params, backend=search_backend).hits]

    assert first("kiln")[0] == "Kiln"
    assert first("KILN")[0] == "Kiln"
    assert first("kiln+light+post")[0] == "Kiln Light Post"
