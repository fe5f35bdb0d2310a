"""The search contract, run against every backend on the same data (see conftest).

Everything here is what the design page promises, whatever engine answers:
totals, facet counts and their OR-within / AND-across semantics, distance
filtering and sorting, pagination, sorting, tolerance of unknown slugs, and
that lapsed and unpublished companies never appear; and where a backend could
answer in its own way (suggestion links, highlighted snippets), that it answers
exactly as the database backend, the reference, does on the same data.
"""

from __future__ import annotations

from django.http import QueryDict

import pytest

from directory.models import DirectoryIndexPage
from directory.search import run_search
from directory.search.database import DatabaseBackend
from directory.search.models import Synonym
from directory.search.query import SearchParamError, parse_search_params


def search(data, query_string: str):
    return run_search(parse_search_params(QueryDict(query_string)), backend=data.backend)


def titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


def counts(results, param: str) -> dict[str, int]:
    return {v.slug: v.count for v in results.facets[param]}


LISTED = {
    "Bottle Oven Post",
    "Brewery Pictures",
    "Kiln Animation",
    "Moorlands Sound",
    "Nowhere Animation",
    "Saggar Games Studio",
    "Trent VFX",
}


def test_everything_listed_and_nothing_else(contract_data):
    results = search(contract_data, "page_size=50")
    assert results.total == 7
    assert set(titles(results)) == LISTED
    assert results.backend == contract_data.backend.name
    assert results.took_ms >= 0


def test_lapsed_and_unpublished_never_found(contract_data):
    results = search(contract_data, "q=lapsed")
    assert results.total == 0
    results = search(contract_data, "q=draft")
    assert results.total == 0
    results = search(contract_data, "skill=ct-2d&page_size=50")
    assert set(titles(results)) == {"Kiln Animation", "Nowhere Animation"}


def test_free_text_every_term_must_match(contract_data):
    results = search(contract_data, "q=animation&page_size=50")
    assert set(titles(results)) == {
        "Kiln Animation",
        "Nowhere Animation",
        "Bottle Oven Post",  # "animation" in its description
        "Trent VFX",  # 3D animation skill
        "Saggar Games Studio",
    }
    results = search(contract_data, "q=ANIMATION+games&page_size=50")
    assert set(titles(results)) == {"Kiln Animation", "Trent VFX", "Saggar Games Studio"}


def test_relevance_puts_title_matches_first_and_body_matches_last(contract_data):
    results = search(contract_data, "q=animation&page_size=50")
    assert set(titles(results)[:2]) == {"Kiln Animation", "Nowhere Animation"}
    assert titles(results)[-1] == "Bottle Oven Post"


def test_text_with_no_match_is_empty_with_facets_listing_selection(contract_data):
    results = search(contract_data, "q=zzzzqqq&sector=ct-film")
    assert results.total == 0
    assert results.hits == []
    film = [v for v in results.facets["sector"] if v.slug == "ct-film"]
    assert film and film[0].selected and film[0].count == 0


def test_facet_counts_ignore_own_selection_and_apply_others(contract_data):
    results = search(contract_data, "q=animation&sector=ct-games&page_size=50")
    assert results.total == 3
    assert set(titles(results)) == {"Kiln Animation", "Trent VFX", "Saggar Games Studio"}
    # Sector counts: the text applies, the sector selection does not.
    assert counts(results, "sector") == {
        "ct-games": 3,
        "ct-tv": 2,
        "ct-film": 2,
        "ct-corporate": 1,
    }
    # Skill and place counts: text and sector both apply.
    assert counts(results, "skill") == {"ct-2d": 1, "ct-3d": 3, "ct-compositing": 1}
    assert counts(results, "place") == {"ct-stoke": 2, "ct-stafford": 1}
    selected = {v.slug for v in results.facets["sector"] if v.selected}
    assert selected == {"ct-games"}
    labels = {v.slug: v.label for v in results.facets["skill"]}
    assert labels["ct-3d"] == "3D animation"


def test_selected_values_come_first(contract_data):
    results = search(contract_data, "sector=ct-corporate")
    assert results.facets["sector"][0].slug == "ct-corporate"
    assert results.facets["sector"][0].selected


def test_values_within_a_facet_combine_with_or(contract_data):
    results = search(contract_data, "skill=ct-2d&skill=ct-compositing&page_size=50")
    assert set(titles(results)) == {
        "Kiln Animation",
        "Nowhere Animation",
        "Bottle Oven Post",
        "Trent VFX",
    }


def test_facets_combine_with_and(contract_data):
    results = search(contract_data, "skill=ct-2d&skill=ct-compositing&sector=ct-film&page_size=50")
    assert set(titles(results)) == {"Bottle Oven Post", "Trent VFX"}
    # place counts see both filters
    assert counts(results, "place") == {"ct-newcastle": 1, "ct-stafford": 1}
    # sector counts see only the skill filter
    assert counts(results, "sector") == {
        "ct-games": 2,
        "ct-tv": 2,
        "ct-film": 2,
        "ct-corporate": 1,
    }


def test_place_facet(contract_data):
    results = search(contract_data, "place=ct-stoke&place=ct-stafford&page_size=50")
    assert set(titles(results)) == {"Kiln Animation", "Saggar Games Studio", "Trent VFX"}
    assert counts(results, "place") == {
        "ct-stoke": 2,
        "ct-newcastle": 1,
        "ct-leek": 1,
        "ct-stafford": 1,
        "ct-burton": 1,
    }


def test_near_filters_by_radius_and_sorts_by_distance(contract_data):
    results = search(contract_data, "near=ct-stoke&radius=10&sort=distance")
    assert titles(results) == [
        "Kiln Animation",
        "Saggar Games Studio",
        "Bottle Oven Post",
        "Moorlands Sound",
    ]
    distances = [hit.distance_miles for hit in results.hits]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(0, abs=0.1)
    assert distances[1] == pytest.approx(0.5, abs=0.1)
    assert distances[2] == pytest.approx(2.1, abs=0.2)
    assert distances[3] == pytest.approx(8.6, abs=0.3)


def test_near_wider_radius_and_postcode_district(contract_data):
    results = search(contract_data, "near=ZT1&radius=15&sort=distance")
    assert titles(results)[-1] == "Trent VFX"
    assert results.total == 5
    assert results.query.near.slug == "zt1"
    results = search(contract_data, "near=zt1&radius=30")
    assert results.total == 6  # everyone with a location
    assert all(hit.distance_miles is not None for hit in results.hits)


def test_near_combines_with_text_and_facets(contract_data):
    results = search(contract_data, "q=animation&sector=ct-games&near=ct-stoke&radius=10")
    assert set(titles(results)) == {"Kiln Animation", "Saggar Games Studio"}
    assert counts(results, "sector")["ct-games"] == 2


def test_default_radius_applies_when_near_given_alone(contract_data):
    results = search(contract_data, "near=ct-stoke")
    assert results.query.radius_miles == 10
    assert results.total == 4


def test_sort_by_name(contract_data):
    results = search(contract_data, "sort=name&page_size=50")
    assert titles(results) == sorted(LISTED, key=str.lower)


def test_sort_by_newest(contract_data):
    results = search(contract_data, "sort=newest&page_size=50")
    assert titles(results) == [
        "Saggar Games Studio",
        "Brewery Pictures",
        "Trent VFX",
        "Bottle Oven Post",
        "Kiln Animation",
        "Moorlands Sound",
        "Nowhere Animation",
    ]


def test_pagination(contract_data):
    first = search(contract_data, "sort=name&page_size=3")
    third = search(contract_data, "sort=name&page_size=3&page=3")
    assert first.total == third.total == 7
    assert first.pages == 3
    assert titles(first) == ["Bottle Oven Post", "Brewery Pictures", "Kiln Animation"]
    assert titles(third) == ["Trent VFX"]
    pages = [titles(search(contract_data, f"sort=name&page_size=3&page={n}")) for n in (1, 2, 3)]
    flattened = [t for page in pages for t in page]
    assert len(flattened) == len(set(flattened)) == 7


def test_page_past_the_end_gives_last_page_with_note(contract_data):
    results = search(contract_data, "sort=name&page_size=3&page=99")
    assert results.query.page == 3
    assert titles(results) == ["Trent VFX"]
    assert any("last" in note for note in results.notes)


def test_unknown_slugs_are_ignored_with_a_note(contract_data):
    results = search(contract_data, "skill=no-such-skill&sector=ct-games&near=atlantis")
    assert results.total == 3
    assert results.query.near is None
    notes = " ".join(results.notes)
    assert "no-such-skill" in notes and "atlantis" in notes


@pytest.mark.parametrize(
    "query_string,param",
    [
        ("page=two", "page"),
        ("page=0", "page"),
        ("page_size=-1", "page_size"),
        ("near=ct-stoke&radius=far", "radius"),
        ("radius=nan", "radius"),
    ],
)
def test_malformed_numbers_name_the_parameter(contract_data, query_string, param):
    with pytest.raises(SearchParamError) as error:
        search(contract_data, query_string)
    assert error.value.param == param


def test_distance_sort_without_near_falls_back(contract_data):
    results = search(contract_data, "sort=distance&page_size=50")
    assert results.total == 7
    assert results.query.sort == "relevance"
    assert results.notes


def test_synonyms_apply_at_query_time(contract_data):
    Synonym.objects.create(terms="VFX, visual effects")
    results = search(contract_data, "q=visual+effects&page_size=50")
    assert set(titles(results)) == {"Trent VFX", "Bottle Oven Post"}
    results = search(contract_data, "q=vfx&page_size=50")
    assert set(titles(results)) == {"Trent VFX", "Bottle Oven Post"}


def test_hits_carry_the_page_and_its_details(contract_data):
    results = search(contract_data, "q=kiln")
    (hit,) = results.hits
    assert hit.id == contract_data.company.kiln.pk
    assert hit.url.endswith("/kiln-animation/")
    assert hit.strapline == "Character work for games and television"
    assert hit.page.place.slug == "ct-stoke"
    assert hit.distance_miles is None


def test_suggest_companies_and_skills(contract_data):
    suggestions = contract_data.backend.suggest("kil")
    assert [(s.kind, s.label) for s in suggestions] == [("company", "Kiln Animation")]
    suggestions = contract_data.backend.suggest("compo")
    assert ("skill", "Compositing") in [(s.kind, s.label) for s in suggestions]
    assert contract_data.backend.suggest("lapsed") == []
    assert contract_data.backend.suggest("") == []


def test_suggestions_lead_to_the_company_or_to_the_filtered_directory(contract_data):
    directory = DirectoryIndexPage.live_url()
    assert directory.startswith("/")  # a link that works from any page with a search box
    skill_urls = [s.url for s in contract_data.backend.suggest("compo") if s.kind == "skill"]
    assert f"{directory}?skill=ct-compositing" in skill_urls
    (kiln,) = contract_data.backend.suggest("kil")
    assert kiln.url == contract_data.company.kiln.url


def test_suggestions_are_the_same_links_whichever_backend_answers(contract_data):
    reference = DatabaseBackend()
    compared = set()
    for prefix in ("kil", "compo", "anim", "bottle", "dubbing", "saggar games"):
        # The seeded skills list has a "Compositing" too: compare by the link's target.
        mine = {(s.kind, s.url): s.label for s in contract_data.backend.suggest(prefix)}
        theirs = {(s.kind, s.url): s.label for s in reference.suggest(prefix)}
        for key in mine.keys() & theirs.keys():
            assert mine[key] == theirs[key], (prefix, key)
            compared.add(key[0])
    assert compared == {"company", "skill"}
    # Companies are matched the same way by both. (Skills are not yet: the
    # database suggests every skill of that name, Elasticsearch those in use.)
    for prefix in ("kil", "bottle", "saggar games"):
        assert contract_data.backend.suggest(prefix) == reference.suggest(prefix), prefix


def test_highlights_are_the_same_whichever_backend_answers(contract_data):
    Synonym.objects.create(terms="VFX, visual effects")
    reference = DatabaseBackend()
    marked = 0
    for text in (
        "animation",
        "grade+features",
        "visual+effects",
        "vfx",
        "clean",
        "anim",
        "television",
    ):
        mine = {hit.id: hit.highlight for hit in search(contract_data, f"q={text}").hits}
        query = parse_search_params(QueryDict(f"q={text}"))
        theirs = {hit.id: hit.highlight for hit in run_search(query, backend=reference).hits}
        assert mine.keys() >= theirs.keys(), text
        for company_id, highlight in theirs.items():
            assert mine[company_id] == highlight, (text, company_id)
            marked += "<mark>" in highlight
    assert marked >= 5  # the comparison saw real snippets, not only empty ones
