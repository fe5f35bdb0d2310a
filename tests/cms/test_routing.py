"""Sites and pages routed from the cache (cms/routing.py): one query, and never a stale answer.

Run on the real Redis (``redis_cache``), as production routes: every change
to the tree must be routed at once, by the next request.
"""

import functools

from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, Site

import pytest

from cms import routing
from cms.models import NewsPage, NewsPageFeature
from cms.page_cache import ROWS_KEY, TAXONOMY_KEY, first_live, generation, shared_token
from directory.models import (
    CompanyCredit,
    CompanyPage,
    DirectoryIndexPage,
    Place,
    Production,
    ProductionIndexPage,
    Sector,
    Skill,
)
from showcase.models import ProjectCredit, ProjectPage
from tests.cms import factories as f
from tests.directory.factories import company, directory_index, home_page
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_cache(redis_cache):
    return redis_cache


def routing_queries(path: str) -> list[str]:
    """The statements one request to ``path`` runs to find its site and page."""
    request = RequestFactory().get(path)
    with CaptureQueriesContext(connection) as captured:
        routing.route_for_request(request, path)
    return [query["sql"] for query in captured.captured_queries]


def found(path: str):
    """The page a request to ``path`` is routed to, or None."""
    result = routing.route_for_request(RequestFactory().get(path), path)
    return None if result is None else result.page


def test_a_page_seen_before_is_routed_without_a_query_with_its_site():
    home_page()
    directory_index().save_revision().publish()
    studio = company("Kiln Animation")
    path = studio.url

    assert found(path).pk == studio.pk  # the walk, remembered as a pointer
    # Loaded by id under its token and its parent's (read first), then kept.
    assert len(routing_queries(path)) == 2
    assert routing_queries(path) == []
    page = found(path)
    assert type(page).__name__ == "CompanyPage" and page.pk == studio.pk
    # What the profile's header shows came with it, and so did the parent
    # the walk found (templates link to it).
    directory = studio.get_parent()
    with CaptureQueriesContext(connection) as captured:
        assert page.get_parent().pk == directory.pk
        _ = page.logo, page.place
    assert captured.captured_queries == []


def test_after_a_publish_elsewhere_a_page_seen_before_is_routed_without_a_query():
    """The first visitor after any other page's publish: no walk, no query."""
    home_page()
    directory = directory_index()
    directory.save_revision().publish()
    studio = company("Kiln Animation")
    path = studio.url
    found(path)
    found(path)
    assert routing_queries(path) == []

    f.news_page("Kiln wins a BAFTA")  # a publish elsewhere: a new generation
    assert routing_queries(path) == []

    # Its own publish, or its parent's, loads it afresh: a renamed company
    # or directory shows its new title at once.
    studio = CompanyPage.objects.get(pk=studio.pk)
    studio.title = "Kiln Studios"
    studio.save_revision().publish()
    assert len(routing_queries(path)) == 1  # the page alone: its parent is unchanged
    assert found(path).title == "Kiln Studios"
    directory = Page.objects.get(pk=directory.pk).specific
    directory.title = "Members"
    directory.save_revision().publish()
    assert found(path).get_parent().title == "Members"
    assert found(path).title == "Kiln Studios"


def test_a_rename_or_move_of_an_ancestor_is_routed_at_once():
    """Descendants' paths are rewritten in SQL, unsaved: the tree's own token goes."""
    home_page()
    about = f.standard_page("About", slug="about")
    team = f.standard_page("Team", slug="team", parent=about)
    for _ in range(3):
        assert found("/about/team/").pk == team.pk
    about = Page.objects.get(pk=about.pk).specific
    about.slug = "about-us"
    about.save_revision().publish()
    assert found("/about/team/") is None
    assert found("/about-us/team/").pk == team.pk
    assert found("/about-us/team/").url_path.endswith("/about-us/team/")
    for _ in range(2):
        found("/about-us/team/")
    Page.objects.get(pk=about.pk).move(home_page(), pos="first-child")
    assert found("/about-us/team/").pk == team.pk  # a move within the same parent

    elsewhere = f.standard_page("Elsewhere", slug="elsewhere")
    Page.objects.get(pk=team.pk).move(elsewhere, pos="last-child")
    assert found("/about-us/team/") is None
    assert found("/elsewhere/team/").pk == team.pk


def test_a_taxonomy_or_image_change_reloads_the_rows_that_come_with_a_page():
    home_page()
    directory_index().save_revision().publish()
    leek = Place.objects.create(name="Leek", slug="leek-test", latitude=53.1, longitude=-2.02)
    studio = company("Kiln Animation", place=leek)
    path = studio.url
    for _ in range(3):
        assert found(path).place.name == "Leek"
    place = CompanyPage.objects.get(pk=studio.pk).place
    place.name = "Leek, Staffordshire"
    place.save()
    assert found(path).place.name == "Leek, Staffordshire"


def test_a_taxonomy_edit_reloads_only_the_pages_whose_type_joins_a_taxonomy(monkeypatch):
    home_page()
    directory_index().save_revision().publish()
    studio = company("Kiln Animation", skills=["Stop motion"])
    f.standard_page("About", slug="about")

    def rename_a_skill():
        skill = Skill.objects.get(slug="stop-motion")
        skill.name = f"{skill.name}!"
        skill.save()

    for _ in range(3):
        found(studio.url), found("/about/")
    # A company's route joins no taxonomy (its profile swaps its place in).
    rename_a_skill()
    assert routing_queries(studio.url) == [] and routing_queries("/about/") == []

    # A page type that joins one is loaded again, with it, in one query.
    monkeypatch.setattr(CompanyPage, "route_select_related", ("logo", "place"))
    uncached = routing._joins_taxonomy.__wrapped__  # answered once per page type
    monkeypatch.setattr(routing, "_joins_taxonomy", functools.cache(uncached))
    found(studio.url)
    assert routing_queries(studio.url) == []
    rename_a_skill()
    assert routing_queries("/about/") == []
    (reloaded,) = routing_queries(studio.url)
    assert '"directory_place"' in reloaded
    assert routing_queries(studio.url) == []


def test_a_renamed_home_page_comes_with_its_site_at_once():
    home = home_page()
    assert routing.site_for_request(RequestFactory().get("/")).root_page.title == home.title
    home = Page.objects.get(pk=home.pk).specific
    home.title = "Platform, the screen cluster"
    home.save_revision().publish()
    site = routing.site_for_request(RequestFactory().get("/"))
    assert site.root_page.title == "Platform, the screen cluster"
    assert found("/").title == "Platform, the screen cluster"


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


def test_an_entry_that_no_longer_matches_its_path_is_not_used():
    """Even if a change were missed, a cached page no longer at the path is not served."""
    home_page()
    about = f.standard_page("About", slug="about")
    contact = f.standard_page("Contact us", slug="contact-us")
    assert found("/about/").pk == about.pk
    # Point the entry for /about/ at another page by hand.
    site = Site.objects.get(is_default_site=True)
    key = routing._page_key(site.pk, ["about"])
    entry = cache.get(key)
    cache.set(key, {**entry, "page": (contact.pk, contact.content_type_id)})
    assert found("/about/").pk == about.pk


def test_a_new_child_of_a_page_seen_before_is_found():
    home_page()
    index = f.news_index()
    client = Client()
    for _ in range(3):  # walked, then kept whole, with its count of children (none)
        assert client.get(index.url).status_code == 200
    assert client.get("/news/first-light/").status_code == 404
    f.news_page("First light")
    assert client.get("/news/first-light/").status_code == 200
    assert "First light" in client.get(index.url).text


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


# --- a routed page's own rows, kept until the next change ---------------------


def test_a_projects_and_a_companys_own_rows_change_at_once_and_previews_show_drafts(
    admin_client,
):
    home_page()
    directory_index().save_revision().publish()
    studio = company("Kiln Animation")
    showcase_index().save_revision().publish()
    work = project("Clay Town", companies=[studio], sectors=["Broadcast"])
    client = Client()
    for page in (work, studio):
        assert client.get(page.url).status_code == 200  # kept now

    work = ProjectPage.objects.get(pk=work.pk)
    work.credits = [ProjectCredit(role="Director", name="Ada Clay")]
    work.save_revision().publish()
    assert "Ada Clay" in client.get(work.url).text

    studio = CompanyPage.objects.get(pk=studio.pk)
    studio.credits = [CompanyCredit(production="Kiln Hour")]
    studio.save_revision().publish()
    assert "Kiln Hour" in client.get(studio.url).text

    # A taxonomy renamed elsewhere shows on the page at once too.
    sector = Sector.objects.get(name="Broadcast")
    sector.name = "Television"
    sector.save()
    assert "Television" in client.get(work.url).text

    # A draft: the live page keeps the published rows, the preview has the draft's.
    work = ProjectPage.objects.get(pk=work.pk)
    work.credits = [ProjectCredit(role="Director", name="Bea Kiln")]
    work.save_revision()
    live = client.get(work.url).text
    assert "Ada Clay" in live and "Bea Kiln" not in live
    preview = admin_client.get(f"/admin/pages/{work.pk}/view_draft/")
    assert preview.status_code == 200
    assert "Bea Kiln" in preview.text and "Ada Clay" not in preview.text
    signed_in = admin_client.get(work.url).text
    assert "Ada Clay" in signed_in and "Bea Kiln" not in signed_in


def test_a_companys_own_rows_outlive_a_publish_elsewhere_and_follow_their_own_changes():
    """Kept under the company's token and the rows epoch (kept_for_page_content)."""
    home_page()
    directory_index().save_revision().publish()
    productions = ProductionIndexPage(title="Productions", slug="productions")
    home_page().add_child(instance=productions)
    productions.save_revision().publish()
    studio = company("Kiln Animation", skills=["Stop motion"])
    studio = CompanyPage.objects.get(pk=studio.pk)
    studio.credits = [CompanyCredit(production="Clay Hour", year=2024)]
    studio.save_revision().publish()
    client = Client()
    for _ in range(3):
        assert client.get(studio.url).status_code == 200

    f.news_page("Kiln wins a BAFTA")  # another page's publish
    with CaptureQueriesContext(connection) as captured:
        page = client.get(studio.url).text
    own = ("directory_skill", "directory_sector", "directory_companycredit", "gallery")
    assert [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in own)] == []
    assert 'href="/productions/clay-hour-2024/"' in page

    # What they show changes at once: the production, the skill, the index.
    work = Production.objects.get(title="Clay Hour")
    work.slug = "clay-hour-series-one"
    work.save()
    assert 'href="/productions/clay-hour-series-one/"' in client.get(studio.url).text
    skill = Skill.objects.get(name="Stop motion")
    skill.name = "Stop-motion animation"
    skill.save()
    assert "Stop-motion animation" in client.get(studio.url).text
    productions = Page.objects.get(pk=productions.pk).specific
    productions.slug = "credits"
    productions.save_revision().publish()
    assert 'href="/credits/' in client.get(studio.url).text


def test_only_the_routed_live_page_is_kept():
    home_page()
    about = f.standard_page("About", slug="about")
    request = RequestFactory().get("/about/")
    routing.route_for_request(request, "/about/")
    routed = request._wagtail_route_for_request.page
    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}

    assert routing.kept_for_routed_page(request, routed, "x", build) == {"n": 1}
    assert routing.kept_for_routed_page(request, routed, "x", build) == {"n": 1}
    other = about.get_latest_revision_as_object()  # what a preview shows
    assert routing.kept_for_routed_page(request, other, "x", build) == {"n": 2}
    request.is_preview = True
    assert routing.kept_for_routed_page(request, routed, "x", build) == {"n": 3}


def test_the_index_pages_the_home_page_links_to_change_at_once():
    """The first live news, directory and showcase pages are kept (cms.page_cache.first_live)."""
    home_page()
    client = Client()
    home = client.get("/").text
    assert "All news" not in home and "Browse all members" not in home

    news = f.news_index()
    f.news_page("Kiln wins a BAFTA")  # "All news" sits under the latest news
    directory = directory_index()
    directory.save_revision().publish()
    home = client.get("/").text
    assert 'href="/news/">All news' in home
    assert "Browse all members" in home

    directory.refresh_from_db()
    directory.unpublish()
    assert "Browse all members" not in client.get("/").text
    news.slug = "stories"
    news.save_revision().publish()
    assert 'href="/stories/">All news' in client.get("/").text


def test_a_long_made_up_path_is_a_404_and_reads_a_bounded_number_of_entries(monkeypatch):
    home_page()
    f.standard_page("About", slug="about")
    client = Client()
    assert client.get("/about/").status_code == 200
    read = []
    backend = caches["default"]  # the Redis cache itself, not the proxy
    real_get_many = backend.get_many
    monkeypatch.setattr(
        backend, "get_many", lambda keys: read.append(len(keys)) or real_get_many(keys)
    )
    assert client.get("/about/" + "x/" * 500).status_code == 404
    assert read and max(read) < 50  # not one for each of the 501 prefixes


def test_the_first_live_index_outlives_other_publishes_and_follows_moves():
    home_page()
    directory = directory_index()
    directory.save_revision().publish()
    assert first_live(DirectoryIndexPage).pk == directory.pk
    f.news_page("Kiln wins a BAFTA")  # another type's publish
    with CaptureQueriesContext(connection) as captured:
        assert first_live(DirectoryIndexPage).pk == directory.pk
    assert captured.captured_queries == []

    about = f.standard_page("About", slug="about")
    Page.objects.get(pk=directory.pk).move(about, pos="last-child")
    assert first_live(DirectoryIndexPage).url_path.endswith("/about/directory/")
    about = Page.objects.get(pk=about.pk).specific
    about.slug = "cluster"
    about.save_revision().publish()
    assert first_live(DirectoryIndexPage).url_path.endswith("/cluster/directory/")
    Page.objects.get(pk=directory.pk).specific.unpublish()
    assert first_live(DirectoryIndexPage) is None


# --- values kept by the page types they read (cms.page_cache.kept_for_types) --


def profile_text(client, studio) -> str:
    response = client.get(studio.url)
    assert response.status_code == 200
    return response.text


def test_a_profile_after_a_publish_elsewhere_runs_no_query_and_follows_its_members(
    admin_client,
):
    home_page()
    directory_index().save_revision().publish()
    showcase_index().save_revision().publish()
    studio = company("Kiln Animation", skills=["Stop motion"])
    partner = company("Trent Models", skills=["Stop motion"])
    project("Clay Town", companies=[studio, partner])
    client = Client()
    for _ in range(3):
        assert "Trent Models" in profile_text(client, studio)

    about = f.standard_page("About", slug="about")
    assert "Clay Town" in profile_text(client, studio)
    f.standard_page("Accessibility", parent=about)  # in no menu, and nothing kept reads it
    with CaptureQueriesContext(connection) as captured:
        assert "Clay Town" in profile_text(client, studio)
    assert captured.captured_queries == []

    # A member's change: the related members and the projects' partners follow.
    partner = CompanyPage.objects.get(pk=partner.pk)
    partner.title = "Trent Model Makers"
    partner.save_revision().publish()
    page = profile_text(client, studio)
    assert "Trent Model Makers" in page and "Trent Models<" not in page

    # A new project and a news article about the studio show at once.
    project("Kiln Nights", companies=[studio])
    assert "Kiln Nights" in profile_text(client, studio)
    article = f.news_page("Kiln wins a BAFTA")
    article.features = [NewsPageFeature(page=Page.objects.get(pk=studio.pk))]
    article.save_revision().publish()
    assert "Kiln wins a BAFTA" in profile_text(client, studio)

    # A preview of the studio with other skills asks for its own related members.
    draft = CompanyPage.objects.get(pk=studio.pk)
    stop_motion = Skill.objects.get(name="Stop motion")
    draft.skills = [Skill.objects.create(name="Puppetry", slug="puppetry", group=stop_motion.group)]
    draft.save_revision()
    preview = admin_client.get(f"/admin/pages/{studio.pk}/view_draft/")
    assert preview.status_code == 200 and "Puppetry" in preview.text
    assert "Members with similar skills" not in preview.text
    assert "Members with similar skills" in profile_text(client, studio)  # the live one's


def test_an_upload_forgets_the_pages_but_not_the_kept_rows_and_an_image_edit_both():
    before = generation(), shared_token(ROWS_KEY)
    picture = f.image("Kiln at night")  # shown nowhere yet
    after_upload = generation(), shared_token(ROWS_KEY)
    assert after_upload[0] != before[0] and after_upload[1] == before[1]
    picture.title = "The kiln at night"  # it may be on any page now
    picture.save()
    assert shared_token(ROWS_KEY) != after_upload[1]
    after_edit = shared_token(ROWS_KEY)
    picture.delete()
    assert shared_token(ROWS_KEY) != after_edit


def test_a_release_forgets_what_the_cache_kept():
    """Data migrations change rows without signals: migrate replaces both row epochs."""
    before = shared_token(ROWS_KEY), shared_token(TAXONOMY_KEY)
    call_command("migrate", verbosity=0)
    after = shared_token(ROWS_KEY), shared_token(TAXONOMY_KEY)
    assert after[0] != before[0] and after[1] != before[1]
