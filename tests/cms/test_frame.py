"""The site frame's page-tree parts (main navigation, feed links) are cached and kept current."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from cms.models import NewsIndexPage, StandardPage
from tests.cms import factories as f

pytestmark = pytest.mark.django_db


def nav(client, url="/"):
    html = client.get(url).content.decode()
    start = html.index('<nav aria-label="Main">')
    return html[start : html.index("</nav>", start)]


def frame_queries(client, url):
    """SQL queries that mention the page tree's menu flag or the news index table."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    found = []
    for query in queries.captured_queries:
        where = query["sql"].partition("WHERE")[2]
        if '"show_in_menus"' in where or 'FROM "cms_newsindexpage"' in query["sql"]:
            found.append(query["sql"])
    return found


def test_the_frame_is_read_from_the_tree_once_then_from_the_cache(client):
    f.standard_page("About", show_in_menus=True)
    f.news_index()
    assert frame_queries(client, "/about/")  # cold: read from the tree
    assert frame_queries(client, "/about/") == []  # warm: no tree queries
    html = client.get("/about/").content.decode()
    assert 'href="/news/feed/rss/"' in html and 'href="/news/feed/atom/"' in html


def test_publishing_unpublishing_moving_and_privacy_update_the_menu(client):
    about = f.standard_page("About", show_in_menus=True)
    assert "About" in nav(client)  # now cached

    team = f.standard_page("Team", show_in_menus=True)
    assert "Team" in nav(client)  # a new page

    team.title = "Our team"
    team.save_revision().publish()
    assert "Our team" in nav(client)  # a renamed page

    team.unpublish()
    assert "Our team" not in nav(client)  # an unpublished page

    about.move(f.standard_page("Parent", show_in_menus=False), pos="last-child")
    assert "About" not in nav(client)  # moved out of the top level

    parent = StandardPage.objects.get(title="Parent")
    parent.show_in_menus = True
    parent.save_revision().publish()
    assert "Parent" in nav(client)
    restriction = PageViewRestriction.objects.create(
        page=parent, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Parent" not in nav(client)  # private pages leave the menu
    restriction.delete()
    assert "Parent" in nav(client)
    parent.delete()
    assert "Parent" not in nav(client)


def test_a_page_below_the_menu_leaves_the_frame_cached_and_a_news_index_does_not(client):
    about = f.standard_page("About", show_in_menus=True)
    assert frame_queries(client, "/about/")  # read from the tree
    f.standard_page("Team", show_in_menus=True, parent=about)  # a grandchild: in no menu
    assert frame_queries(client, "/about/") == []
    news = f.news_index()
    assert 'href="/news/feed/rss/"' in client.get("/about/").text
    news = NewsIndexPage.objects.get(pk=news.pk)
    news.slug = "stories"
    news.save_revision().publish()
    assert 'href="/stories/feed/rss/"' in client.get("/about/").text
