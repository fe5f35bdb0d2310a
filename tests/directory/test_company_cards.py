"""Companies kept per company (directory.models.company_cards and company_summaries).

Run on the real Redis, as production keeps them: a member's publish must
show on its card at once, and forget no other member's card.
"""

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page

import pytest

from cms.page_cache import kept_per_page, shared_tokens
from directory.models import CompanyPage, Skill, company_cards
from tests.directory.factories import company, directory_index, home_page
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_cache(redis_cache):
    return redis_cache


def company_queries(captured) -> list[str]:
    """The statements that loaded company pages (the cards' own query)."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "directory_companypage"' in q["sql"] and q["sql"].startswith("SELECT")
    ]


def test_a_members_publish_rebuilds_its_own_card_and_no_other():
    home_page()
    directory_index().save_revision().publish()
    kiln, trent, leek = (
        company(name, skills=["Stop motion"]) for name in ("Kiln", "Trent Models", "Leek Post")
    )
    ids = [kiln.pk, trent.pk, leek.pk]
    company_cards(ids)
    with CaptureQueriesContext(connection) as captured:
        cards = company_cards(ids)
    assert captured.captured_queries == []
    assert [cards[pk].title for pk in ids] == ["Kiln", "Trent Models", "Leek Post"]
    assert [s.name for s in cards[kiln.pk].skills.all()] == ["Stop motion"]

    renamed = CompanyPage.objects.get(pk=trent.pk)
    renamed.title = "Trent Model Makers"
    renamed.save_revision().publish()
    with CaptureQueriesContext(connection) as captured:
        cards = company_cards(ids)
    (loaded,) = company_queries(captured)
    assert f"IN ({trent.pk})" in loaded  # the other two came from the cache
    assert [cards[pk].title for pk in ids] == ["Kiln", "Trent Model Makers", "Leek Post"]


def test_a_card_follows_its_skills_its_place_in_the_tree_and_its_delete():
    home_page()
    directory_index().save_revision().publish()
    kiln = company("Kiln", skills=["Stop motion"])
    assert company_cards([kiln.pk])[kiln.pk].url.endswith("/directory/kiln/")

    skill = Skill.objects.get(name="Stop motion")
    skill.name = "Stop-frame animation"
    skill.save()
    card = company_cards([kiln.pk])[kiln.pk]
    assert [s.name for s in card.skills.all()] == ["Stop-frame animation"]

    directory = Page.objects.get(pk=directory_index().pk).specific
    directory.slug = "members"
    directory.save_revision().publish()
    assert company_cards([kiln.pk])[kiln.pk].url.endswith("/members/kiln/")

    Page.objects.get(pk=kiln.pk).delete()
    assert company_cards([kiln.pk]) == {}


def test_ids_kept_and_built_come_back_in_one_answer_and_unknown_ids_are_absent():
    built = []

    def build(missing):
        built.append(list(missing))
        return {pk: f"card {pk}" for pk in missing if pk != 3}

    assert kept_per_page("test", [1, 2, 3, 2], build) == {1: "card 1", 2: "card 2"}
    assert kept_per_page("test", [2, 4, 1], build) == {2: "card 2", 4: "card 4", 1: "card 1"}
    assert built == [[1, 2, 3], [4]]  # 3 is not kept: asked for again
    assert kept_per_page("test", [], build) == {}


def test_new_tokens_are_made_in_one_write_and_then_read(monkeypatch):
    backend = caches["default"]
    writes = []
    real_set_many = backend.set_many

    def set_many(data, *args, **kwargs):
        writes.append(sorted(data))
        return real_set_many(data, *args, **kwargs)

    monkeypatch.setattr(backend, "set_many", set_many)
    monkeypatch.setattr(backend, "add", lambda *a, **k: pytest.fail("one add per token"))
    first = shared_tokens(["t:a", "t:b", "t:c"])
    assert writes == [["t:a", "t:b", "t:c"]] and len(set(first)) == 3
    assert shared_tokens(["t:c", "t:a"]) == [first[2], first[0]]
    assert len(writes) == 1


def test_the_directory_after_a_members_publish_shows_it_and_loads_its_card_alone():
    home_page()
    directory_index().save_revision().publish()
    members = [company(f"Studio {n}", skills=["Animation"]) for n in range(5)]
    client = Client()
    for _ in range(2):
        assert client.get("/directory/?q=studio").status_code == 200

    renamed = CompanyPage.objects.get(pk=members[2].pk)
    renamed.title = "Studio Two Renamed"
    renamed.save_revision().publish()
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/directory/?q=studio")
    assert page.status_code == 200 and "Studio Two Renamed" in page.text
    cards = [sql for sql in company_queries(captured) if '"wagtailcore_page"."title"' in sql]
    assert cards and all(f"IN ({members[2].pk})" in sql for sql in cards), cards


def test_a_profile_after_another_members_publish_keeps_its_partners_and_related_cards():
    home_page()
    directory_index().save_revision().publish()
    showcase_index().save_revision().publish()
    studio = company("Kiln Animation", skills=["Stop motion"])
    partner = company("Trent Models", skills=["Stop motion"])
    elsewhere = company("Leek Sound", skills=["Sound design"])
    project("Clay Town", companies=[studio, partner])
    client = Client()
    for _ in range(2):
        page = client.get(studio.url).text
    assert "With Trent Models" in page
    assert "Members with similar skills" in page and ">Trent Models</a>" in page

    elsewhere = CompanyPage.objects.get(pk=elsewhere.pk)
    elsewhere.strapline = "Foley and mixing"
    elsewhere.save_revision().publish()
    with CaptureQueriesContext(connection) as captured:
        page = client.get(studio.url).text
    assert "With Trent Models" in page and ">Trent Models</a>" in page
    # The related members are ranked again (any member's change can change
    # them); no card is loaded, nor the projects.
    ranking = [sql for sql in company_queries(captured) if "COUNT(DISTINCT" in sql]
    assert len(ranking) == 1 and company_queries(captured) == ranking
    assert not [q for q in captured.captured_queries if "showcase_projectpage" in q["sql"]]

    # The partner leaves the directory: it goes from the project and the related members.
    Page.objects.get(pk=partner.pk).specific.unpublish()
    page = client.get(studio.url).text
    assert "Clay Town" in page and "Trent Models" not in page
    Page.objects.get(pk=partner.pk).specific.save_revision().publish()
    assert "With Trent Models" in client.get(studio.url).text
