"""The demo seeder: 30+ projects with generated posters, idempotent, offline."""

import io

import pytest

from directory.models import ProductionIndexPage
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


def test_some_demo_projects_are_about_a_production_their_lead_is_credited_on(oembed, client):
    home = home_page()
    home.add_child(instance=ProductionIndexPage(title="Productions", slug="productions"))
    for n in range(5):
        company(f"Demo Studio {n}", skills=[f"Demo skill {n}"], credits=2)
    demo.seed(io.StringIO(), {})
    about = ProjectPage.objects.live().exclude(production=None).select_related("production")
    assert about.count() >= 3
    assert len({p.production_id for p in about}) == about.count()  # one project per production
    for project in about:
        assert project.title == project.production.title
        lead = project.project_companies.first().company
        assert lead.credits.filter(work=project.production).exists()
    project = about.first()
    html = client.get(f"/productions/{project.production.slug}/").content.decode()
    assert f'<a href="{project.url}">{project.title}</a>' in html
