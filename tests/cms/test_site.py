"""The site frame: footer settings, navigation, SEO tags, sitemap, robots, error pages, home."""

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

import pytest

from cms.models import SiteSettings
from directory.models import HomePageFeaturedCompany
from tests.cms import factories as f
from tests.directory.factories import company, directory_index, home_page


@pytest.fixture
def site_settings(db):
    home_page()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Kiln Screen Cluster"
    settings.address = "1 Kiln Yard\nHanley"
    settings.email = "hello@kiln.example"
    settings.phone = "01782 123 456"
    settings.footer_text = "The moving-image cluster of the Potteries."
    settings.linkedin_url = "https://www.linkedin.com/company/kiln"
    settings.save()
    return settings


@pytest.mark.django_db
def test_site_settings_are_read_from_the_cache_and_a_save_shows_at_once(
    client, site_settings, redis_cache
):
    f.standard_page("About")
    client.get("/about/")
    with CaptureQueriesContext(connection) as views:
        client.get("/about/")
    site_settings.organisation_name = "Renamed Cluster"
    site_settings.save()
    html = client.get("/about/").content.decode()

    assert not [q for q in views.captured_queries if "cms_sitesettings" in q["sql"]]
    assert "Renamed Cluster" in html and "Kiln Screen Cluster" not in html


@pytest.mark.django_db
def test_site_settings_appear_in_the_footer(client, site_settings):
    f.standard_page("About")
    html = client.get("/about/").content.decode()
    footer = html[html.index('<footer class="site-footer"') :]
    for expected in (
        "Kiln Screen Cluster",
        "1 Kiln Yard<br>Hanley",
        "mailto:hello@kiln.example",
        "tel:01782123456",
        "The moving-image cluster of the Potteries.",
        'href="https://www.linkedin.com/company/kiln"',
    ):
        assert expected in footer, expected
    assert "<title>About · Kiln Screen Cluster</title>" in html


@pytest.mark.django_db
def test_main_navigation_comes_from_the_page_tree(client):
    f.standard_page("About", show_in_menus=True)
    f.standard_page("Hidden", show_in_menus=False)
    html = client.get("/about/").content.decode()
    nav = html[
        html.index('<nav aria-label="Main">') : html.index(
            "</nav>", html.index('aria-label="Main"')
        )
    ]
    assert 'href="/about/" aria-current="page"' in nav
    assert "Hidden" not in nav
    # The menu is a <details> element: it opens without JavaScript.
    assert '<details class="site-nav"' in html and "<summary" in html


@pytest.mark.django_db
def test_frame_landmarks_and_seo_tags(client):
    f.standard_page("About", intro="Who we are, in a sentence.", search_description="")
    html = client.get("/about/").content.decode()
    for expected in (
        '<a class="skip-link" href="#main-content">',
        '<header class="site-header">',
        '<main id="main-content"',
        '<meta name="description" content="Who we are, in a sentence.">',
        '<link rel="canonical" href="http://localhost/about/">',
        '<meta property="og:title" content="About">',
        '<meta property="og:url" content="http://localhost/about/">',
        '<meta name="twitter:card"',
        '<html lang="en-GB">',
    ):
        assert expected in html, expected
    assert "http://cdn" not in html and "https://cdn" not in html


@pytest.mark.django_db
def test_sitemap_lists_live_pages(client):
    f.standard_page("About")
    f.news_page("Story")
    f.news_page("Draft story", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<loc>http://localhost/about/</loc>" in body
    assert "<loc>http://localhost/news/story/</loc>" in body
    assert "draft-story" not in body


@pytest.mark.django_db
def test_robots_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


@pytest.mark.django_db
def test_friendly_404(client):
    home_page()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert '<main id="main-content"' in html


def test_500_page_renders_without_database_or_context():
    # No django_db mark: any query here would raise, so this proves the page needs none.
    html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert "/static/css/site.css" in html


@pytest.mark.django_db
def test_home_page_search_box_targets_the_directory(client):
    directory_index()
    html = client.get("/").content.decode()
    assert '<form class="search-box" role="search" method="get" action="/directory/"' in html
    # Suggestions come from the API, so the page itself runs no extra query.
    assert 'data-suggest-url="/api/v1/directory/suggest"' in html
    assert 'name="q"' in html
    assert '<label for="home-search">' in html


@pytest.mark.django_db
def test_home_page_hero_kicker_is_the_editors_words(client):
    home = home_page()
    assert '<p class="hero__eyebrow">Stoke-on-Trent &amp; Staffordshire</p>' in (
        client.get("/").content.decode()
    )
    home.hero_eyebrow = "Staffordshire Moorlands"
    home.save_revision().publish()
    assert (
        '<p class="hero__eyebrow">Staffordshire Moorlands</p>' in client.get("/").content.decode()
    )
    home.hero_eyebrow = ""
    home.save_revision().publish()
    assert "hero__eyebrow" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_home_page_features_listed_members_only(client):
    home = home_page()
    shown = company("Kiln Animation", strapline="Stop-motion for broadcast")
    lapsed = company("Gone Studio", membership_status="lapsed")
    draft = company("Draft Studio", live=False)
    for order, member in enumerate((shown, lapsed, draft)):
        HomePageFeaturedCompany.objects.create(page=home, company=member, sort_order=order)
    html = client.get("/").content.decode()
    assert "Featured members" in html
    assert "Kiln Animation" in html and "Stop-motion for broadcast" in html
    assert f'href="{shown.url}"' in html
    assert "Gone Studio" not in html
    assert "Draft Studio" not in html


@pytest.mark.django_db
def test_share_image_is_the_featured_image_or_the_default_card(client):
    f.standard_page("About")
    html = client.get("/about/").content.decode()
    assert (
        '<meta property="og:image" content="http://testserver/static/img/og-default.png">' in html
    )
    article = f.news_page("Pictured", featured_image=f.image("Share me"))
    html = client.get(article.url).content.decode()
    assert 'property="og:image" content="http://testserver/media/images/share-me' in html
    assert ".fill-1200x630" in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


@pytest.mark.django_db
def test_standard_page_lists_its_live_subpages(client):
    about = f.standard_page("About")
    f.standard_page("Our board", parent=about, intro="Who runs the cluster.")
    draft = f.standard_page("Secret plans", parent=about)
    draft.unpublish()
    html = client.get("/about/").content.decode()
    assert "In this section" in html
    assert 'href="/about/our-board/"' in html and "Who runs the cluster." in html
    assert "Secret plans" not in html


@pytest.mark.django_db
def test_home_page_title_names_the_site_once(client):
    home = home_page()
    html = client.get("/").content.decode()
    assert "<title>Platform</title>" in html
    home.seo_title = "Screen companies in Staffordshire"
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert "<title>Screen companies in Staffordshire · Platform</title>" in html


@pytest.mark.django_db
def test_an_unhandled_error_shows_the_friendly_500_page(client, monkeypatch):
    from cms.models import StandardPage

    f.standard_page("About")

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(StandardPage, "serve", broken)
    client.raise_request_exception = False
    response = client.get("/about/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
