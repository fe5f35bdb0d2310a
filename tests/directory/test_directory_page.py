"""The directory page: search, facets, near, sort, pagination, errors; queries bounded."""

from __future__ import annotations

import io

from django.core.files.images import ImageFile

from wagtail.images import get_image_model

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from cms import page_cache
from directory.models import CompanyCredit
from tests.directory.factories import (
    PlaceFactory,
    PostcodeDistrictFactory,
    SectorFactory,
    SkillFactory,
    company,
    directory_index,
)

pytestmark = pytest.mark.django_db
URL = "/directory/"


def logo(name: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 120), (200, 80, 40)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title=f"{name} logo", file=ImageFile(buffer, name=f"{name}.png")
    )


@pytest.fixture
def data():
    stoke = PlaceFactory(
        name="Stoke-on-Trent", slug="pg-stoke", latitude=53.0027, longitude=-2.1794
    )
    leek = PlaceFactory(name="Leek", slug="pg-leek", latitude=53.1000, longitude=-2.0500)
    PostcodeDistrictFactory(code="ZP1", place=stoke, latitude=53.0027, longitude=-2.1794)
    compositing = SkillFactory(name="Compositing", slug="pg-compositing")
    animation = SkillFactory(name="2D animation", slug="pg-2d")
    games = SectorFactory(name="Games", slug="pg-games")
    film = SectorFactory(name="Film", slug="pg-film")
    directory_index()
    kiln = company(
        "Kiln Animation",
        skills=[animation],
        sectors=[games],
        place=stoke,
        strapline="Characters for games",
        about="<p>We animate characters for console games and television.</p>",
        verified=True,
    )
    trent = company("Trent VFX", skills=[compositing, animation], sectors=[film], place=leek)
    return {"kiln": kiln, "trent": trent, "stoke": stoke}


def get(client, query=""):
    response = client.get(f"{URL}?{query}" if query else URL)
    assert response.status_code == 200
    return response.content.decode()


def test_lists_every_company_with_count_and_cards(client, data):
    html = get(client)
    assert "2 companies found" in html
    assert 'href="/directory/kiln-animation/"' in html
    assert "Characters for games" in html
    assert 'role="status"' in html
    assert 'name="skill" value="pg-compositing"' in html
    assert "Compositing <span" in html


def test_text_and_facets_and_highlight(client, data):
    html = get(client, "q=characters&sector=pg-games")
    assert "1 company found" in html
    assert "Kiln Animation" in html and "Trent VFX" not in html
    assert "<mark>characters</mark> for console games" in html  # from the description
    assert 'id="sector-pg-games" checked' in html
    # the sector facet still offers Film? Not with this text: its count ignores only sector
    assert 'value="pg-film"' not in html


def test_near_with_distance_sorting(client, data):
    html = get(client, "near=zp1&radius=25&sort=distance")
    assert html.index("Kiln Animation") < html.index("Trent VFX")
    assert "0.0 miles away" in html
    assert "Within 25 miles of ZP1 (Stoke-on-Trent)" in html


def test_empty_state_offers_links_removing_each_filter(client, data):
    html = get(client, "q=zzzz&skill=pg-compositing&near=pg-stoke&radius=1")
    assert "No member companies match this search" in html
    assert "Remove Text: “zzzz”" in html
    assert 'href="/directory/?skill=pg-compositing&amp;near=pg-stoke&amp;radius=1"' in html
    assert "Remove Skill: Compositing" in html
    assert "Remove Within 1 mile of Stoke-on-Trent" in html


def test_friendly_message_for_malformed_numbers(client, data):
    html = get(client, "q=vfx&page=banana&radius=far&near=pg-stoke")
    assert "couldn’t be used" in html
    assert "The page number must be a whole number" in html
    assert "The radius must be a number" in html
    assert "1 company found" in html


def test_notes_for_unknown_slugs_and_places(client, data):
    html = get(client, "skill=bogus&near=atlantis")
    assert "bogus" in html and "atlantis" in html
    assert "2 companies found" in html


def test_pagination_links_keep_the_search(client, data):
    for n in range(5):
        company(f"Extra {n} Animation", skills=["2D animation"], place=data["stoke"])
    html = get(client, "q=animation&page_size=2&page=2")
    assert "page 2 of 4" in html
    assert 'href="/directory/?q=animation&amp;page=3&amp;page_size=2" rel="next"' in html
    assert 'href="/directory/?q=animation&amp;page_size=2" rel="prev"' in html
    assert 'aria-current="page"' in html
    past_end = get(client, "q=animation&page_size=2&page=40")
    assert "page 4 of 4" in past_end and "only 4 pages" in past_end


def test_query_count_does_not_grow_with_page_size_or_skills(
    client, data, django_assert_max_num_queries, redis_cache
):
    def measure(query):
        get(client, query)  # renditions and caches warm up first
        with django_assert_max_num_queries(1000) as captured:
            get(client, query)
        return len(captured.captured_queries)

    data["kiln"].logo = logo("kiln")
    data["kiln"].save_revision().publish()
    small = measure("page_size=2&sort=name")
    for n in range(12):
        extra = company(
            f"Company {n}",
            skills=[f"Skill {n}-{k}" for k in range(6)],
            sectors=[f"Sector {n}"],
            place=data["stoke"],
        )
        extra.logo = logo(f"c{n}")
        extra.save_revision().publish()
    large = measure("page_size=14&sort=name")
    assert large <= small <= 11  # production's cache; tests/test_page_views_production.py
    with django_assert_max_num_queries(small):
        get(client, "page_size=14&sort=name")


def test_cache_round_trips_do_not_grow_with_page_size(client, data, redis_calls):
    """Each card's logo rendition and URL come from Redis in round trips shared by the page."""

    def measure(query):
        get(client, query)  # renditions made, caches warm
        get(client, query)  # and the page kept whole by the routing (cms.routing)
        page_cache.invalidate()  # the first visitor after a publish
        redis_calls.clear()
        html = get(client, query)
        return len(redis_calls), html.count('fill-96x96.png"')

    for n in range(12):
        extra = company(f"Company {n}", place=data["stoke"])
        extra.logo = logo(f"c{n}")
        extra.save_revision().publish()
    small, small_logos = measure("page_size=2&sort=name")
    large, large_logos = measure("page_size=14&sort=name")
    assert (small_logos, large_logos) == (2, 12)
    assert large == small


PARAMS = [
    "q",
    "department",
    "skill",
    "sector",
    "place",
    "verified",
    "near",
    "radius",
    "sort",
    "page",
    "page_size",
]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=30)), max_size=6))
def test_arbitrary_parameters_never_500(client, data, params):
    response = client.get(URL, params)
    assert response.status_code == 200


def test_a_town_in_the_text_shows_as_a_removable_near_filter(client, data):
    html = get(client, "q=animation+in+Leek&radius=1")
    remove = 'href="/directory/?q=animation+in+Leek&amp;place_words=off&amp;sort=relevance"'
    assert f"{remove}>Near Leek, nearest first (within 1 mile)" in html
    assert "Trent VFX" in html and "Kiln Animation" not in html
    # The "near" box stays empty: submitting the form again reads the town again.
    assert 'name="near" value=""' in html
    # With no radius chosen, the whole cluster, nearest first.
    html = get(client, "q=animation+in+Leek")
    assert "Near Leek, nearest first (within 50 miles)" in html
    assert "Trent VFX" in html and "Kiln Animation" in html
    assert '<option value="50" selected>' in html
    # Following it searches the words as typed, with no centre read from them.
    html = get(client, "q=animation+in+Leek&place_words=off")
    assert "Near Leek" not in html
    assert "Text: “animation in Leek”" in html


def test_department_facet_shows_with_counts(client, data):
    group = data["trent"].skills.get(slug="pg-compositing").group
    page = get(client)
    assert "<legend>Departments" in page
    assert f'name="department" value="{group.slug}"' in page
    assert f'{group.name} <span class="facet__count">(1' in page
    page = get(client, f"department={group.slug}")
    assert "1 company found" in page
    assert f"Department: {group.name}" in page  # the chip that removes it


def test_verified_checkbox_works_without_javascript(client, data):
    page = get(client)
    # A plain checkbox in the GET form: submitting it sends verified=1.
    assert '<input type="checkbox" name="verified" value="1" id="directory-verified"' in page
    assert '<label for="directory-verified">Verified members only</label>' in page
    page = get(client, "verified=1")
    assert "1 company found" in page and "Kiln Animation" in page and "Trent VFX" not in page
    assert 'id="directory-verified" checked' in page
    assert 'href="/directory/">Verified members only' in page  # the chip drops it


def test_a_bad_verified_value_is_explained_and_the_rest_still_searches(client, data):
    page = get(client, "verified=banana")
    assert "“Verified members only” must be 1 (yes) or 0 (no)" in page
    assert "2 companies found" in page


def test_a_lower_bound_total_reads_as_at_least(rf, data):
    from django.template.loader import render_to_string

    from directory.search.base import SearchQuery, SearchResults

    results = SearchResults(SearchQuery(), 10_000, [], {}, "elasticsearch", 1.0)
    html = render_to_string(
        "directory/includes/search_results.html",
        {"search_results": results, "search_query": results.query},
    )
    assert "10,000 companies found" in html
    results.total_is_exact = False
    html = render_to_string(
        "directory/includes/search_results.html",
        {"search_results": results, "search_query": results.query},
    )
    assert "10,000+ companies found" in html


def test_a_word_nobody_writes_offers_did_you_mean_and_finds_the_corrected_word(client, data):
    html = get(client, "q=animaton+charaters&sector=pg-games")
    link = 'href="/directory/?q=animation+characters&amp;sector=pg-games" rel="nofollow"'
    assert f"Did you mean <a {link}>animation characters</a>?" in html
    assert "Companies matching it are included below." in html
    assert "Kiln Animation" in html and "1 company found" in html
    # Followed, the corrected search has nothing to correct.
    assert "Did you mean" not in get(client, "q=animation+characters&sector=pg-games")
    # A town read from the text stays in the link, so it still searches near it.
    html = get(client, "q=animaton+in+Leek")
    assert (
        'href="/directory/?q=animation+in+Leek&amp;radius=50" rel="nofollow">animation in' in html
    )


def test_the_client_filter_shows_as_a_chip_and_stays_with_a_new_search(client, data):
    CompanyCredit.objects.create(
        company=data["trent"], production="Clay Hearts", client="BBC Three"
    )
    data["trent"].save_revision().publish()
    html = get(client, "client=bbc+three")
    assert "Trent VFX" in html and "Kiln Animation" not in html
    assert "Credited for bbc three" in html
    assert '<input type="hidden" name="client" value="bbc three">' in html
