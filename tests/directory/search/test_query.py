"""The parameter parser on its own: no server, no backend (and, for parsing, no database)."""

from __future__ import annotations

from django.http import QueryDict

import pytest

from directory.search.base import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    MAX_TEXT_LENGTH,
    Sort,
)
from directory.search.query import (
    SearchParamError,
    parse_search_params,
    parse_search_request,
    query_to_params,
    resolve_search_request,
)
from tests.directory.factories import (
    PlaceFactory,
    PostcodeDistrictFactory,
    SectorFactory,
    SkillFactory,
)

pytestmark = pytest.mark.django_db


def parse(query_string: str):
    return parse_search_params(QueryDict(query_string))


def test_defaults():
    query = parse("")
    assert query.text == ""
    assert query.filters == {}
    assert query.near is None and query.radius_miles is None
    assert query.sort is Sort.RELEVANCE
    assert (query.page, query.page_size) == (1, DEFAULT_PAGE_SIZE)
    assert query.notes == ()


def test_text_is_trimmed_collapsed_and_cut():
    assert parse("q=%20%20colour%20%20%20grading%20").text == "colour grading"
    long = parse("q=" + "a" * (MAX_TEXT_LENGTH + 50))
    assert len(long.text) == MAX_TEXT_LENGTH
    assert long.notes


def test_control_characters_are_removed():
    assert parse("q=anim%00ation").text == "anim ation"


def test_known_slugs_kept_unknown_noted_case_insensitive():
    SkillFactory(name="Compositing", slug="compositing")
    SectorFactory(name="Games", slug="games")
    query = parse("skill=Compositing&skill=nope&skill=compositing&sector=games,knitting")
    assert query.filters == {"skill": ("compositing",), "sector": ("games",)}
    assert len(query.notes) == 2
    assert "nope" in query.notes[0] and "knitting" in query.notes[1]


def test_near_place_or_postcode_district():
    stoke = PlaceFactory(
        name="Stoke-on-Trent", slug="stoke-on-trent", latitude=53.0, longitude=-2.18
    )
    PostcodeDistrictFactory(code="ST1", place=stoke, latitude=53.02, longitude=-2.17)
    query = parse("near=Stoke-on-Trent")
    assert query.near.label == "Stoke-on-Trent"
    assert query.radius_miles == 10
    query = parse("near=st1&radius=25")
    assert query.near.slug == "st1"
    assert query.near.label == "ST1 (Stoke-on-Trent)"
    assert query.near.latitude == 53.02
    assert query.radius_miles == 25
    assert parse("near=ST%201").near.slug == "st1"


def test_unknown_near_noted_and_radius_dropped():
    query = parse("near=atlantis&radius=5")
    assert query.near is None and query.radius_miles is None
    assert "atlantis" in query.notes[0]


def test_radius_capped():
    PlaceFactory(name="Leek", slug="leek")
    query = parse("near=leek&radius=100000")
    assert query.radius_miles == 500
    assert query.notes


@pytest.mark.parametrize(
    "query_string,param",
    [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=-2", "page"),
        ("page=1.5", "page"),
        ("page_size=x", "page_size"),
        ("page_size=0", "page_size"),
        ("radius=ten", "radius"),
        ("radius=-1", "radius"),
        ("radius=inf", "radius"),
        ("radius=0", "radius"),
    ],
)
def test_malformed_numbers_raise_naming_the_parameter(query_string, param):
    with pytest.raises(SearchParamError) as error:
        parse(query_string)
    assert error.value.param == param
    assert error.value.message


def test_page_size_capped_with_a_note():
    query = parse("page_size=1000")
    assert query.page_size == MAX_PAGE_SIZE
    assert query.notes


@pytest.mark.parametrize(
    ("query_string", "page"),
    [
        ("page=100&page_size=100", 100),
        ("page=101&page_size=100", 100),
        ("page=500", 500),  # 20 a page
        ("page=501", 500),
        ("page=10000&page_size=1", 10000),
        ("page=99999999&page_size=1000", 100),  # capped to 100 a page first
    ],
)
def test_deep_pages_stop_at_the_result_window_with_a_note(query_string, page):
    query = parse(query_string)
    assert query.page == page
    assert query.page * query.page_size <= MAX_RESULT_WINDOW
    deep = any("10,000" in note for note in query.notes)
    assert deep == (f"page={page}&" not in query_string + "&")


def test_sort_values():
    PlaceFactory(name="Leek", slug="leek")
    assert parse("sort=name").sort is Sort.NAME
    assert parse("sort=NEWEST").sort is Sort.NEWEST
    assert parse("sort=distance&near=leek").sort is Sort.DISTANCE
    fallback = parse("sort=distance")
    assert fallback.sort is Sort.RELEVANCE and fallback.notes
    unknown = parse("sort=price")
    assert unknown.sort is Sort.RELEVANCE and "price" in unknown.notes[0]


def test_plain_dicts_work_too():
    SkillFactory(name="Compositing", slug="compositing")
    query = parse_search_params({"q": "grading", "skill": ["compositing"], "page": "2"})
    assert query.text == "grading" and query.page == 2
    assert query.filters == {"skill": ("compositing",)}


def test_round_trip_to_params():
    SkillFactory(name="Compositing", slug="compositing")
    SectorFactory(name="Games", slug="games")
    PlaceFactory(name="Leek", slug="leek")
    original = "q=animation&skill=compositing&sector=games&near=leek&radius=10&sort=distance&page=2"
    query = parse(original)
    again = parse_search_params(dict_from_pairs(query_to_params(query)))
    assert again == query
    without_skill = dict(query_to_params(query, skill=None, page=None))
    assert "skill" not in without_skill and "page" not in without_skill


def dict_from_pairs(pairs):
    result = QueryDict(mutable=True)
    for key, value in pairs:
        result.appendlist(key, value)
    return result


def test_near_accepts_names_as_typed_and_full_postcodes():
    stoke = PlaceFactory(
        name="Stoke-on-Trent", slug="stoke-on-trent", latitude=53.0, longitude=-2.18
    )
    PostcodeDistrictFactory(code="ST4", place=stoke, latitude=52.99, longitude=-2.18)
    assert parse("near=Stoke+on+Trent").near.slug == "stoke-on-trent"
    assert parse("near=STOKE-ON-TRENT").near.label == "Stoke-on-Trent"
    assert parse("near=st4+7qb").near.slug == "st4"
    assert parse("near=ST4").near.slug == "st4"


def test_a_radius_is_read_whole_however_it_is_written():
    PlaceFactory(name="Leek", slug="leek")
    assert parse("near=leek&radius=1.9245969155067156e-218").radius_miles == pytest.approx(0)
    assert parse("near=leek&radius=2.5e1").radius_miles == 25
    with pytest.raises(SearchParamError):
        parse("near=leek&radius=" + "1" * 65)


def test_parsing_is_pure_and_resolving_looks_things_up(django_assert_num_queries):
    SkillFactory(name="Compositing", slug="compositing")
    PlaceFactory(name="Leek", slug="leek", latitude=53.1, longitude=-2.02)
    params = QueryDict("q=grading&skill=Compositing,nope&near=Leek&sort=distance&page=2")
    with django_assert_num_queries(0):
        request = parse_search_request(params)
    assert request.filters == {"skill": ("compositing", "nope")}  # as asked for
    assert request.near == "Leek" and request.radius_miles is None
    assert request.sort is Sort.DISTANCE and request.page == 2
    query = resolve_search_request(request)
    assert query.filters == {"skill": ("compositing",)}
    assert query.near.slug == "leek" and query.radius_miles == 10
    assert query.sort is Sort.DISTANCE
    assert query == parse_search_params(params)  # the one function is both steps
    assert len(query.notes) == 1 and "nope" in query.notes[0]


def test_malformed_numbers_are_refused_before_anything_is_looked_up(django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(SearchParamError):
        parse_search_request(QueryDict("skill=compositing&near=leek&radius=far"))


def test_notes_keep_the_order_of_the_parameters():
    first, second, third = parse("skill=nope&near=atlantis&sort=price").notes
    assert "nope" in first and "atlantis" in second and "price" in third


@pytest.mark.django_db
def test_town_short_forms_follow_a_general_rule():
    from directory.search.query import place_in_text
    from tests.directory.factories import PlaceFactory

    PlaceFactory(name="Zedton upon Wye", slug="qt-zedton", latitude=52.0, longitude=-2.0)
    PlaceFactory(name="Yarby Magna", slug="qt-yarby-magna", latitude=52.0, longitude=-2.0)
    PlaceFactory(name="Yarby Parva", slug="qt-yarby-parva", latitude=52.0, longitude=-2.0)
    found = place_in_text("VFX near Zedton")
    assert found is not None and found.near.slug == "qt-zedton"
    assert (found.words, found.rest) == ("near Zedton", "VFX")
    # A first word two towns share is no short form; the full name still is.
    assert place_in_text("VFX Yarby") is None
    assert place_in_text("Yarby Parva animation").near.slug == "qt-yarby-parva"
    assert place_in_text("Zedton") is None  # alone, it may be a company's name
