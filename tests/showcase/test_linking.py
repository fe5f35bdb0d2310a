"""Projects and companies lead to each other; the home page shows featured work."""

from django.template.loader import render_to_string

import pytest

from tests.directory.factories import company
from tests.showcase.factories import project

pytestmark = pytest.mark.django_db


def test_a_project_links_to_its_listed_companies_with_their_roles(client):
    kiln = company("Kiln Light")
    potbank = company("Potbank Post")
    lapsed = company("Gone Away", membership_status="lapsed")
    page = project("Clay Hearts", companies=[(kiln, "Animation"), (potbank, "Grade"), lapsed])
    html = client.get(page.url).content.decode()
    assert f'href="{kiln.url}"' in html and "Animation" in html
    assert f'href="{potbank.url}"' in html and "Grade" in html
    assert "Gone Away" not in html


def test_a_company_lists_the_live_projects_it_took_part_in(django_assert_max_num_queries):
    kiln = company("Kiln Light")
    other = company("Potbank Post")
    project("Clay Hearts", companies=[(kiln, "Stop-motion animation"), other], year=2023)
    project("Saggar", companies=[(kiln, "Character design")], year=2025)
    project("Not Theirs", companies=[other])
    project("Draft", companies=[kiln], live=False)

    html = render_to_string("showcase/includes/company_projects.html", {"page": kiln})
    assert html.index("Saggar") < html.index("Clay Hearts")  # newest first
    assert "Stop-motion animation" in html and "Character design" in html
    assert "Not Theirs" not in html and "Draft" not in html
    # On its own page a card names the partners, not the company itself.
    assert "With Potbank Post" in html
    assert "By Kiln Light" not in html and "With Kiln Light" not in html

    for n in range(5):
        project(f"More {n}", companies=[kiln, company(f"Partner {n}")])
    render_to_string("showcase/includes/company_projects.html", {"page": kiln})  # warm up
    with django_assert_max_num_queries(10):
        html = render_to_string("showcase/includes/company_projects.html", {"page": kiln})
    assert html.count('class="card project-card"') == 7


def test_a_company_without_projects_shows_no_empty_section():
    html = render_to_string("showcase/includes/company_projects.html", {"page": company("Quiet")})
    assert "Projects" not in html


def test_home_page_shows_featured_projects_only():
    kiln = company("Kiln Light")
    project("Star Turn", companies=[kiln], featured=True)
    project("Also Ran", companies=[kiln])
    project("Hidden Star", companies=[kiln], featured=True, live=False)
    html = render_to_string("showcase/includes/home_featured_projects.html", {})
    assert "Star Turn" in html
    assert "Also Ran" not in html and "Hidden Star" not in html
    assert 'href="/showcase/"' in html


def test_news_that_features_a_project_or_company_shows_on_its_page(client):
    import datetime

    from cms.models import NewsPageFeature
    from tests.cms.factories import news_page

    kiln = company("Kiln Light")
    page = project("Clay Hearts", companies=[kiln])
    older = news_page("Clay Hearts wins at Annecy", date=datetime.date(2025, 6, 14))
    newer = news_page("Kiln Light opens a second studio", date=datetime.date(2025, 9, 1))
    draft = news_page("Embargoed", live=False)
    NewsPageFeature.objects.create(news_page=older, page=page)
    NewsPageFeature.objects.create(news_page=older, page=kiln)
    NewsPageFeature.objects.create(news_page=newer, page=kiln)
    NewsPageFeature.objects.create(news_page=draft, page=page)

    html = client.get(page.url).content.decode()
    assert "In the news" in html and "Clay Hearts wins at Annecy" in html
    assert "Embargoed" not in html and "second studio" not in html

    html = render_to_string("showcase/includes/company_projects.html", {"page": kiln})
    assert html.index("second studio") < html.index("wins at Annecy")  # newest first


def test_the_home_page_includes_featured_work(client):
    kiln = company("Kiln Light")
    page = project("Star Turn", companies=[kiln], featured=True)
    html = client.get("/").content.decode()
    assert "Featured work" in html
    assert f'href="{page.url}"' in html


def test_a_project_page_suggests_more_work_by_the_same_companies(client):
    kiln = company("Kiln Light")
    other = company("Potbank Post")
    page = project("Clay Hearts", companies=[kiln], year=2024)
    project("Saggar", companies=[kiln, other], year=2025)
    project("Not Theirs", companies=[other])
    project("Kiln Draft", companies=[kiln], live=False)
    response = client.get(page.url)
    titles = [p.title for p in response.context["more_projects"]]
    assert titles == ["Saggar"]
    assert "More from Kiln Light" in response.content.decode()
