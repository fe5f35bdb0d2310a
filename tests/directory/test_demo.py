"""The directory's demo seeder: curated companies through Wagtail, synthetic ones in bulk."""

from __future__ import annotations

from io import StringIO

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from wagtail.models import Page

import pytest

from directory import demo
from directory.models import (
    CompanyPage,
    DirectoryIndexPage,
    Production,
    ProductionIndexPage,
    updated_month_number,
)
from directory.search import run_search
from directory.search.base import SearchQuery
from directory.search.database import DatabaseBackend
from directory.search.models import CompanySearchEntry
from tests.directory.factories import home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed(companies):
    out = StringIO()
    demo.seed(out, {"companies": companies})
    return out.getvalue()


def test_seeds_sixty_plausible_companies_once():
    home_page()
    output = seed(60)
    index = DirectoryIndexPage.objects.get()
    assert index.url == "/directory/" and index.live
    companies = CompanyPage.objects.child_of(index).prefetch_related("skills", "sectors", "credits")
    assert companies.count() == 60 and all(c.live for c in companies)
    assert "60 companies created" in output

    listed = [c for c in companies if c.is_listed]
    assert 50 <= len(listed) < 60  # a few lapsed members
    assert any(c.verified for c in companies) and not all(c.verified for c in companies)
    assert len({c.place_id for c in companies}) >= 20  # spread over the gazetteer
    assert len({s.pk for c in companies for s in c.skills.all()}) >= 30
    assert len({s.pk for c in companies for s in c.sectors.all()}) >= 10
    for company in companies:
        assert company.logo and company.logo.description  # alt text
        assert company.skills.all() and company.sectors.all() and company.credits.all()
        assert company.place and company.email
        productions = [credit.production for credit in company.credits.all()]
        assert len(set(productions)) == len(productions)  # no production twice
    assert sum(bool(c.showreel) for c in companies) >= 40
    assert companies.get(slug="kiln-light-studio").showreel  # the first member shows one

    # Varied ages: some stale (the staleness report and reminders have work), some confirmed.
    stale = CompanyPage.objects.child_of(index).listed().stale()
    assert 10 <= stale.count() <= 35
    assert len({c.updated_at.date() for c in companies}) >= 40
    assert sum(c.confirmed_at is not None for c in companies) >= 5
    # Search breaks ties by the same dates: the entries took them after dating.
    months = dict(CompanySearchEntry.objects.values_list("company_id", "updated_month"))
    assert months == {c.pk: updated_month_number(c.updated_at) for c in listed}
    assert len(set(months.values())) > 3

    pages = Page.objects.count()
    dates = sorted(CompanyPage.objects.values_list("pk", "last_published_at", "confirmed_at"))
    again = seed(60)
    assert Page.objects.count() == pages
    assert "0 companies created, 60 already there" in again
    assert sorted(CompanyPage.objects.values_list("pk", "last_published_at", "confirmed_at")) == (
        dates
    )


def test_seeds_the_productions_page_with_productions_many_members_share(client):
    home_page().save_revision().publish()
    seed(20)
    index = ProductionIndexPage.objects.get()
    assert index.url == "/productions/" and index.live
    assert client.get("/productions/").status_code == 200
    # One production per title: every company crediting a title credits the same one.
    shared = (
        Production.objects.with_listed_credits()
        .annotate(members=Count("credits__company", distinct=True))
        .order_by("-members")
    )
    busiest = shared.first()
    assert busiest.members >= 3
    assert Production.objects.exclude(client="").count() >= Production.objects.count() // 2
    assert Production.objects.values("title_key").distinct().count() == Production.objects.count()
    html = client.get(f"/productions/{busiest.slug}/").content.decode()
    for credit in busiest.credits.select_related("company"):
        if credit.company.is_listed:
            assert credit.company.title in html


def test_profiles_of_seeded_companies_render(client):
    home_page().save_revision().publish()
    seed(3)
    for company in CompanyPage.objects.all():
        response = client.get(company.url)
        assert response.status_code == 200, company.url
        html = response.content.decode()
        assert company.title in html
        # The first few have a gallery of generated stills, captioned.
        gallery = list(company.gallery_images.all())
        assert len(gallery) == 3
        assert all(item.caption in html for item in gallery)


def test_synthetic_companies_are_bulk_created_as_real_pages(client, django_assert_max_num_queries):
    home_page().save_revision().publish()
    seed(2)
    index = DirectoryIndexPage.objects.get()
    out = StringIO()
    made = demo.bulk_create_companies(index, 250, out, batch_size=100)
    assert made == 250
    synthetic = CompanyPage.objects.filter(slug__startswith=demo.SYNTHETIC_PREFIX)
    assert synthetic.count() == 250
    # The tree stays consistent: treebeard agrees, and Wagtail serves them.
    assert Page.find_problems() == ([], [], [], [], [])
    index.refresh_from_db()
    assert index.numchild == 252
    page = synthetic.order_by("path").last()
    assert page.url == f"/directory/{page.slug}/"
    assert page.skills.exists() and page.sectors.exists() and page.place
    assert client.get(page.url).status_code == 200
    # Bulk creation sends no signals, so the search entries are rebuilt at the end.
    assert CompanySearchEntry.objects.filter(company__slug__startswith="member-").count() == 250
    # Idempotent: the numbered companies exist already.
    assert demo.bulk_create_companies(index, 250, StringIO()) == 0
    # A new child added by Wagtail after the bulk rows gets a fresh path.
    from tests.directory.factories import company

    assert company("After Bulk").live


def test_seed_with_more_companies_adds_synthetic_ones(monkeypatch):
    home_page()
    monkeypatch.setattr(demo, "CURATED", demo.CURATED[:3])  # quick: 3 curated, then bulk
    output = seed(5)
    assert CompanyPage.objects.filter(slug__startswith="member-").count() == 2
    assert CompanyPage.objects.count() == 5
    assert "2 synthetic companies created in bulk" in output


def test_without_home_page_it_explains():
    assert "no home page" in seed(5)


def test_five_hundred_companies_are_all_found_by_the_directory_search(monkeypatch):
    """`seed_demo --companies 500`: every listed company is searchable (database backend)."""
    from django.http import QueryDict

    from directory.search import run_search
    from directory.search.query import parse_search_params

    # As on a new site (and as a CI run once found by chance): the planner's
    # statistics say the tables are empty when the bulk load starts. Without
    # fresh statistics after the load, the facet counts below took minutes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE main")
    home_page()
    monkeypatch.setattr(demo, "CURATED", demo.CURATED[:4])  # quick: 4 curated, 496 in bulk
    seed(500)
    assert CompanyPage.objects.count() == 500
    listed = [c.pk for c in CompanyPage.objects.all() if c.is_listed]
    assert len(listed) == 500  # none of the first four curated companies has lapsed

    def search(query_string):
        return run_search(parse_search_params(QueryDict(query_string)))

    everything = search("page_size=50")
    assert everything.backend == "database"
    assert everything.total == 500
    # Facets count every company; a skill filter, text and "near" narrow the same set.
    skill = max(everything.facets["skill"], key=lambda value: value.count)
    assert search(f"skill={skill.slug}").total == skill.count > 0
    kiln = search("q=kiln")
    assert 0 < kiln.total < 500
    assert "Kiln Light Studio" in [hit.title for hit in search("q=kiln+light&page_size=50").hits]
    near = search("near=st4&radius=200")
    assert near.total == 500
    assert search("near=st4&radius=3").total < 500


def test_seeded_companies_say_every_kind_of_availability_and_privacy():
    home_page()
    seed(12)
    companies = list(CompanyPage.objects.listed())
    labels = {c.availability_label.split(" ")[0] for c in companies if c.availability_label}
    assert {"Available", "Booked", "Availability"} <= labels  # now/from, booked, unconfirmed
    assert any(c.availability_label.startswith("Available from") for c in companies)
    assert any(not c.availability for c in companies)
    assert {c.email_visibility for c in companies} == {"everyone", "commissioners"}
    assert {c.phone_visibility for c in companies} == {"everyone", "commissioners", "nobody"}
    today = run_search(SearchQuery(available_by=timezone.localdate()), backend=DatabaseBackend())
    later = run_search(
        SearchQuery(available_by=timezone.localdate() + timezone.timedelta(days=90)),
        backend=DatabaseBackend(),
    )
    assert 0 < today.total < later.total
