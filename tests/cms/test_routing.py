"""Sites and pages routed from the cache (cms/routing.py): one query, and never a stale answer.

Run on the real Redis (``redis_cache``), as production routes: every change
to the tree must be routed at once, by the next request.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, Site

import pytest

from cms import routing
from cms.models import NewsPage
from tests.cms import factories as f
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_cache(redis_cache):
    return redis_cache


def routing_queries(path: str) -> list[str]:
    """The statements one request to ``path`` runs to find its site and page."""
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    with CaptureQueriesContext(connection) as captured:
        routing.route_for_request(request, path)
    return [query["sql"] for query in captured.captured_queries]


def found(path: str):
    from django.test import RequestFactory

    result = routing.route_for_request(RequestFactory().get(path), path)
    return None if result is None else result.page


def test_a_page_seen_before_is_routed_in_one_query_with_its_site():
    home_page()
    directory_index().save_revision().publish()
    studio = company("Kiln Animation")
    path = studio.url

    assert found(path).pk == studio.pk  # the walk, remembered
    queries = routing_queries(path)
    assert len(queries) == 1, queries
    page = found(path)
    assert type(page).__name__ == "CompanyPage" and page.pk == studio.pk
    # What the profile's header shows came in the same query, and so did
    # the parent the walk found (templates link to it).
    directory = studio.get_parent()
    with CaptureQueriesContext(connection) as captured:
        assert page.get_parent().pk == directory.pk
        _ = page.logo, page.place
    assert captured.captured_queries == []


def test_the_home_page_and_a_routable_sub_page():
    home_page()
    f.news_index()
    assert found("/").pk == home_page().pk
    assert len(routing_queries("/")) == 1
    # The news index's feed is one of its own routes: reached through the
    # cached index, it is routed by the index as Wagtail would.
    assert Client().get("/news/feed/rss/").status_code == 200
    assert Client().get("/news/feed/rss/").status_code == 200


def test_a_moved_renamed_unpublished_or_deleted_page_is_routed_at_once():
    home_page()
    about = f.standard_page("About", slug="about")
    team = f.standard_page("Team", slug="team", parent=about)
    client = Client()
    assert client.get("/about/team/").status_code == 200
    assert client.get("/about/team/").status_code == 200

    team.slug = "people"
    team.save_revision().publish()
    assert client.get("/about/team/").status_code in (301, 404)  # Wagtail may redirect
    assert client.get("/about/team/").get("Location") in (None, "/about/people/")
    assert client.get("/about/people/").status_code == 200

    team.refresh_from_db()
    team.move(home_page(), pos="last-child")
    moved = client.get("/about/people/")  # Wagtail's redirect from where it was
    assert (moved.status_code, moved["Location"]) == (301, "/people/")
    assert client.get("/people/").status_code == 200

    Page.objects.get(pk=team.pk).specific.unpublish()
    assert client.get("/people/").status_code == 404

    Page.objects.get(pk=about.pk).delete()
    assert client.get("/about/").status_code == 404


def test_an_entry_that_no_longer_matches_its_path_is_not_used(redis_cache):
    """Even if a change were missed, a cached page no longer at the path is not served."""
    home_page()
    about = f.standard_page("About", slug="about")
    contact = f.standard_page("Contact us", slug="contact-us")
    assert found("/about/").pk == about.pk
    # Point the entry for /about/ at another page by hand.
    from django.core.cache import cache

    from cms.page_cache import generation

    site = Site.objects.get(is_default_site=True)
    key = routing._page_key(generation(), site.pk, ["about"])
    cache.set(key, (contact.pk, contact.content_type_id, None))
    assert found("/about/").pk == about.pk


def test_a_new_child_of_a_page_seen_before_is_found():
    home_page()
    index = f.news_index()
    client = Client()
    assert client.get(index.url).status_code == 200
    assert client.get("/news/first-light/").status_code == 404
    f.news_page("First light")
    assert client.get("/news/first-light/").status_code == 200


def test_a_changed_site_is_routed_at_once():
    home_page()
    f.standard_page("About", slug="about")
    other_root = f.standard_page("Elsewhere", slug="elsewhere")
    f.standard_page("Their about", slug="about", parent=other_root)
    assert found("/about/").title == "About"

    site = Site.objects.get(is_default_site=True)
    site.root_page = Page.objects.get(pk=other_root.pk)
    site.save()
    assert found("/about/").title == "Their about"


def test_no_site_for_the_host_is_a_404_every_time():
    home_page()
    Site.objects.update(is_default_site=False, hostname="platform.example")
    client = Client()
    assert client.get("/", HTTP_HOST="elsewhere.example").status_code == 404
    assert client.get("/", HTTP_HOST="elsewhere.example").status_code == 404
    assert client.get("/", HTTP_HOST="platform.example").status_code == 200


def test_drafts_are_not_served_and_editors_still_preview_them(admin_client):
    home_page()
    article = f.news_page("Kiln wins a BAFTA")
    client = Client()
    assert "Kiln wins a BAFTA" in client.get(article.url).text
    article = NewsPage.objects.get(pk=article.pk)
    article.title = "Kiln wins two BAFTAs"
    article.save_revision()  # a draft: the live page is unchanged
    assert "Kiln wins a BAFTA" in client.get(article.url).text
    assert "two BAFTAs" not in client.get(article.url).text
    preview = admin_client.get(f"/admin/pages/{article.pk}/view_draft/")
    assert preview.status_code == 200 and "Kiln wins two BAFTAs" in preview.text
    # Signed in, the live page is the published one too.
    assert "Kiln wins a BAFTA" in admin_client.get(article.url).text


def test_a_signed_in_member_is_routed_the_same_way():
    home_page()
    about = f.standard_page("About", slug="about")
    user = get_user_model().objects.create_user("member", password="x")
    client = Client()
    client.force_login(user)
    assert client.get("/about/").status_code == 200
    assert client.get("/about/").status_code == 200
    assert found("/about/").pk == about.pk
