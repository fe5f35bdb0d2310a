"""The site header: "Sign in" for visitors (one cached page for all), the signed-in
person's name and areas otherwise, and never a signed-in page in the page cache.

On production's caches (the real Redis, ``redis_cache``) with the page cache on.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory

import pytest

from cms import page_cache
from tests.directory.factories import company, directory_index, home_page
from tests.members.factories import PASSWORD, member, user

from .factories import commissioner

pytestmark = pytest.mark.django_db

PAGES = ["/", "/directory/", "/directory/kiln-light/"]


@pytest.fixture
def site(settings, redis_cache):
    settings.PAGE_CACHE_ENABLED = True
    home_page()
    directory_index().save_revision().publish()
    return company("Kiln Light")


def header(response) -> str:
    html = response.content.decode()
    return re.search(r'<header class="site-header">.*?</header>', html, re.S).group(0)


def signed_in(email) -> Client:
    browser = Client()
    assert browser.login(username=email, password=PASSWORD)
    return browser


def test_visitors_without_a_session_all_get_the_same_cached_header(site):
    for url in PAGES:
        first, second = Client().get(url), Client().get(url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit"), url
        assert header(first) == header(second)
        links = header(first)
        assert 'href="/commissioners/login/"' in links and ">Sign in<" in links
        assert "Sign out" not in links and "csrfmiddlewaretoken" not in links


def test_a_commissioner_sees_their_name_lists_account_and_a_sign_out_form(site):
    commissioner("bea@broadcaster.example")
    browser = signed_in("bea@broadcaster.example")
    for url in PAGES:
        response = browser.get(url)
        links = header(response)
        assert "Signed in as <strong>Bea Buyer</strong>" in links, url
        assert 'href="/shortlist/"' in links and 'href="/commissioners/"' in links
        assert "Member dashboard" not in links and ">Sign in<" not in links
        form = re.search(r'<form method="post" action="([^"]+)"[^>]*>.*?</form>', links, re.S)
        assert form.group(1) == "/commissioners/logout/"
        assert 'name="csrfmiddlewaretoken"' in form.group(0)
    # The form signs out (a POST with the page's token).
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', links).group(1)
    response = browser.post("/commissioners/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ">Sign in<" in header(browser.get("/"))


def test_a_member_sees_their_dashboard_and_one_who_is_both_sees_both(site):
    studio = site
    member(studio, "owner@kiln.example")
    links = header(signed_in("owner@kiln.example").get("/directory/"))
    assert 'href="/members/"' in links and "Member dashboard" in links
    assert 'href="/commissioners/"' not in links
    assert 'action="/members/logout/"' in links

    both = commissioner("producer@kiln.example")
    member(studio, both.email)
    links = header(signed_in("producer@kiln.example").get("/directory/"))
    assert "Member dashboard" in links and 'href="/commissioners/"' in links


def test_a_page_rendered_for_a_signed_in_person_is_never_kept(site):
    commissioner("bea@broadcaster.example")
    browser = signed_in("bea@broadcaster.example")
    for url in PAGES:  # on a cold cache: the signed-in view comes first
        response = browser.get(url)
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        anonymous = Client().get(url)
        assert anonymous["X-Page-Cache"] == "miss", url  # nothing was stored for them
        assert "Bea Buyer" not in anonymous.content.decode()
        assert Client().get(url)["X-Page-Cache"] == "hit"


def test_a_signed_in_user_without_a_session_cookie_is_not_kept_either(site):
    """The middleware's last check: whoever the request's user is, their page is theirs."""
    person = user("someone@example.com", first_name="Sam", last_name="One")

    def render_for(who):
        def get_response(request):
            request.user = who
            page_cache.mark_page(request, site)
            return HttpResponse(f"<p>Hello {who}</p>")

        return page_cache.PageCacheMiddleware(get_response)

    request = RequestFactory().get("/directory/kiln-light/")
    response = render_for(person)(request)
    assert "X-Page-Cache" not in response and "no-store" in response["Cache-Control"]
    again = render_for(AnonymousUser())(RequestFactory().get("/directory/kiln-light/"))
    assert again["X-Page-Cache"] == "miss" and person.email not in again.content.decode()
