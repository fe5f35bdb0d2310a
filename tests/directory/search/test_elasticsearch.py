"""What only the search engine does, tested against a real Elasticsearch server.

Typo tolerance, synonyms, highlighting, the verified/complete boost and
suggestions. The contract itself (facets, distance, sorting...) is
``test_contract.py``, which runs on this backend too.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.http import QueryDict

import pytest

from directory.search import run_search
from directory.search.models import Synonym
from directory.search.query import parse_search_params
from tests.directory.factories import (
    PlaceFactory,
    SectorFactory,
    SkillFactory,
    SkillGroupFactory,
    company,
)
from tests.directory.search.elasticsearch_support import make_elasticsearch_backend

pytestmark = pytest.mark.elasticsearch


@pytest.fixture
def es(request, db):
    return make_elasticsearch_backend(request)


@pytest.fixture
def studios(es):
    """A handful of companies written to the index, with words chosen to test matching."""
    animation = SkillGroupFactory(name="Animation", slug="es-animation")
    post = SkillGroupFactory(name="Post-production", slug="es-post")
    three_d = SkillFactory(name="3D animation", slug="es-3d-animation", group=animation)
    two_d = SkillFactory(name="2D animation", slug="es-2d-animation", group=animation)
    grading = SkillFactory(name="Colour grading", slug="es-colour-grading", group=post)
    compositing = SkillFactory(name="Compositing", slug="es-compositing", group=post)
    games = SectorFactory(name="Games", slug="es-games")
    stoke = PlaceFactory(name="Stoke", slug="es-stoke", latitude=53.0, longitude=-2.18)
    c = SimpleNamespace(
        kiln=company(
            "Kiln Animation",
            skills=[two_d],
            sectors=[games],
            place=stoke,
            strapline="Character animation for games",
            verified=True,
        ),
        glaze=company(
            "Glaze Grade",
            skills=[grading],
            place=stoke,
            strapline="Colour grading for film and television",
            about="<p>Colour grading and finishing for film and television.</p>",
        ),
        trent=company(
            "Trent VFX", skills=[compositing], place=stoke, strapline="Compositing and clean-up"
        ),
        spode=company(
            "Spode Studios",
            skills=[compositing],
            place=stoke,
            about="<p>Award-winning visual effects for drama.</p>",
        ),
        bottle=company(
            "Bottle Oven Post", skills=[], place=stoke, strapline="Offline editing suites"
        ),
        render=company(
            "Render Farm Ltd", skills=[three_d], place=stoke, strapline="Character rigging"
        ),
        pixel=company("Pixel Kiln", skills=[], place=stoke, strapline="CGI for commercials"),
    )
    es.update_companies([page.pk for page in vars(c).values()])
    es.refresh()
    return c


def search(backend, query_string):
    return run_search(parse_search_params(QueryDict(query_string)), backend=backend)


def titles(results):
    return {hit.title for hit in results.hits}


TYPOS = [
    ("animaton", "Kiln Animation"),  # a letter missing
    ("colur grading", "Glaze Grade"),  # a typo in one of two words
    ("compsoiting", "Trent VFX"),  # two letters swapped
    ("Glaez", "Glaze Grade"),  # in the name
]


def test_typos_still_find_members(es, studios):
    # One test for every case: building the index is the slow part.
    for typed, expected in TYPOS:
        results = search(es, f"q={typed}")
        assert results.backend == "elasticsearch"
        assert expected in titles(results), typed


def test_typo_tolerance_does_not_match_everything(es, studios):
    results = search(es, "q=colur+grading")
    assert titles(results) == {"Glaze Grade"}


def test_a_word_the_directory_knows_is_not_taken_for_a_typo_of_another(es, studios):
    # "projection" is two edits from "production": both are words members
    # write, so each finds its own companies only (as on the database backend).
    works = company("Lantern Works", strapline="Projection mapping for museums")
    yard = company("Marl Yard", strapline="Production services for drama")
    es.update_companies([works.pk, yard.pk])
    es.refresh()
    assert titles(search(es, "q=projection")) == {"Lantern Works"}
    production = titles(search(es, "q=production"))  # the post-production skills too
    assert "Marl Yard" in production and "Lantern Works" not in production
    # A word nobody writes is still a typo: "projecton" finds the projection.
    assert titles(search(es, "q=projecton")) == {"Lantern Works"}


def test_a_word_the_query_only_begins_matches_too(es, studios):
    assert "Glaze Grade" in titles(search(es, "q=grad"))


SYNONYMS = [
    ("VFX, visual effects", "vfx", {"Trent VFX", "Spode Studios"}),
    ("VFX, visual effects", "visual effects", {"Trent VFX", "Spode Studios"}),
    # Skills in the Post-production group count too (their group is a keyword).
    (
        "post, post-production",
        "post-production",
        {"Bottle Oven Post", "Glaze Grade", "Trent VFX", "Spode Studios"},
    ),
    ("CGI, 3D animation", "cgi", {"Render Farm Ltd", "Pixel Kiln"}),
    ("CGI, 3D animation", "3d animation", {"Render Farm Ltd", "Pixel Kiln"}),
]


def test_editors_synonyms_apply_at_query_time(es, studios):
    for synonym, query, expected in SYNONYMS:
        Synonym.objects.all().delete()
        without = titles(search(es, f"q={query}&page_size=50"))
        assert without != expected, query  # the synonym is what makes the difference
        Synonym.objects.create(terms=synonym)
        assert titles(search(es, f"q={query}&page_size=50")) == expected, query


def test_highlights_mark_what_matched_in_the_members_words(es, studios):
    # In the description (the card shows the strapline anyway), as the database does.
    (hit,) = search(es, "q=grading").hits
    assert "<mark>grading</mark>" in hit.highlight
    assert hit.highlight.startswith("Colour")
    # A typo is highlighted as the word it found.
    (hit,) = search(es, "q=colur+grading").hits
    assert "<mark>Colour</mark>" in hit.highlight


def test_highlights_are_escaped(es, studios):
    # Tags are gone with the rich text; what is left of the member's text is escaped.
    studios.bottle.about = "<p>Editing <script>alert(1)</script> suites for 2 < 3 people</p>"
    studios.bottle.save_revision().publish()
    es.update_companies([studios.bottle.pk])
    es.refresh()
    (hit,) = search(es, "q=editing").hits
    assert hit.highlight.startswith("<mark>Editing</mark>")
    assert "<script>" not in hit.highlight
    assert "2 &lt; 3" in hit.highlight


def test_verified_and_complete_profiles_rank_first_among_equals(es, db):
    stoke = PlaceFactory(name="Burslem", slug="es-burslem", latitude=53.04, longitude=-2.19)
    plain = company("Longton Animation", place=stoke, strapline="Animation")
    verified = company("Fenton Animation", place=stoke, strapline="Animation", verified=True)
    es.update_companies([plain.pk, verified.pk])
    es.refresh()
    results = search(es, "q=animation")
    assert [hit.title for hit in results.hits] == ["Fenton Animation", "Longton Animation"]
    # ...but the boost is light: a company named for the search beats a verified passing mention.
    mention = company(
        "Tunstall Pictures",
        place=stoke,
        verified=True,
        about="<p>We once worked with an animation team.</p>",
    )
    es.update_companies([mention.pk])
    es.refresh()
    assert search(es, "q=animation").hits[-1].title == "Tunstall Pictures"


def test_suggestions_give_company_names_and_skills_in_use(es, studios):
    suggestions = es.suggest("ani")
    kinds = {(s.kind, s.label) for s in suggestions}
    assert ("company", "Kiln Animation") in kinds
    assert ("skill", "2D animation") in kinds
    assert ("skill", "3D animation") in kinds
    company_urls = [s.url for s in suggestions if s.kind == "company"]
    assert studios.kiln.url in company_urls
    skill_urls = [s.url for s in suggestions if s.kind == "skill"]
    assert "/directory/?skill=es-2d-animation" in skill_urls  # from any page, to the directory


def test_suggestions_match_any_word_of_a_name_and_tolerate_a_typo(es, studios):
    labels = [s.label for s in es.suggest("kil")]
    assert set(labels) == {"Kiln Animation", "Pixel Kiln"}
    assert "Kiln Animation" in [s.label for s in es.suggest("animaiton")]


def test_suggestions_respect_the_limit_and_ignore_blank_input(es, studios):
    assert len(es.suggest("a", limit=2)) <= 2
    assert es.suggest("   ") == []
    assert es.suggest("!!!") == []


def test_one_request_answers_hits_and_every_facet(es, studios, monkeypatch):
    calls = []
    original = es.client.search

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(es.client, "search", counting)
    results = search(es, "q=animation&skill=es-2d-animation&sector=es-games")
    assert len(calls) == 1
    assert set(results.facets) == {"department", "skill", "sector", "place"}
    assert "post_filter" in calls[0]


def test_before_the_first_build_the_database_answers_and_says_why(es, caplog):
    # ``es`` has a prefix nothing was written to: there is no index behind its alias.
    page = company("Unindexed Works")
    results = search(es, "q=unindexed")
    assert results.backend == "database"
    assert [hit.id for hit in results.hits] == [page.pk]
    assert "rebuild_directory_index" in caplog.text


def test_the_site_runs_on_elasticsearch_end_to_end(request, client, studios, es):
    """The directory page, the API and suggestions, configured by settings like production."""
    from django.test import override_settings

    from tests.directory.search.elasticsearch_support import backend_config, elasticsearch_url

    config = backend_config(elasticsearch_url(request))
    config["INDEX_PREFIX"] = es.index.prefix  # the index ``studios`` filled
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        response = client.get("/api/v1/directory/search", {"q": "animaton"})
        assert response.status_code == 200
        payload = response.json()
        assert payload["backend"] == "elasticsearch"
        assert "Kiln Animation" in [r["name"] for r in payload["results"]]

        response = client.get("/api/v1/directory/suggest", {"q": "glaz"})
        assert response.status_code == 200
        assert [s["label"] for s in response.json()] == ["Glaze Grade"]

        response = client.get("/directory/", {"q": "colur grading"})
        assert response.status_code == 200
        assert "Glaze Grade" in response.content.decode()


def test_deep_pages_cannot_switch_everyone_off_elasticsearch(request, client, studios, es):
    """A burst of requests past the result window is answered; the breaker stays closed.

    Before, the engine's refusal of ``page=101&page_size=100`` counted as an
    outage: each one sent everyone's searches to the database for 10 s.
    """
    from django.test import override_settings

    from directory.search import get_search_backend
    from tests.directory.search.elasticsearch_support import backend_config, elasticsearch_url

    config = backend_config(elasticsearch_url(request))
    config["INDEX_PREFIX"] = es.index.prefix
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        for _ in range(12):
            response = client.get("/api/v1/directory/search", {"page": 101, "page_size": 100})
            assert response.status_code == 200
            assert response.json()["backend"] == "elasticsearch"
            assert any("10,000" in note for note in response.json()["notes"])
            page = client.get("/directory/", {"page": 501, "q": "animation"})
            assert page.status_code == 200
            assert "narrow the search" in page.content.decode()
        assert not get_search_backend().breaker.is_open
        payload = client.get("/api/v1/directory/search", {"q": "animaton"}).json()
        assert payload["backend"] == "elasticsearch"


def test_a_request_the_engine_refuses_is_answered_without_opening_the_breaker(es, studios):
    from dataclasses import replace

    # Past the window, built by hand: the parser never sends this.
    query = replace(parse_search_params(QueryDict("q=animation")), page=200, page_size=100)
    results = es.search(query)
    assert results.backend == "database"  # the visitor still gets an answer
    assert not es.breaker.is_open
    assert search(es, "q=animaton").backend == "elasticsearch"
