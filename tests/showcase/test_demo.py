"""The demo seeder: 30+ projects with generated posters, idempotent, offline."""

import io

import pytest

from showcase import demo
from showcase.models import ProjectPage
from tests.directory.factories import company, home_page

pytestmark = pytest.mark.django_db


def test_seed_makes_projects_across_companies_without_the_network(oembed):
    home_page()
    companies = [
        company(f"Demo Studio {n}", skills=[f"Demo skill {n}"], sectors=[f"Demo sector {n % 3}"])
        for n in range(5)
    ]
    out = io.StringIO()
    demo.seed(out, {})
    projects = ProjectPage.objects.live()
    assert projects.count() >= 30
    assert all(p.poster_id for p in projects)
    assert projects.filter(featured=True).exists()
    used = {c for p in projects for c in p.project_companies.values_list("company_id", flat=True)}
    assert used == {c.pk for c in companies}
    assert oembed.calls == []  # embeds were stored, never fetched
    assert "32 projects created" in out.getvalue()

    demo.seed(io.StringIO(), {})
    assert ProjectPage.objects.count() == projects.count()


def test_seed_without_companies_explains_and_makes_nothing():
    home_page()
    out = io.StringIO()
    demo.seed(out, {})
    assert ProjectPage.objects.count() == 0
    assert "no member companies" in out.getvalue()
