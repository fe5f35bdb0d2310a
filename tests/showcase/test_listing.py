"""The /showcase/ listing: facets with counts, combined filters, pagination, query count."""

from django.test import Client

import pytest

from showcase import listing
from tests.directory.factories import SectorFactory, SkillFactory, company
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def work():
    games = SectorFactory(name="Games", slug="sc-games")
    film = SectorFactory(name="Film", slug="sc-film")
    ads = SectorFactory(name="Advertising", slug="sc-ads")
    stop = SkillFactory(name="Stop motion", slug="sc-stop-motion")
    grade = SkillFactory(name="Colour grading", slug="sc-grading")
    kiln = company("Kiln Light")
    potbank = company("Potbank Post")
    lapsed = company("Gone Away", membership_status="lapsed")
    project(
        "Clay Hearts", companies=[(kiln, "Animation")], sectors=[film], skills=[stop], year=2023
    )
    project(
        "Saggar", companies=[kiln, potbank], sectors=[film, ads], skills=[stop, grade], year=2024
    )
    project("Bottle Oven", companies=[potbank], sectors=[games], skills=[grade], year=2024)
    project("Draft Only", companies=[kiln], sectors=[games], live=False)
    project("Old Reel", companies=[lapsed], sectors=[ads], year=2019)
    return {"kiln": kiln, "potbank": potbank}


def get(client, query=""):
    index = showcase_index()
    response = client.get(index.url + query)
    assert response.status_code == 200
    return response


def facet(response, param):
    group = next(g for g in response.context["facet_groups"] if g.param == param)
    return {v.slug: (v.count, v.selected) for v in group.values}


def titles(response):
    return [p.title for p in response.context["projects"]]


def test_lists_live_projects_newest_first_with_counts(client, work):
    response = get(client)
    assert titles(response) == ["Bottle Oven", "Saggar", "Clay Hearts", "Old Reel"]
    assert facet(response, "sector") == {
        "sc-film": (2, False),
        "sc-ads": (2, False),
        "sc-games": (1, False),
    }
    assert facet(response, "year") == {"2024": (2, False), "2023": (1, False), "2019": (1, False)}
    # Companies that are live appear as filters; the draft project counts nowhere.
    assert facet(response, "company")["kiln-light"] == (2, False)
    assert facet(response, "company")["potbank-post"] == (2, False)
    # A lapsed member's old work stays listed, but it is no longer a filter or a link.
    assert "gone-away" not in facet(response, "company")
    assert "Gone Away" not in response.content.decode()


def test_values_in_one_facet_widen_and_facets_narrow(client, work):
    response = get(client, "?sector=sc-film&sector=sc-games")
    assert sorted(titles(response)) == ["Bottle Oven", "Clay Hearts", "Saggar"]
    response = get(client, "?sector=sc-film&year=2024")
    assert titles(response) == ["Saggar"]


def test_each_facet_counts_without_its_own_filter(client, work):
    response = get(client, "?sector=sc-film")
    # Sector counts ignore the sector filter so other sectors stay visible...
    assert facet(response, "sector")["sc-games"] == (1, False)
    assert facet(response, "sector")["sc-film"] == (2, True)
    # ...while every other facet is narrowed by it.
    assert facet(response, "skill") == {"sc-stop-motion": (2, False), "sc-grading": (1, False)}
    assert facet(response, "year") == {"2024": (1, False), "2023": (1, False)}


def test_filter_by_company_and_skill(client, work):
    response = get(client, "?company=potbank-post&skill=sc-stop-motion")
    assert titles(response) == ["Saggar"]


def test_unknown_and_malformed_filters_are_dropped_with_a_note(client, work):
    response = get(client, "?sector=no-such&year=20x4&page=zz")
    assert len(titles(response)) == 4
    notes = " ".join(response.context["filter_notes"])
    assert "no-such" in notes and "20x4" in notes
    assert "We ignored" in response.content.decode()


def test_filters_are_shareable_get_urls_and_kept_across_pages(client, work, monkeypatch):
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    response = get(client, "?year=2024")
    html = response.content.decode()
    assert response.context["paginator"].num_pages == 2
    assert 'href="?year=2024&amp;page=2"' in html
    second = get(client, "?year=2024&page=2")
    assert len(titles(second)) == 1 and titles(second) != titles(response)
    # A page past the end shows the last page rather than an error.
    assert titles(get(client, "?year=2024&page=99")) == titles(second)


def test_ticked_boxes_and_remove_links_render_without_js(client, work):
    html = get(client, "?sector=sc-film").content.decode()
    assert 'name="sector" value="sc-film" id="sector-sc-film" checked' in html
    assert "Sector / genre: Film" in html
    assert 'type="submit"' in html


def _listing_queries(client, redis_calls):
    """The queries and the rendition cache round trips of a view of the listing, and its cards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client)  # warm caches (site root, renditions) first
    get(client)  # and the page kept whole by the routing (cms.routing)
    redis_calls.clear()
    with CaptureQueriesContext(connection) as queries:
        response = get(client)
    renditions = [call for call in redis_calls if call[0] == "renditions"]
    return len(queries), len(renditions), len(response.context["projects"])


def test_query_count_does_not_grow_with_page_size(client, monkeypatch, redis_calls):
    from tests.showcase.test_models import poster_image

    kiln = company("Kiln Light")
    sectors = [SectorFactory(name=f"Genre {n}", slug=f"sc-genre-{n}") for n in range(3)]
    for n in range(12):
        project(
            f"Piece {n}",
            companies=[kiln, company(f"Partner {n}")],
            sectors=sectors,
            poster=poster_image(f"poster {n}"),
            year=2010 + n,
        )

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    small, small_trips, shown_small = _listing_queries(Client(), redis_calls)
    monkeypatch.setattr(listing, "PAGE_SIZE", 12)
    large, large_trips, shown_large = _listing_queries(Client(), redis_calls)
    assert (shown_small, shown_large) == (2, 12)
    assert large == small <= 15  # production's cache; tests/test_page_views_production.py
    assert large_trips == small_trips == 1  # every poster's rendition in one get_many


def test_a_selection_that_leaves_nothing_keeps_its_name_and_can_be_undone(client, work):
    response = get(client, "?sector=sc-games&year=2023")
    assert titles(response) == []
    assert facet(response, "year")["2023"] == (0, True)
    html = response.content.decode()
    assert "No projects match these filters." in html
    assert "Sector / genre: Games" in html and "Year: 2023" in html
    # The chip that removes the year leads to the listing with the sector alone
    # (filter links come from directory.filter_urls, as the directory's do).
    assert f'href="{showcase_index().url}?sector=sc-games"' in html
