"""The search contract, run against every backend on the same data (see conftest).

Everything here is what the design page promises, whatever engine answers:
totals, facet counts and their OR-within / AND-across semantics, distance
filtering and sorting, pagination, sorting, tolerance of unknown slugs, and
that lapsed and unpublished companies never appear; and where a backend could
answer in its own way (suggestion links, highlighted snippets), that it answers
exactly as the database backend, the reference, does on the same data. The
last part is the text analysis (spellings, compounds, stems, entities,
accents, synonyms), and that both backends store the very same tokens.
"""

from __future__ import annotations

import datetime

from django.http import QueryDict
from django.utils import timezone

import pytest

from directory.models import CompanyCredit, CompanyPage, DirectoryIndexPage, Production
from directory.search import run_search
from directory.search.base import PLACE_WORDS_RADIUS_MILES
from directory.search.database import DatabaseBackend
from directory.search.documents import company_documents
from directory.search.indexing import ENTRY_FIELDS, entry_values
from directory.search.models import CompanySearchEntry, Synonym
from directory.search.query import SearchParamError, parse_search_params
from tests.directory.factories import SectorFactory, company


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


def test_department_facet_counts_each_company_once_per_skill_group(contract_data):
    results = search(contract_data, "page_size=50")
    # Kiln Animation has two animation skills: one company in the department.
    assert counts(results, "department") == {
        "ct-animation": 4,
        "ct-post-production": 2,
        "ct-production": 1,
        "ct-sound": 1,
    }
    labels = {v.slug: v.label for v in results.facets["department"]}
    assert labels["ct-post-production"] == "Post-production"


def test_department_values_or_and_other_facets_and(contract_data):
    results = search(contract_data, "department=ct-post-production&page_size=50")
    assert set(titles(results)) == {"Bottle Oven Post", "Trent VFX"}
    results = search(
        contract_data, "department=ct-post-production&department=ct-sound&page_size=50"
    )
    assert set(titles(results)) == {"Bottle Oven Post", "Trent VFX", "Moorlands Sound"}
    results = search(contract_data, "department=ct-animation&sector=ct-tv&page_size=50")
    assert titles(results) == ["Kiln Animation"]
    # Sector counts apply the department, not the sector; and the reverse.
    assert counts(results, "sector") == {"ct-games": 3, "ct-tv": 1, "ct-film": 1, "ct-corporate": 1}
    assert counts(results, "department") == {
        "ct-animation": 1,
        "ct-post-production": 1,
        "ct-sound": 1,
    }
    selected = {v.slug for v in results.facets["department"] if v.selected}
    assert selected == {"ct-animation"}


def test_verified_filter_narrows_hits_and_every_count(contract_data):
    results = search(contract_data, "verified=1&page_size=50")
    assert titles(results) == ["Kiln Animation"]  # the one the cluster verified
    assert results.query.verified
    assert counts(results, "sector") == {"ct-games": 1, "ct-tv": 1}
    assert counts(results, "department") == {"ct-animation": 1}
    assert titles(search(contract_data, "verified=1&q=animation")) == ["Kiln Animation"]
    assert search(contract_data, "verified=1&sector=ct-film").total == 0
    assert search(contract_data, "verified=0&page_size=50").total == 7


def test_totals_are_exact_below_the_cap(contract_data):
    assert search(contract_data, "page_size=3").total_is_exact


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
        ("verified=banana", "verified"),
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


def test_starter_synonyms_apply_at_query_time(contract_data):
    # "VFX, visual effects" ships in the starter list (migration 0003).
    assert Synonym.objects.filter(terms="VFX, visual effects").exists()
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


def test_suggestions_are_the_same_whichever_backend_answers(contract_data):
    reference = DatabaseBackend()
    kinds = set()
    prefixes = ("kil", "compo", "anim", "bottle", "dubbing", "saggar games", "stoke", "trent")
    typos = ("animaiton", "botle", "staford", "documentry", "moorlnds")
    for prefix in prefixes + typos:
        mine = contract_data.backend.suggest(prefix)
        assert mine == reference.suggest(prefix), prefix
        kinds |= {s.kind for s in mine}
    assert kinds == {"company", "skill", "sector", "place"}


def test_suggest_sectors_and_places_leading_to_the_directory_filtered_or_near(contract_data):
    directory = DirectoryIndexPage.live_url()
    sectors = [s for s in contract_data.backend.suggest("advert") if s.kind == "sector"]
    assert {s.label for s in sectors} == {"Advertising"}  # the test sector and the seeded one
    assert f"{directory}?sector=ct-ads" in [s.url for s in sectors]
    places = [s for s in contract_data.backend.suggest("leek") if s.kind == "place"]
    assert f"{directory}?near=ct-leek" in [s.url for s in places]
    assert {s.label for s in places} == {"Leek"}  # the test town and the gazetteer's
    # The link is a search near the town, as the directory page reads it.
    query = parse_search_params(QueryDict(places[0].url.partition("?")[2]))
    assert query.near is not None and query.near.label == "Leek"
    # A word later in the name counts too.
    drama = [(s.kind, s.label) for s in contract_data.backend.suggest("dram")]
    assert ("sector", "TV drama") in drama


def test_suggestions_forgive_a_typo_from_four_letters(contract_data):
    def found(prefix):
        return {(s.kind, s.label) for s in contract_data.backend.suggest(prefix)}

    assert {
        ("company", "Kiln Animation"),
        ("company", "Nowhere Animation"),
        ("skill", "2D animation"),
    } <= found("animaiton")
    assert ("place", "Stafford") in found("staford")
    assert ("sector", "Documentary") in found("documentry")  # the seeded sectors
    assert ("company", "Moorlands Sound") in found("moorlnds")
    # Bounded: no typo under four letters, and the first letter must be right.
    assert ("company", "Kiln Animation") not in found("ami")
    assert ("company", "Kiln Animation") not in found("knimation")
    assert found("zzzzqqq") == set()


def test_suggestions_put_word_starts_before_typos_and_share_the_places(contract_data):
    SectorFactory(name="Anime", slug="ct-anime")  # "anima" with one letter changed
    suggestions = contract_data.backend.suggest("anima", limit=20)
    labels = [s.label for s in suggestions]
    assert labels[-1] == "Anime"
    assert {"Kiln Animation", "Nowhere Animation", "2D animation", "Animation"} <= set(labels)
    # Then companies, skills, sectors: each kind together, in this order.
    kinds = [s.kind for s in suggestions[:-1]]
    assert kinds == sorted(kinds, key=["company", "skill", "sector"].index)
    # Two places for two companies and several skills: one each.
    assert [s.kind for s in contract_data.backend.suggest("anim", limit=2)] == ["company", "skill"]


def test_highlights_are_the_same_whichever_backend_answers(contract_data):
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


# -- one analysis, both backends (directory/search/analysis.py) -------------------


@pytest.fixture
def analysis_data(contract_data):
    """The contract's companies and four whose words test the analysis."""
    c = contract_data.company
    c.hue = company(
        "Hue Lab",
        strapline="Finishing house",
        about="<p>Our colorist works on commercials.</p>",
    )
    c.puppets = company("Armature Works", strapline="Stop-motion puppets and sets")
    c.owl = company(
        "Little Owl Media",
        strapline="Family films",
        about="<p>Children&#x27;s television &amp; family films.</p>",
    )
    c.cafe = company("Café Películas", strapline="Documentales en español")
    ids = [c.hue.pk, c.puppets.pk, c.owl.pk, c.cafe.pk]
    contract_data.backend.update_companies(ids)
    contract_data.backend.refresh()
    return contract_data


def test_british_and_american_spellings_find_each_other(analysis_data):
    # "colorist" as written, and "Colour grading" through the starter synonym
    # "colourist, colour grading, colour grader".
    results = search(analysis_data, "q=colourist&page_size=50")
    assert set(titles(results)) == {"Hue Lab", "Bottle Oven Post"}
    results = search(analysis_data, "q=colorist&page_size=50")
    assert set(titles(results)) == {"Hue Lab", "Bottle Oven Post"}
    british = titles(search(analysis_data, "q=colour+grading&page_size=50"))
    assert titles(search(analysis_data, "q=color+grading&page_size=50")) == british


def test_joined_and_split_forms_find_each_other(analysis_data):
    for text in ("stopmotion", "stop-motion", "stop+motion", "StopMotion+puppets"):
        results = search(analysis_data, f"q={text}&page_size=50")
        assert "Armature Works" in titles(results), text
    results = search(analysis_data, "q=realtime&page_size=50")
    assert titles(results) == ["Saggar Games Studio"]  # "Real-time worlds"


def test_a_compound_seen_hyphenated_anywhere_joins_the_split_form_everywhere(analysis_data):
    # Nobody writes "linework"; once one company hyphenates "line-production",
    # a search for "lineproduction" finds the one that writes "Line production".
    results = search(analysis_data, "q=lineproduction&page_size=50")
    assert titles(results) == []
    other = company("Cue Films", strapline="Line-production for drama")
    analysis_data.backend.update_companies([other.pk])
    analysis_data.backend.refresh()
    results = search(analysis_data, "q=lineproduction&page_size=50")
    assert set(titles(results)) == {"Cue Films", "Brewery Pictures"}


def test_stemming_finds_other_forms_of_a_word(analysis_data):
    singular = set(titles(search(analysis_data, "q=animation&page_size=50")))
    assert set(titles(search(analysis_data, "q=animations&page_size=50"))) == singular
    assert "Kiln Animation" in singular
    results = search(analysis_data, "q=puppet&page_size=50")
    assert titles(results) == ["Armature Works"]  # "puppets"
    results = search(analysis_data, "q=graded&page_size=50")
    assert "Bottle Oven Post" in titles(results)  # "We grade", "Colour grading"


def test_html_entities_are_decoded_before_indexing(analysis_data):
    results = search(analysis_data, "q=children%27s+television&page_size=50")
    assert titles(results) == ["Little Owl Media"]
    results = search(analysis_data, "q=children&page_size=50")
    assert titles(results) == ["Little Owl Media"]
    assert search(analysis_data, "q=x27").total == 0
    (hit,) = search(analysis_data, "q=children").hits
    assert "<mark>Children&#x27;s</mark> television &amp; family films." in hit.highlight


def test_accents_fold(analysis_data):
    for text in ("cafe+peliculas", "CAFÉ", "películas", "espanol"):
        results = search(analysis_data, f"q={text}&page_size=50")
        assert titles(results) == ["Café Películas"], text


def test_an_editors_synonym_changes_the_next_search_without_a_reindex(analysis_data):
    assert search(analysis_data, "q=mascots").total == 0
    Synonym.objects.create(terms="mascots, character work")
    assert titles(search(analysis_data, "q=mascots")) == ["Kiln Animation"]
    # One-way: the first term finds the others, not the reverse.
    Synonym.objects.create(terms="explainers, real-time", one_way=True)
    results = search(analysis_data, "q=explainers&page_size=50")
    assert set(titles(results)) == {"Nowhere Animation", "Saggar Games Studio"}
    assert titles(search(analysis_data, "q=real-time&page_size=50")) == ["Saggar Games Studio"]
    # Synonyms are kept in the cache between searches: a change or a removal
    # applies to the very next one all the same.
    mascots = Synonym.objects.get(terms="mascots, character work")
    mascots.terms = "mascots, puppets"
    mascots.save()
    assert titles(search(analysis_data, "q=mascots")) == ["Armature Works"]
    mascots.delete()
    assert search(analysis_data, "q=mascots").total == 0


def test_both_backends_store_the_same_analysed_text(analysis_data):
    """The database entry and the Elasticsearch document hold identical tokens, and the
    same freshness (``updated_month``)."""
    backend = analysis_data.backend
    listed = CompanyPage.objects.listed().values_list("pk", flat=True)
    entries = {e.company_id: e for e in CompanySearchEntry.objects.filter(company__in=listed)}
    assert len(entries) == 11
    no_entity = [e for e in entries.values() if "x27" in e.body_terms + e.body_words]
    assert no_entity == []
    owl = entries[analysis_data.company.owl.pk]
    assert " children televis " in owl.body_terms
    puppets = entries[analysis_data.company.puppets.pk]
    assert puppets.body_words.split() == [
        *["stop", "motion", "puppets", "and", "sets"],
        "|",
        "stopmotion",
    ]
    if backend.name == "database":
        # The reference: each entry is what the shared documents say.
        for document in company_documents(CompanyPage.objects.filter(pk__in=entries)):
            assert entry_values(document) == {
                name: getattr(entries[document.id], name) for name in ENTRY_FIELDS
            }
        return
    for company_id, entry in entries.items():
        source = backend.client.get(index=backend.alias, id=company_id)["_source"]
        for name in ENTRY_FIELDS:
            value = getattr(entry, name)
            expected = value.strip() if isinstance(value, str) else value
            assert source[name] == expected, (company_id, name)
        assert source["updated_month"] is not None


def test_long_queries_find_partial_matches_ranked_by_words_matched(contract_data):
    # Three words: two are enough, so a word nobody writes loses no one...
    partial = search(contract_data, "q=animation+games+zzzzqqq&page_size=50")
    both = search(contract_data, "q=animation+games&page_size=50")
    assert set(titles(partial)) == set(titles(both))
    # ...and a company matching all three words comes first.
    ranked = search(contract_data, "q=animation+games+television&page_size=50")
    assert titles(ranked)[0] == "Kiln Animation"
    assert set(titles(both)) <= set(titles(ranked))
    # Two words need both while some company has both...
    assert not any("matches all" in note for note in both.notes)
    # ...and when none has, the companies with one of them come, with a note.
    relaxed = search(contract_data, "q=animation+zzzzqqq&page_size=50")
    assert set(titles(relaxed)) == set(titles(search(contract_data, "q=animation&page_size=50")))
    assert any("No company matches all of “animation zzzzqqq”" in note for note in relaxed.notes)
    # A word nobody writes, alone, still finds nothing (and says nothing of it).
    alone = search(contract_data, "q=zzzzqqq")
    assert alone.total == 0 and not any("matches all" in note for note in alone.notes)


def test_a_skill_group_name_counts_for_little(contract_data):
    # Brewery Pictures lists "Line production"; Bottle Oven Post and Trent VFX
    # only list skills in the "Post-production" group. Found, but below.
    results = search(contract_data, "q=production&page_size=50")
    found = titles(results)
    assert found[0] == "Brewery Pictures"
    assert {"Bottle Oven Post", "Trent VFX"} <= set(found[1:])


def test_stop_words_are_not_words_to_match(contract_data):
    plain = search(contract_data, "q=animation&page_size=50")
    worded = search(contract_data, "q=the+animation+for+our&page_size=50")
    assert titles(worded) == titles(plain)


def test_with_a_centre_and_no_words_the_nearest_come_first(contract_data):
    results = search(contract_data, "near=ct-leek&radius=30&page_size=50")
    distances = [hit.distance_miles for hit in results.hits]
    assert len(distances) >= 5
    assert distances == sorted(distances)
    assert titles(results)[0] == "Moorlands Sound"  # in Leek itself


def test_a_town_named_in_the_text_becomes_the_centre(contract_data):
    typed = search(contract_data, "q=animation+near+Leek&page_size=50")
    assert typed.query.near is not None and typed.query.near.slug == "ct-leek"
    assert typed.query.text == "animation"
    # Nearby first rather than a few miles only: the whole cluster's radius.
    assert typed.query.radius_miles == PLACE_WORDS_RADIUS_MILES
    asked = search(contract_data, f"q=animation&near=ct-leek&radius={PLACE_WORDS_RADIUS_MILES}")
    assert titles(typed) == titles(asked)
    # Saggar Games Studio and Trent VFX both list 3D animation: the nearer
    # (8 miles from Leek) first. Trent VFX (20 miles) still outranks Bottle
    # Oven Post (10 miles), whose text only mentions animation.
    assert titles(typed) == [
        "Kiln Animation",
        "Saggar Games Studio",
        "Trent VFX",
        "Bottle Oven Post",
    ]
    # Chosen by hand, the radius holds: Trent VFX, in Stafford, is left out.
    narrowed = search(contract_data, "q=animation+near+Leek&radius=10")
    assert narrowed.query.radius_miles == 10
    assert titles(narrowed) == ["Kiln Animation", "Saggar Games Studio", "Bottle Oven Post"]
    assert any("Leek" in note for note in typed.query.notes)
    # Turned off, the words are searched as typed and nothing limits distance.
    off = search(contract_data, "q=animation+near+Leek&place_words=off&page_size=50")
    assert off.query.near is None and off.query.text == "animation near Leek"
    # A town alone is kept as text: it may be a company's name.
    alone = search(contract_data, "q=Leek")
    assert alone.query.near is None and alone.query.text == "Leek"


def test_nearer_first_among_equal_matches_and_name_order_at_one_distance(contract_data):
    c = contract_data.company
    p = contract_data.place
    # Alike but for their town, named so that name order would put the nearest last.
    c.far = company("Aa Quern Films", strapline="Quern films", place=p.burton)
    c.mid = company("Mm Quern Films", strapline="Quern films", place=p.stafford)
    c.near = company("Zz Quern Films", strapline="Quern films", place=p.newcastle)
    # Alike in every way, the same town too: the name decides.
    c.twin = company("Bb Quern Films", strapline="Quern films", place=p.stafford)
    ids = [c.far.pk, c.mid.pk, c.near.pk, c.twin.pk]
    contract_data.backend.update_companies(ids)
    contract_data.backend.refresh()
    results = search(contract_data, "q=quern&near=ct-stoke&radius=50")
    assert titles(results) == [
        "Zz Quern Films",  # ~2 miles
        "Bb Quern Films",  # ~14 miles, before its twin by name
        "Mm Quern Films",
        "Aa Quern Films",  # ~26 miles
    ]
    # Without a centre, the name decides among them all.
    assert titles(search(contract_data, "q=quern"))[0] == "Aa Quern Films"


# -- typos (directory/search/spelling.py, and Elasticsearch's bounded fuzziness) ----


def test_a_word_nobody_writes_is_corrected_and_offered_as_did_you_mean(contract_data):
    right = search(contract_data, "q=animation&page_size=50")
    typed = search(contract_data, "q=animaton&page_size=50")
    assert set(titles(typed)) == set(titles(right))
    assert typed.did_you_mean == "animation"
    # A swap of two letters is one edit; the rest of the text stays as typed.
    swapped = search(contract_data, "q=Compsoiting+for+film&page_size=50")
    assert "Trent VFX" in titles(swapped)
    assert swapped.did_you_mean == "compositing for film"
    # The person for the work: nobody writes "compositor".
    person = search(contract_data, "q=compositors&page_size=50")
    assert set(titles(person)) == {"Bottle Oven Post", "Trent VFX"}
    assert person.did_you_mean == "compositing"
    # Words the directory knows, by their start or their stem, are left alone.
    assert search(contract_data, "q=anim").did_you_mean == ""
    assert search(contract_data, "q=animations").did_you_mean == ""


def test_typos_are_bounded_by_the_length_of_the_word(contract_data):
    c = contract_data.company
    c.captions = company("Subtitle House", strapline="Caption and subtitle services")
    contract_data.backend.update_companies([c.captions.pk])
    contract_data.backend.refresh()
    # Seven letters may have one typo, not two: "cartoon" is two from "caption".
    cartoon = search(contract_data, "q=cartoon&page_size=50")
    assert "Subtitle House" not in titles(cartoon)
    assert cartoon.did_you_mean == ""
    # One typo in seven letters is forgiven, the first letter must be right,
    # and a word under four letters has none.
    assert "Subtitle House" in titles(search(contract_data, "q=captoin"))
    assert "Subtitle House" not in titles(search(contract_data, "q=faption"))
    assert search(contract_data, "q=vfc").did_you_mean == ""


def test_a_word_said_again_ranks_a_little_higher(contract_data):
    c = contract_data.company
    # Alike but for the repeat, and named so that name order would put it last.
    c.twice = company("Zz Reels", strapline="Reels", about="<p>Adverts and adverts for brands.</p>")
    c.once = company("Aa Reels", strapline="Reels", about="<p>Adverts and stills for brands.</p>")
    contract_data.backend.update_companies([c.twice.pk, c.once.pk])
    contract_data.backend.refresh()
    found = titles(search(contract_data, "q=advert&page_size=50"))
    assert found.index("Zz Reels") < found.index("Aa Reels")


# -- freshness: a tie-break after relevance (issue 18) ---------------------------


@pytest.fixture
def freshness_data(contract_data):
    """Three companies about drones: two alike but for their age, one named for it."""
    long_ago = datetime.datetime(2024, 1, 15, 12, tzinfo=datetime.UTC)
    c = contract_data.company
    c.alder = company("Alder Studio", strapline="Zephyr drone filming")
    c.birch = company("Birch Studio", strapline="Zephyr drone filming")
    c.zephyr = company("Zephyr Aerial", strapline="Drone filming")
    # Alder's name comes first, but its profile has not changed for years; so has Zephyr's.
    CompanyPage.objects.filter(pk__in=[c.alder.pk, c.zephyr.pk]).update(last_published_at=long_ago)
    # Birch was published long ago too, and a member confirmed it this month.
    CompanyPage.objects.filter(pk=c.birch.pk).update(
        last_published_at=long_ago, confirmed_at=timezone.now()
    )
    contract_data.backend.update_companies([c.alder.pk, c.birch.pk, c.zephyr.pk])
    contract_data.backend.refresh()
    return contract_data


def test_fresher_profiles_come_first_among_equally_relevant(freshness_data):
    results = search(freshness_data, "q=zephyr")
    # Relevance first: the company named for the search, however old its profile.
    assert titles(results) == ["Zephyr Aerial", "Birch Studio", "Alder Studio"]


def test_without_words_fresher_profiles_come_first_after_verified(freshness_data):
    found = titles(search(freshness_data, "page_size=50"))
    assert found[0] == "Kiln Animation"  # verified
    # Every other contract company was published this month: the old two go last.
    assert found[-2:] == ["Alder Studio", "Zephyr Aerial"]
    assert found.index("Birch Studio") < found.index("Alder Studio")


@pytest.fixture
def credited_data(contract_data):
    """Two of the contract's companies credited on one production, written two ways."""
    c = contract_data.company
    for page, title, role in (
        (c.moorlands, "The Brick Lane North", "Dubbing mix"),
        (c.trent, "Brick Lane North!", "Visual effects"),
    ):
        CompanyCredit.objects.create(
            company=page, production=title, client="Channel 4", year=2024, role=role
        )
        page.save_revision().publish()
    CompanyCredit.objects.create(
        company=c.kiln, production="Clay Hearts", client="Kilnhouse Streaming", year=2022
    )
    c.kiln.save_revision().publish()
    contract_data.backend.update_companies([c.moorlands.pk, c.trent.pk, c.kiln.pk])
    contract_data.backend.refresh()
    return contract_data


def test_companies_are_found_by_the_productions_they_were_credited_on(credited_data):
    assert Production.objects.filter(title_key="brick lane north").count() == 1
    results = search(credited_data, "q=brick+lane+north&page_size=50")
    assert set(titles(results)) == {"Moorlands Sound", "Trent VFX"}
    assert titles(search(credited_data, "q=clay+hearts")) == ["Kiln Animation"]


def test_companies_are_found_by_the_broadcaster_or_client_of_their_credits(credited_data):
    results = search(credited_data, "q=channel+4&page_size=50")
    assert set(titles(results)) == {"Moorlands Sound", "Trent VFX"}
    assert titles(search(credited_data, "q=kilnhouse+streaming")) == ["Kiln Animation"]


def test_the_client_filter_narrows_the_hits_and_every_count(credited_data):
    results = search(credited_data, "client=channel-4&page_size=50")
    assert set(titles(results)) == {"Moorlands Sound", "Trent VFX"}
    assert sum(counts(results, "place").values()) == 2  # the counts are narrowed too
    assert titles(search(credited_data, "client=Kilnhouse+Streaming&q=animation")) == [
        "Kiln Animation"
    ]
    assert search(credited_data, "client=BBC+Three").total == 0
