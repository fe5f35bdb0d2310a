"""The shared page factories build a real, servable page tree."""

import pytest

from directory.models import CompanyPage

from .factories import PlaceFactory, company, directory_index, home_page

pytestmark = pytest.mark.django_db


def test_home_page_becomes_the_site_root(client):
    home = home_page()
    assert home.url == "/"
    assert home_page().pk == home.pk  # idempotent


def test_company_is_published_under_the_directory_with_its_taxonomies(client):
    stoke = PlaceFactory(name="Test Town", slug="test-town")
    page = company(
        "Clay Pixel Studio",
        skills=["Stop motion", "Compositing"],
        sectors=["Advertising"],
        place=stoke,
        credits=2,
    )
    assert page.get_parent().specific == directory_index()
    assert page.live and page.live_revision_id is not None
    stored = CompanyPage.objects.get(pk=page.pk)
    assert sorted(s.slug for s in stored.skills.all()) == ["compositing", "stop-motion"]
    assert [s.slug for s in stored.sectors.all()] == ["advertising"]
    assert stored.credits.count() == 2
    assert stored.place == stoke
    assert page.url == "/directory/clay-pixel-studio/"


def test_draft_company_is_not_live():
    page = company("Draft Films", live=False)
    assert not CompanyPage.objects.get(pk=page.pk).live
