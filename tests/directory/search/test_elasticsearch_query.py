"""How the Elasticsearch backend builds its requests: checked without a server."""

from __future__ import annotations

import time

import pytest

from directory.search.analysis import Phrase
from directory.search.base import NearPoint, SearchQuery, Sort
from directory.search.elasticsearch import CircuitBreaker, ElasticsearchBackend, haversine_miles
from directory.search.index import CompanyIndexDocument, title_suggestions

# Nothing listens here: building requests must not need a server.
backend = ElasticsearchBackend(url="http://127.0.0.1:9", index_prefix="unit")


def test_every_clause_must_match_and_synonyms_are_alternatives():
    colour = [Phrase.of(["colour"])]
    vfx = [Phrase.of(["vfx"]), Phrase.of(["visual", "effects"])]
    query = backend.text_query([colour, vfx], typos={"colour"})
    (words,) = query["bool"]["must"]
    # Two words: both must match.
    assert words["bool"]["minimum_should_match"] == 2
    first, second = words["bool"]["should"]
    term, fuzzy, *prefixes = first["bool"]["should"]
    # The term is the analysed stem, in the pre-analysed terms fields.
    assert term["multi_match"]["query"] == "color"
    assert term["multi_match"]["fields"] == ["title_terms^3", "keyword_terms^2", "body_terms"]
    assert fuzzy["multi_match"]["query"] == "colour"
    assert fuzzy["multi_match"]["fuzziness"] == "AUTO:4,8"  # suggestions.max_edits
    assert fuzzy["multi_match"]["fields"] == ["title_words^3", "keyword_words^2", "body_words"]
    # A word start: a cheap prefix query per words field, weighted below the word.
    assert [next(iter(p["prefix"])) for p in prefixes] == [
        "title_words",
        "keyword_words",
        "body_words",
    ]
    assert all(p["prefix"][f]["value"] == "colour" for p in prefixes for f in p["prefix"])
    assert prefixes[0]["prefix"]["title_words"]["boost"] < 3
    alternatives = second["bool"]["should"]
    assert second["bool"]["minimum_should_match"] == 1
    assert alternatives[1] == {
        "multi_match": {
            "query": "visual effect",
            "type": "phrase",
            "fields": ["title_terms^3", "keyword_terms^2", "body_terms"],
        }
    }


def test_only_the_words_the_directory_does_not_know_are_matched_fuzzily():
    clauses = [
        [Phrase.of(["animaton"]), Phrase.of(["animation"])],  # a typo and its correction
        [Phrase.of(["studio"])],
    ]
    query = backend.text_query(clauses, typos={"animaton"})
    fuzzy = [
        node["multi_match"]["query"]
        for node in _nodes(query)
        if "multi_match" in node and "fuzziness" in node["multi_match"]
    ]
    assert fuzzy == ["animaton"]
    assert "fuzziness" not in str(backend.text_query(clauses))


def test_the_description_is_highlighted_only_to_find_what_a_typo_matched():
    clauses = [[Phrase.of(["animaton"]), Phrase.of(["animation"])]]
    with_typo = backend.search_body(SearchQuery(), clauses, typos={"animaton"})
    assert with_typo["highlight"]["fields"] == {"about": {"number_of_fragments": 0}}
    assert with_typo["highlight"]["encoder"] == "html"
    # Without a typo every matched word is one the snippet's own matcher marks.
    assert "highlight" not in backend.search_body(SearchQuery(), [[Phrase.of(["animation"])]])


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_long_queries_need_most_words_and_reward_the_phrase():
    clauses = [[Phrase.of([w])] for w in ("documentary", "production", "company")]
    query = backend.text_query(clauses)
    (words,) = query["bool"]["must"]
    assert words["bool"]["minimum_should_match"] == 2
    (phrase,) = query["bool"]["should"]
    assert phrase["multi_match"]["type"] == "phrase"
    assert phrase["multi_match"]["query"] == " ".join(c[0].terms[0] for c in clauses)


def test_short_words_are_word_starts_only_at_the_end():
    def has_prefix(query: dict) -> bool:
        return any("prefix" in alt for alt in query["bool"]["should"])

    (words,) = backend.text_query([[Phrase.of(["tv"])], [Phrase.of(["an"])]])["bool"]["must"]
    first, last = words["bool"]["should"]
    assert not has_prefix(first)
    assert has_prefix(last)
    assert "phrase_prefix" not in str(backend.text_query([[Phrase.of(["anim"])]]))


def test_no_text_matches_everything():
    assert backend.text_query([]) == {"match_all": {}}


def test_facets_filter_hits_in_post_filter_and_each_count_sees_only_the_others():
    query = SearchQuery(filters={"skill": ("2d", "3d"), "sector": ("games",)})
    body = backend.search_body(query, [])
    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"skills": ["2d", "3d"]}}, {"terms": {"sectors": ["games"]}}]}
    }
    aggs = body["aggs"]
    # Each facet counts under the other selected facets' filters: skill under
    # the sector's, sector under the skills', the rest under both, shared.
    assert aggs["filtered_by_sector"] == {
        "filter": {"bool": {"filter": [{"terms": {"sectors": ["games"]}}]}},
        "aggs": {"skill": {"terms": {"field": "skills", "size": 1000}}},
    }
    assert aggs["filtered_by_skill"]["filter"] == {
        "bool": {"filter": [{"terms": {"skills": ["2d", "3d"]}}]}
    }
    assert set(aggs["filtered_by_skill"]["aggs"]) == {"sector"}
    both = aggs["filtered_by_skill_sector"]
    assert both["filter"]["bool"]["filter"] == [
        {"terms": {"skills": ["2d", "3d"]}},
        {"terms": {"sectors": ["games"]}},
    ]
    assert set(both["aggs"]) == {"department", "place"}
    assert set(aggs) == {"filtered_by_sector", "filtered_by_skill", "filtered_by_skill_sector"}
    assert "highlight" not in body  # nothing to highlight without text


def test_near_filters_the_query_itself_and_sorts_by_distance():
    near = NearPoint("stoke", "Stoke", 53.0, -2.18)
    query = SearchQuery(near=near, radius_miles=10, sort=Sort.DISTANCE, page=2, page_size=5)
    body = backend.search_body(query, [[Phrase.of(["animation"])]])
    (geo,) = body["query"]["bool"]["filter"]
    assert geo["geo_distance"]["distance"] == "10mi"
    assert body["sort"][0]["_geo_distance"]["unit"] == "mi"
    assert body["from"] == 5 and body["size"] == 5


@pytest.mark.parametrize(
    "sort,first",
    [
        (Sort.RELEVANCE, {"_score": "desc"}),
        (Sort.NAME, {"sort_title": "asc"}),
        (Sort.NEWEST, {"joined_at": {"order": "desc", "missing": "_last"}}),
    ],
)
def test_sorts_end_with_a_stable_tie_break(sort, first):
    clause = backend.sort_clause(SearchQuery(sort=sort))
    assert clause[0] == first
    assert clause[-1] == {"company_id": "asc"}


def test_with_a_centre_nearness_rescores_the_best_text_matches():
    near = NearPoint("stoke", "Stoke", 53.0, -2.18)
    words = [[Phrase.of(["animation"])]]
    body = backend.search_body(SearchQuery(near=near, radius_miles=25), words)
    # The query ranks by the text alone; every match is not given a distance.
    assert "function_score" not in str(body["query"])
    # The window of best matches gets the whole boost: text x (1 + verified +
    # completeness + nearness), the same score the boost in the query gave.
    rescore = body["rescore"]
    assert rescore["window_size"] >= 1000
    assert rescore["query"]["score_mode"] == "multiply"
    boost = rescore["query"]["rescore_query"]["function_score"]
    assert boost["score_mode"] == "sum" and boost["boost_mode"] == "replace"
    assert boost["functions"][:3] == backend._boosted({})["function_score"]["functions"]
    decay = boost["functions"][3]["exp"]["location"]
    assert decay["origin"] == {"lat": 53.0, "lon": -2.18} and decay["decay"] == 0.5
    # A rescore refuses other sorts: the tie-break is applied to the page.
    assert body["sort"] == [{"_score": "desc"}]
    assert {"verified", "updated_month", "sort_title"} <= set(body["_source"])


@pytest.mark.parametrize(
    "sort,radius",
    [(Sort.DISTANCE, 10), (Sort.NAME, 10), (Sort.NEWEST, 10), (Sort.RELEVANCE, None)],
    ids=["distance", "name", "newest", "no radius"],
)
def test_nearness_is_not_scored_where_it_cannot_count(sort, radius):
    near = NearPoint("stoke", "Stoke", 53.0, -2.18)
    query = SearchQuery(near=near, radius_miles=radius, sort=sort)
    body = backend.search_body(query, [[Phrase.of(["animation"])]])
    assert "rescore" not in body
    assert "'exp':" not in str(body["query"])  # no distance decay


def test_equal_scores_on_a_rescored_page_keep_the_tie_break():
    def hit(company_id, score, **source):
        return {"_id": str(company_id), "_score": score, "_source": source}

    hits = [
        hit(1, 3.0, sort_title="zz", verified=False, updated_month=24300),
        hit(2, 2.0, sort_title="zz", verified=False, updated_month=24300),
        hit(3, 2.0, sort_title="aa", verified=False, updated_month=24300),
        hit(4, 2.0, sort_title="mm", verified=False),  # no month: after those with one
        hit(5, 2.0, sort_title="zz", verified=False, updated_month=24301),  # fresher
        hit(6, 2.0, sort_title="zz", verified=True, updated_month=24000),  # verified
        hit(7, 1.0, sort_title="aa", verified=True, updated_month=24301),
    ]
    ordered = [int(h["_id"]) for h in backend._break_ties(hits)]
    # Scores first, always; within a score: verified, fresher, then by name and id.
    assert ordered == [1, 6, 5, 3, 2, 4, 7]


def test_boost_is_light_and_explained():
    boosted = backend._boosted({"match_all": {}})["function_score"]
    assert boosted["score_mode"] == "sum" and boosted["boost_mode"] == "multiply"
    weights = [f.get("weight", 0) for f in boosted["functions"]]
    factor = boosted["functions"][2]["field_value_factor"]["factor"] * 100
    assert 1 + sum(weights[1:]) + factor <= 1.25


def test_mapping_uses_only_what_the_minimal_server_has():
    body = CompanyIndexDocument.index_body()
    properties = body["mappings"]["properties"]
    assert properties["location"]["type"] == "geo_point"
    assert properties["suggest"]["type"] == "completion"
    analyzers = {p.get("analyzer") for p in properties.values() if "analyzer" in p}
    # Text is analysed in Python (directory/search/analysis.py): no custom analysis here.
    assert analyzers <= {"standard", "whitespace"}
    assert "analysis" not in body["settings"]
    assert properties["title_terms"]["analyzer"] == "whitespace"


def test_title_suggestions_cover_every_word_start():
    assert title_suggestions("Kiln Animation Café") == [
        "kiln animation cafe",
        "animation cafe",
        "cafe",
    ]
    assert title_suggestions("Post-Production House") == [
        "post production house",
        "production house",
        "house",
        "postproduction",
    ]


def test_haversine_matches_the_known_distance():
    # Stoke to Stafford, about 13.9 miles (as in the contract data).
    assert haversine_miles(53.0027, -2.1794, 52.8066, -2.1171) == pytest.approx(13.8, abs=0.3)


def test_circuit_breaker_opens_then_lets_a_probe_through():
    breaker = CircuitBreaker(cooldown=0.05)
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow()
    time.sleep(0.06)
    assert breaker.allow()
    assert breaker.succeeded() is True
    assert breaker.succeeded() is False


def test_settings_style_options_are_accepted():
    from_settings = ElasticsearchBackend(url="http://127.0.0.1:9", timeout=0.5, cooldown=3)
    assert from_settings.urls == ["http://127.0.0.1:9"]
    assert from_settings.timeout == 0.5 and from_settings.breaker.cooldown == 3
    assert from_settings.alias == "platform-companies"
    listed = ElasticsearchBackend(urls=["http://a:9", "http://b:9"], index_prefix="x")
    assert listed.urls == ["http://a:9", "http://b:9"] and listed.alias == "x-companies"


def test_totals_are_counted_up_to_the_cap_and_verified_filters_everything():
    body = backend.search_body(SearchQuery(verified=True), [])
    assert body["track_total_hits"] == 10_000
    # In the main query, so the hits and every facet's counts obey it.
    assert {"term": {"verified": True}} in body["query"]["bool"]["filter"]
    assert "verified" not in str(body.get("post_filter", ""))
    assert "filter" not in str(backend.search_body(SearchQuery(), [])["query"]["bool"]["filter"])


def test_departments_are_a_keyword_facet_of_the_document():
    mapping = CompanyIndexDocument.index_body()["mappings"]["properties"]
    assert mapping["departments"] == {"type": "keyword"}
    body = backend.search_body(SearchQuery(filters={"department": ("vfx",)}), [])
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"departments": ["vfx"]}}]}}
    # The department's own selection does not narrow its counts: it is at the top.
    assert body["aggs"]["department"]["terms"]["field"] == "departments"
    assert set(body["aggs"]["filtered_by_department"]["aggs"]) == {"skill", "sector", "place"}


def test_with_nothing_selected_every_facet_counts_at_the_top():
    aggs = backend.search_body(SearchQuery(), [])["aggs"]
    assert aggs == {
        param: {"terms": {"field": field, "size": 1000}}
        for param, field in (
            ("department", "departments"),
            ("skill", "skills"),
            ("sector", "sectors"),
            ("place", "place"),
        )
    }


def test_facet_counts_read_top_level_and_filtered_aggregations():
    aggregations = {
        "skill": {"buckets": [{"key": "2d", "doc_count": 3}]},
        "filtered_by_skill": {
            "doc_count": 7,
            "sector": {"buckets": [{"key": "games", "doc_count": 2}]},
            "place": {"buckets": []},
        },
    }
    assert backend.facet_counts(aggregations) == {
        "skill": {"2d": 3},
        "sector": {"games": 2},
        "place": {},
    }


@pytest.mark.django_db
def test_a_total_past_the_cap_is_a_lower_bound():
    response = {
        "hits": {"total": {"value": 10_000, "relation": "gte"}, "hits": []},
        "aggregations": {
            param: {"buckets": []} for param in ("department", "skill", "sector", "place")
        },
    }
    results = backend._results(SearchQuery(), [], response, time.perf_counter())
    assert results.total == 10_000 and not results.total_is_exact
    response["hits"]["total"]["relation"] = "eq"
    assert backend._results(SearchQuery(), [], response, time.perf_counter()).total_is_exact
