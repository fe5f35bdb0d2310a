"""Whole anonymous pages from the cache (cms/page_cache.py): served, kept current, not leaked."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction, Site

import pytest

from cms.models import SiteSettings
from directory.models import Enquiry
from showcase.models import ProjectPage
from tests.cms import factories as f
from tests.directory.factories import company, directory_index, home_page
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_MAX_AGE = 60
    settings.PAGE_CACHE_SHARED_MAX_AGE = 300


@pytest.fixture
def site():
    """One page of each type, published as an editor would."""
    home_page()
    f.standard_page("About")
    f.news_page("Kiln wins a BAFTA", tags=["awards"], category=f.category())
    directory_index().save_revision().publish()
    studio = company("Kiln Animation", skills=["Stop motion"], sectors=["Broadcast"])
    showcase_index().save_revision().publish()
    project("Clay Town", companies=[studio], skills=["Stop motion"])
    return studio


def get(client, url, **extra):
    """The response and how many SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


PAGES = [
    "/",
    "/about/",
    "/news/",
    "/news/kiln-wins-a-bafta/",
    "/directory/",
    "/directory/?skill=stop-motion&q=animation",
    "/directory/kiln-animation/",
    "/showcase/",
    "/showcase/?skill=stop-motion",
    "/showcase/clay-town/",
]


def test_every_page_type_is_served_from_the_cache_the_second_time(client, site):
    for url in PAGES:
        first, cold = get(client, url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", url
        second, warm = get(client, url)
        assert second["X-Page-Cache"] == "hit", url
        assert warm == 0 < cold, url
        assert second.content == first.content
        check_public(first)
        check_public(second)


def check_public(response):
    """Cacheable by a CDN too, for visitors without cookies, and no one's token or session."""
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "s-maxage=300"} <= control
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content


def test_head_is_answered_from_the_same_entry(client, site):
    client.get("/about/")
    response, queries = get(client, "/about/", REQUEST_METHOD="HEAD")
    assert response["X-Page-Cache"] == "hit" and queries == 0


def test_the_directory_key_is_the_normalised_query(client, site):
    company("Ember Post", skills=["Colour grading", "Stop motion"])
    first = client.get("/directory/?skill=stop-motion&skill=colour-grading")
    assert first["X-Page-Cache"] == "miss"
    for same in [
        "/directory/?skill=colour-grading&skill=stop-motion",
        "/directory/?skill=stop-motion&utm_source=mail&skill=colour-grading",
        "/directory/?skill=stop-motion&skill=colour-grading&skill=stop-motion",
    ]:
        response = client.get(same)
        assert response["X-Page-Cache"] == "hit", same
    assert client.get("/directory/?skill=stop-motion")["X-Page-Cache"] == "miss"
    # Junk parameters make no entry of their own: the plain page's.
    client.get("/directory/")
    assert client.get("/directory/?junk=1&other=2")["X-Page-Cache"] == "hit"


def test_the_showcase_key_is_the_normalised_query(client, site):
    client.get("/showcase/?skill=stop-motion&sector=broadcast")
    response = client.get("/showcase/?sector=broadcast&skill=stop-motion&fbclid=x")
    assert response["X-Page-Cache"] == "hit"


def test_a_query_the_page_explains_is_not_cached(client, site):
    # ?page=0 shows the last page and ?page_size=x a message: neither is "page 1".
    for url in ["/news/?page=0", "/directory/?page_size=x", "/about/?page=x"]:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "miss", url
    assert client.get("/about/")["X-Page-Cache"] == "miss"  # and page 1 was not overwritten


def test_junk_parameters_share_the_plain_page(client, site):
    client.get("/about/")
    assert client.get("/about/?utm_source=x&ref=y")["X-Page-Cache"] == "hit"
    client.get("/news/?tag=awards")
    assert client.get("/news/?tag=awards&utm_source=x")["X-Page-Cache"] == "hit"


def warm(client, url):
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_publishing_shows_on_the_next_request(client, site):
    warm(client, "/directory/kiln-animation/")
    warm(client, "/directory/")
    site.title = "Kiln Animation Studio"
    site.save_revision().publish()
    assert b"Kiln Animation Studio" in client.get("/directory/kiln-animation/").content
    assert b"Kiln Animation Studio" in client.get("/directory/").content


def test_a_draft_or_autosave_keeps_the_cache(client, site):
    warm(client, "/directory/kiln-animation/")
    site.title = "Not yet"
    site.save_revision()
    response = client.get("/directory/kiln-animation/")
    assert response["X-Page-Cache"] == "hit" and b"Not yet" not in response.content


def test_unpublishing_and_deleting_show_on_the_next_request(client, site):
    warm(client, "/showcase/clay-town/")
    warm(client, "/about/")
    ProjectPage.objects.get(slug="clay-town").unpublish()
    assert client.get("/showcase/clay-town/").status_code == 404
    f.StandardPage.objects.get(slug="about").delete()
    assert client.get("/about/").status_code == 404


def test_moving_shows_on_the_next_request(client, site):
    warm(client, "/about/")
    warm(client, "/news/")
    about = f.StandardPage.objects.get(slug="about")
    about.move(f.news_index(), pos="last-child")
    moved = client.get("/about/")  # Wagtail leaves a redirect behind
    assert moved.status_code == 301 and moved["Location"] == "/news/about/"
    assert client.get("/news/about/").status_code == 200


def test_taxonomy_changes_show_on_the_next_request(client, site):
    warm(client, "/directory/kiln-animation/")
    skill = site.skills.get()
    skill.name = "Claymation"
    skill.save()
    assert b"Claymation" in client.get("/directory/kiln-animation/").content


def test_site_settings_show_on_the_next_request(client, site):
    warm(client, "/")
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.organisation_name = "Platform Cluster CIC"
    settings_row.save()
    assert b"Platform Cluster CIC" in client.get("/").content


def test_signed_in_people_get_their_own_page(client, site):
    warm(client, "/about/")
    user = get_user_model().objects.create_user("editor", password="x", is_superuser=True)
    client.force_login(user)
    response = client.get("/about/")
    assert "X-Page-Cache" not in response
    control = response["Cache-Control"]
    assert "private" in control and "no-store" in control
    assert b"csrfmiddlewaretoken" not in Client().get("/about/").content
    assert Client().get("/about/")["X-Page-Cache"] == "hit"


def test_what_a_signed_in_person_sees_is_never_kept(client, site):
    user = get_user_model().objects.create_user("member", password="x")
    client.force_login(user)
    client.get("/about/")
    assert Client().get("/about/")["X-Page-Cache"] == "miss"


def test_a_page_with_a_csrf_token_is_never_cached(client, site):
    f.contact_page()
    first = client.get("/contact/")
    assert b"csrfmiddlewaretoken" in first.content
    assert "X-Page-Cache" not in first
    assert "private" in first["Cache-Control"]
    second = Client().get("/contact/")
    assert "X-Page-Cache" not in second
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value


def test_posts_are_never_answered_from_the_cache(client, site):
    warm(client, "/about/")
    response = client.post("/about/", {})
    assert "X-Page-Cache" not in response


def test_the_contact_form_still_needs_its_token(site):
    f.contact_page()
    response = Client(enforce_csrf_checks=True).post("/contact/", {"message": "hello"})
    assert response.status_code == 403


ENQUIRY = {
    "name": "Ada Producer",
    "email": "ada@broadcaster.example",
    "message": "We need a stop-motion title sequence for a six-part drama in spring.",
}


def test_the_cached_profile_takes_an_enquiry_from_this_site(site):
    browser = Client(enforce_csrf_checks=True)
    warm(browser, "/directory/kiln-animation/")
    response = browser.post(
        "/directory/kiln-animation/enquiry/",
        ENQUIRY,
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert Enquiry.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_REFERER": "https://evil.example/form.html"},
    ],
)
def test_an_enquiry_posted_from_another_site_is_refused(site, headers):
    response = Client(enforce_csrf_checks=True).post(
        "/directory/kiln-animation/enquiry/", ENQUIRY, **headers
    )
    assert response.status_code == 403
    assert Enquiry.objects.count() == 0


def test_the_cache_can_be_switched_off(client, site, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/about/")
    assert "X-Page-Cache" not in client.get("/about/")


def test_a_password_protected_page_is_never_cached_and_its_form_still_works(client, site):
    warm(client, "/about/")
    about = f.StandardPage.objects.get(slug="about")
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    form = client.get("/about/")  # the restriction emptied the cache: no stale public copy
    assert "X-Page-Cache" not in form and b"csrfmiddlewaretoken" in form.content
    url = f"/_util/authenticate_with_password/{restriction.pk}/{about.pk}/"
    response = client.post(url, {"password": "s3cret", "return_url": "/about/"})
    assert response.status_code == 302
    page = client.get("/about/")
    assert page.status_code == 200 and "X-Page-Cache" not in page
    assert "X-Page-Cache" not in Client().get("/about/")  # others still get the form
