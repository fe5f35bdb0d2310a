"""A taxonomy edit and what the cache keeps (cms.page_cache, *Two epochs*).

A save or delete of a skill, sector or place replaces the taxonomy epoch,
not the rows epoch: kept cards and summaries stay, and are read with the
current rows swapped in (``directory.models.with_current_taxonomy``), so
every page shows the edit at once and the directory does not rebuild its
cards. Run on the real Redis, as production keeps them.
"""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

import pytest

from cms.page_cache import invalidate
from directory.models import CompanyPage, Place, Sector, Skill, SkillGroup, company_cards
from tests.directory.factories import (
    PlaceFactory,
    SkillFactory,
    SkillGroupFactory,
    company,
    directory_index,
    home_page,
)
from tests.showcase.factories import project, showcase_index

# Production's caches on the real Redis (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_cache")]

TAXONOMY_TABLES = (
    "directory_skill",
    "directory_skillgroup",
    "directory_sector",
    "directory_place",
    "directory_postcodedistrict",
)


def card_queries(captured) -> list[str]:
    """The statements that loaded companies for cards or summaries (by their title)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "directory_companypage"' in q["sql"] and '"wagtailcore_page"."title"' in q["sql"]
    ]


def is_taxonomy_query(sql: str) -> bool:
    """A read of the taxonomy tables alone (not a page's links to them)."""
    tables = sql.split(" FROM ", 1)[-1]
    return tables.startswith(tuple(f'"{t}"' for t in TAXONOMY_TABLES)) and "_companypage" not in sql


def taxonomy_tables_read(captured) -> list[str]:
    """The taxonomy table each taxonomy query read, in order."""
    sqls = [q["sql"] for q in captured.captured_queries if is_taxonomy_query(q["sql"])]
    return [sql.split(" FROM ", 1)[1].split('"')[1] for sql in sqls]


@pytest.fixture
def members():
    """A studio, two members sharing its skills, a project with its sectors: every page warm."""
    home_page()
    directory_index().save_revision().publish()
    showcase_index().save_revision().publish()
    leek = PlaceFactory(name="Leekton", slug="leekton")
    studio = company(
        "Kiln Animation",
        skills=["Stop motion", "Clay animation"],
        sectors=["Broadcast", "Games"],
        place=leek,
    )
    alpha = company("Alpha Models", skills=["Stop motion"], place=leek)
    zed = company("Zed Studio", skills=["Stop motion", "Clay animation"], place=leek)
    work = project("Clay Town", companies=[studio, alpha], sectors=["Broadcast"])
    return {"studio": studio, "alpha": alpha, "zed": zed, "work": work, "place": leek}


def make_image(title):
    return get_image_model().objects.create(title=title, file=get_test_image_file(f"{title}.png"))


def related_members(profile: str) -> str:
    """The profile's "Members with similar skills" and what follows it."""
    return profile.split('id="related-heading"', 1)[1]


def warm(client, *paths):
    for path in paths:
        for _ in range(2):
            assert client.get(path).status_code == 200


API = "/api/v1/directory/search?q=kiln"


def api_hit(client, slug):
    hits = json.loads(client.get(API).content)["results"]
    return next(hit for hit in hits if hit["slug"] == slug)


def test_a_renamed_skill_sector_and_place_show_at_once_on_every_page(members):
    studio, work = members["studio"], members["work"]
    client = Client()
    warm(client, "/directory/", studio.url, work.url, API)

    skill = Skill.objects.get(name="Stop motion")
    skill.name = "Stop-frame"
    skill.save()
    sector = Sector.objects.get(name="Broadcast")
    sector.name = "Television"
    sector.save()
    place = members["place"]
    place.name = "Leek Town"
    place.save()

    with CaptureQueriesContext(connection) as captured:
        directory = client.get("/directory/").text
    assert card_queries(captured) == []  # the cards were kept
    assert '<li class="tag">Stop-frame</li>' in directory
    assert '<li class="tag">Stop motion</li>' not in directory
    assert "Leek Town" in directory and "Leekton" not in directory

    profile = client.get(studio.url).text
    assert "Based in Leek Town" in profile and "Leekton" not in profile
    assert "Stop-frame" in profile and "Stop motion" not in profile
    assert ">Television</a>" in profile and "Broadcast" not in profile
    # The related members (summaries) and the project's card (its sectors).
    assert "Leek Town · 2 shared skills" in profile
    assert '<li class="tag">Television</li>' in profile

    assert "Television" in client.get(work.url).text

    hit = api_hit(client, studio.slug)
    assert hit["place"]["label"] == "Leek Town"
    assert [s["label"] for s in hit["skills"]] == ["Clay animation", "Stop-frame"]
    assert "Television" in [s["label"] for s in hit["sectors"]]


def test_deleted_taxonomy_rows_leave_the_kept_cards_and_the_ranking(members):
    studio, alpha, zed = members["studio"], members["alpha"], members["zed"]
    client = Client()
    warm(client, "/directory/", studio.url, API)
    ids = [studio.pk, alpha.pk, zed.pk]
    company_cards(ids)
    related = related_members(client.get(studio.url).text)
    assert related.index("Zed Studio") < related.index("Alpha Models")  # 2 shared skills, 1

    Sector.objects.get(name="Games").delete()
    card = company_cards(ids)[studio.pk]
    assert [s.name for s in card.sectors.all()] == ["Broadcast"]
    assert [s["label"] for s in api_hit(client, studio.slug)["sectors"]] == ["Broadcast"]

    # Deleting a skill deletes its links (the count of shared skills) too.
    Skill.objects.get(name="Clay animation").delete()
    assert [s.name for s in company_cards(ids)[zed.pk].skills.all()] == ["Stop motion"]
    profile = client.get(studio.url).text
    assert "Clay animation" not in profile
    related = related_members(profile)
    assert related.index("Alpha Models") < related.index("Zed Studio")  # one each: by title

    # A place's delete sets the companies' place to null in SQL, without a signal.
    Place.objects.get(pk=members["place"].pk).delete()
    assert company_cards(ids)[studio.pk].place is None
    assert api_hit(client, studio.slug)["place"] is None
    profile = client.get(studio.url).text
    assert "Leekton" not in profile and "Based in" not in profile
    assert "Leekton" not in client.get("/directory/").text


def test_a_cards_skills_after_a_rename_come_in_a_fresh_renders_order():
    home_page()
    directory_index().save_revision().publish()
    # Made here (the migrations' own skills have their own orders).
    post = SkillGroupFactory(name="Finishing", slug="test-finishing", sort_order=50)
    sound = SkillGroupFactory(name="Sound", slug="test-sound", sort_order=50)
    skills = [
        SkillFactory(name="Colour grading", slug="test-colour", group=post),
        SkillFactory(name="Online editing", slug="test-online", group=post),
        SkillFactory(name="Foley", slug="test-foley", group=sound),
    ]
    studio = company("Kiln Post", skills=skills)

    def fresh():
        (page,) = CompanyPage.objects.filter(pk=studio.pk).for_cards()
        return [s.name for s in page.skills.all()]

    def kept():
        return [s.name for s in company_cards([studio.pk])[studio.pk].skills.all()]

    assert kept() == fresh() == ["Colour grading", "Online editing", "Foley"]
    colour = Skill.objects.get(slug="test-colour")
    colour.name = "Picture finishing"  # now after "Online editing" in its group
    colour.save()
    group = SkillGroup.objects.get(slug="test-sound")
    group.name = "Audio"  # now before "Finishing"
    group.save()
    assert kept() == fresh() == ["Foley", "Online editing", "Picture finishing"]


def test_a_taxonomy_edit_costs_the_next_directory_view_only_taxonomy_queries(members):
    client = Client()
    warm(client, "/directory/")
    invalidate()  # a whole-page miss that keeps every kept value: the baseline
    with CaptureQueriesContext(connection) as baseline:
        assert client.get("/directory/").status_code == 200
    assert taxonomy_tables_read(baseline) == []

    skill = Skill.objects.get(name="Stop motion")
    skill.name = "Stop-frame"
    skill.save()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/directory/").text
    assert '<li class="tag">Stop-frame</li>' in page
    assert card_queries(captured) == []
    # The map of current rows, once per table; the facets' labels are made from it.
    assert taxonomy_tables_read(captured) == [
        "directory_place",
        "directory_skill",
        "directory_sector",
        "directory_skillgroup",
    ]
    # Everything else the view asked of the database is what it asks anyway.
    others = [q["sql"] for q in captured.captured_queries if not is_taxonomy_query(q["sql"])]
    assert others == [q["sql"] for q in baseline.captured_queries]


def test_a_taxonomy_edit_costs_the_next_profile_its_skills_and_sectors_alone(members):
    studio = members["studio"]
    client = Client()
    warm(client, studio.url)
    skill = Skill.objects.get(name="Stop motion")
    skill.name = "Stop-frame"
    skill.save()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(studio.url).text
    assert "Stop-frame" in page
    statements = [q["sql"] for q in captured.captured_queries]
    links = [
        sql for sql in statements if "_companypage_skills" in sql or "_companypage_sectors" in sql
    ]
    assert len(links) == 2  # its own skills and sectors, read again
    kept = ("directory_companycredit", "gallery", "showcase_projectpage", "COUNT(DISTINCT")
    assert [sql for sql in statements if any(table in sql for table in kept)] == []
    # Nor the page itself (its place is swapped in), nor the related members.
    assert card_queries(captured) == []
    assert "Based in Leekton" in page


def test_an_image_change_still_rebuilds_the_cards(members):
    studio = members["studio"]
    studio = CompanyPage.objects.get(pk=studio.pk)
    studio.logo = make_image("kiln logo")
    studio.save_revision().publish()
    company_cards([studio.pk, members["alpha"].pk])
    with CaptureQueriesContext(connection) as captured:
        company_cards([studio.pk, members["alpha"].pk])
    assert captured.captured_queries == []

    logo = get_image_model().objects.get(pk=studio.logo_id)
    logo.title = "Kiln Animation's logo"
    logo.save()
    with CaptureQueriesContext(connection) as captured:
        cards = company_cards([studio.pk, members["alpha"].pk])
    (loaded,) = [sql for sql in card_queries(captured) if "IN (" in sql]
    assert str(studio.pk) in loaded and str(members["alpha"].pk) in loaded
    assert cards[studio.pk].logo.title == "Kiln Animation's logo"
