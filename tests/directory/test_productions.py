"""Productions: the title key, one production per title and year, linking credits, merging,
the data migration, the import, the admin's merge and the production pages."""

from __future__ import annotations

import json
import re
from importlib import import_module
from io import StringIO

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

import pytest

from directory.models import (
    CompanyCredit,
    CompanyPage,
    Production,
    ProductionAlias,
    ProductionIndexPage,
    ProductionQuerySet,
    production_title_key,
)
from tests.members.factories import editor, user
from tests.showcase.factories import project, showcase_index

from .factories import company, directory_index, home_page

pytestmark = pytest.mark.django_db

link_credits = import_module("directory.migrations.0011_link_credits_to_productions").link_credits


def credited(page, title, year=2024, client="Channel 4", role="Animation"):
    CompanyCredit.objects.create(
        company=page, production=title, year=year, client=client, role=role
    )
    page.save_revision().publish()
    return page.credits.get(production=title)


def productions_page():
    existing = ProductionIndexPage.objects.first()
    if existing is not None:
        return existing
    page = home_page().add_child(
        instance=ProductionIndexPage(title="Productions", slug="productions")
    )
    page.save_revision().publish()
    return page


@pytest.mark.parametrize(
    "written",
    [
        "Brick Lane North",
        "The Brick Lane North",
        "brick lane north!",
        "  Brick-Lane  North ",
        "Brick Láne North",
        "THE BRICK LANE NORTH.",
    ],
)
def test_title_key_folds_case_accents_punctuation_and_a_leading_the(written):
    assert production_title_key(written) == "brick lane north"


def test_title_key_keeps_what_tells_productions_apart():
    assert production_title_key("Slip & Glaze") == production_title_key("Slip and Glaze")
    assert production_title_key("Theatre of Clay") == "theatre of clay"  # "The" only as a word
    assert production_title_key("Five Towns 2") != production_title_key("Five Towns")
    assert production_title_key("!!!") == ""


def test_one_production_per_title_key_and_year():
    first = Production.objects.resolve("The Lost Mill", 2023)
    assert Production.objects.resolve("lost mill", 2023) == first
    assert Production.objects.resolve("Lost Mill", 2024) != first
    undated = Production.objects.resolve("Lost Mill", None)
    assert Production.objects.resolve("THE LOST MILL", None) == undated
    assert Production.objects.count() == 3
    # The database refuses a twin too, undated ones included (NULL years count as equal).
    for year in (2023, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Production.objects.bulk_create(
                [Production(title="x", title_key="lost mill", year=year, slug=f"x-{year}")]
            )


def test_an_editor_is_told_of_a_twin_before_saving_one():
    Production.objects.resolve("Clay Hearts", 2022)
    twin = Production(title="The Clay Hearts", year=2022)
    with pytest.raises(Exception, match="exists already"):
        twin.full_clean()


def test_saving_a_credit_links_it_to_its_production_once_however_it_is_written():
    kiln = company("Kiln Animation")
    bottle = company("Bottle Oven Post")
    a = credited(kiln, "The Brick Lane North", client="Channel 4")
    b = credited(bottle, "brick lane north", client="")
    assert a.work_id == b.work_id is not None
    production = a.work
    assert (production.title, production.year, production.client) == (
        "The Brick Lane North",
        2024,
        "Channel 4",
    )
    # A changed title or year links the credit to the production it now names.
    b.year = 2025
    b.save()
    assert b.work_id != a.work_id and b.work.year == 2025


def test_the_migration_links_every_existing_credit_deduplicating(db):
    kiln = company("Kiln Animation")
    bottle = company("Bottle Oven Post")
    rows = [
        CompanyCredit(company=kiln, production="The Potters", client="", year=2021),
        CompanyCredit(company=bottle, production="Potters!", client="Marl Films", year=2021),
        CompanyCredit(company=bottle, production="The Potters", client="BBC", year=2019),
        CompanyCredit(company=kiln, production="Night Shift", client="", year=None),
        CompanyCredit(company=bottle, production="night shift", client="", year=None),
    ]
    # As the credits were before productions existed: text only (bulk_create skips save()).
    CompanyCredit.objects.bulk_create(rows)
    assert CompanyCredit.objects.filter(work__isnull=True).count() == 5

    link_credits(apps, None)

    credits = {(c.production, c.year): c for c in CompanyCredit.objects.select_related("work")}
    assert not any(c.work_id is None for c in credits.values())
    assert credits[("The Potters", 2021)].work_id == credits[("Potters!", 2021)].work_id
    assert credits[("The Potters", 2019)].work_id != credits[("The Potters", 2021)].work_id
    assert credits[("Night Shift", None)].work_id == credits[("night shift", None)].work_id
    assert Production.objects.count() == 3
    # The first client given becomes the production's; the credits keep their own text.
    assert credits[("The Potters", 2021)].work.client == "Marl Films"
    assert credits[("Potters!", 2021)].production == "Potters!"
    assert len({p.slug for p in Production.objects.all()}) == 3

    link_credits(apps, None)  # run again: nothing more is made
    assert Production.objects.count() == 3


def test_merging_moves_the_credits_and_keeps_the_duplicates_title_findable():
    kiln = company("Kiln Animation")
    bottle = company("Bottle Oven Post")
    kept = credited(kiln, "Brick Lane North", client="Channel 4").work
    duplicate = credited(bottle, "Brik Lane North", client="C4").work  # a typo
    assert kept != duplicate

    assert duplicate.merge_into(kept) == 1
    assert not Production.objects.filter(pk=duplicate.pk).exists()
    credit = bottle.credits.get()
    assert credit.work == kept and credit.production == "Brick Lane North"
    assert ProductionAlias.objects.get().production == kept
    # A member's older revision still naming the duplicate links to the kept one.
    again = CompanyCredit(company=bottle, production="Brik Lane North", year=2024)
    again.save()
    assert again.work == kept and Production.objects.count() == 1
    with pytest.raises(ValueError):
        kept.merge_into(kept)


def test_editors_merge_duplicates_in_the_admin():
    kiln = company("Kiln Animation")
    bottle = company("Bottle Oven Post")
    kept = credited(kiln, "Clay Hearts", 2022).work
    duplicate = credited(bottle, "Clay Heart", 2022).work
    url = reverse("wagtailsnippets_directory_production:merge", args=[kept.pk])

    nobody = Client()
    nobody.force_login(user("nobody@example.com", is_staff=True))
    assert nobody.get(url).status_code in (302, 403)

    browser = Client()
    browser.force_login(editor())
    listing = browser.get(reverse("wagtailsnippets_directory_production:list")).content.decode()
    assert url in listing  # the row's "Merge a duplicate into this…" button
    empty = browser.post(url, {})
    assert empty.status_code == 200
    assert "Choose the duplicate to merge into this production." in empty.content.decode()
    assert Production.objects.count() == 2
    assert browser.post(url, {"duplicate": kept.pk}).status_code == 200  # not itself

    response = browser.post(url, {"duplicate": duplicate.pk})
    assert response.status_code == 302
    assert list(Production.objects.all()) == [kept]
    assert bottle.credits.get().work == kept


def test_editors_and_moderators_may_manage_productions():
    for name in ("Editors", "Moderators"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"change_production", "delete_production"} <= codenames, name


def test_the_import_links_credit_items_to_productions(tmp_path):
    directory_index()
    existing = credited(company("Kiln Animation"), "The Lost Mill", 2023, client="Marl Films").work
    path = tmp_path / "companies.csv"
    path.write_text(
        "name,credits\n"
        'Saggar Post,"lost mill! | Marl Films | 2023 | Colour grade; '
        'Five Towns | Channel 4 | 2024 | Sound"\n',
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_companies", str(path), stdout=out, stderr=StringIO(), verbosity=0)
    saggar = CompanyPage.objects.get(slug="saggar-post")
    works = {c.production: c.work for c in saggar.credits.all()}
    assert works["lost mill!"] == existing
    assert works["Five Towns"].client == "Channel 4" and works["Five Towns"].year == 2024
    assert Production.objects.count() == 2


# -- the pages -----------------------------------------------------------------


@pytest.fixture
def brick_lane():
    productions_page()
    kiln = company("Kiln Animation")
    bottle = company("Bottle Oven Post")
    lapsed = company("Gone Pictures", membership_status="lapsed")
    credited(kiln, "Brick Lane North", role="Stop-motion animation")
    credited(bottle, "The Brick Lane North", role="Colour grade")
    production = credited(lapsed, "Brick Lane North", role="Catering").work
    return production


def test_a_production_page_lists_the_listed_members_credited_with_their_roles(client, brick_lane):
    index = ProductionIndexPage.objects.get()
    url = index.production_url(brick_lane)
    assert url == f"/productions/{brick_lane.slug}/"
    html = client.get(url).content.decode()
    assert "<h1>Brick Lane North</h1>" in html
    kiln = CompanyPage.objects.get(slug="kiln-animation")
    assert f'<a href="{kiln.url}">Kiln Animation</a>' in html
    assert "Stop-motion animation" in html and "Colour grade" in html
    assert "Gone Pictures" not in html and "Catering" not in html
    assert "Channel 4" in html

    listing = client.get("/productions/").content.decode()
    assert f'href="{url}"' in listing and "2 members" in listing


def test_a_production_page_describes_itself_as_a_creative_work(client, brick_lane):
    html = client.get(f"/productions/{brick_lane.slug}/").content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    )
    assert data["@type"] == "CreativeWork" and data["name"] == "Brick Lane North"
    assert data["dateCreated"] == "2024"
    assert data["producer"] == {"@type": "Organization", "name": "Channel 4"}
    assert {c["name"] for c in data["creator"]} == {"Kiln Animation", "Bottle Oven Post"}
    assert data["url"].endswith(f"/productions/{brick_lane.slug}/")


def test_unknown_or_uncredited_productions_are_not_found(client, brick_lane):
    assert client.get("/productions/no-such-thing/").status_code == 404
    only_lapsed = credited(CompanyPage.objects.get(slug="gone-pictures"), "Night Shift").work
    assert client.get(f"/productions/{only_lapsed.slug}/").status_code == 404


def test_production_pages_are_in_the_sitemap(client, brick_lane):
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/productions/{brick_lane.slug}/</loc>" in xml
    assert "/productions/</loc>" in xml
    night = credited(CompanyPage.objects.get(slug="gone-pictures"), "Night Shift").work
    assert f"/productions/{night.slug}/" not in client.get("/sitemap.xml").content.decode()


def test_the_showcase_project_about_a_production_is_linked_from_its_page(client, brick_lane):
    showcase_index()
    kiln = CompanyPage.objects.get(slug="kiln-animation")
    film = project("Brick Lane North: the film", companies=[kiln], production=brick_lane)
    html = client.get(f"/productions/{brick_lane.slug}/").content.decode()
    assert f'<a href="{film.url}">Brick Lane North: the film</a>' in html


def test_a_profiles_credits_link_to_their_production_pages(client, brick_lane):
    kiln = CompanyPage.objects.get(slug="kiln-animation")
    html = client.get(kiln.url).content.decode()
    assert f'<a href="/productions/{brick_lane.slug}/">Brick Lane North</a>' in html


def test_deleting_a_production_in_the_admin_unlinks_its_credits_keeping_their_text(admin_client):
    kiln = company("Kiln Animation")
    production = credited(kiln, "Clay Hearts", 2022).work
    url = reverse("wagtailsnippets_directory_production:delete", args=[production.pk])
    assert admin_client.post(url).status_code == 302
    credit = kiln.credits.get()
    assert credit.work is None and credit.production == "Clay Hearts"


def test_a_lost_race_to_make_a_production_finds_the_one_made(monkeypatch):
    made = Production.objects.resolve("Night Shift", 2020)
    real, calls = ProductionQuerySet.matching, []

    def matching(self, title, year):
        # The first look-up misses, as if another save made it just after.
        calls.append(title)
        return self.none() if len(calls) == 1 else real(self, title, year)

    monkeypatch.setattr(ProductionQuerySet, "matching", matching)
    assert Production.objects.resolve("night shift", 2020) == made
    assert Production.objects.count() == 1 and len(calls) == 2
