"""Hostile input on every public view: NUL and other control characters never give a 500.

PostgreSQL refuses NUL in any string, so before ``cms.middleware`` these were
500s there: ``/news/?tag=%00``, ``/news/?category=%00``, ``/showcase/?skill=%00``
and ``/api/v1/directory/companies/%00``. CI runs this file on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cms.factories import category, news_index, news_page
from tests.directory.factories import company, home_page
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db

# Characters PostgreSQL refuses (NUL) or that mean nothing in a URL, and the
# odd ones out: a lone surrogate cannot be encoded, so it is left to the client.
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from("\x00\x01\x08\x0b\x1f\x7f\t\n\r%'\"<>&;\\/ "),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
)

# (path, the parameters it reads)
LISTINGS = [
    ("/news/", ["tag", "category", "page"]),
    ("/showcase/", ["skill", "sector", "company", "year", "page", "q"]),
    ("/directory/", ["q", "skill", "sector", "place", "near", "radius", "sort", "page"]),
    ("/api/v1/directory/search", ["q", "skill", "sector", "place", "near", "page"]),
    ("/api/v1/directory/suggest", ["q", "limit"]),
    ("/search/", ["q", "page"]),
]
DETAIL_PREFIXES = ["/api/v1/directory/companies/", "/directory/", "/news/", "/showcase/", "/"]


@pytest.fixture
def site():
    home_page()
    news_index()
    news_page("Kiln news", tags=["stop motion"], category=category())
    kiln = company("Kiln Light")
    showcase_index()
    project("Clay reel", companies=[kiln])


@pytest.mark.parametrize(
    "url",
    [
        "/news/?tag=%00",
        "/news/?category=%00",
        "/showcase/?skill=%00",
        "/api/v1/directory/companies/%00",
        "/directory/?q=%00&skill=%00",
        "/directory/kiln%00light/",
        "/%00/",
    ],
)
def test_the_urls_that_broke_on_postgresql(client, site, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


def test_a_nul_in_a_parameter_is_an_empty_value_not_a_different_search(client, site):
    plain = client.get("/news/").content.decode()
    assert client.get("/news/?tag=%00").status_code == 200
    assert "Kiln news" in plain and "Kiln news" in client.get("/news/?tag=%00").content.decode()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    listing=st.sampled_from(LISTINGS),
    values=st.lists(st.tuples(st.integers(0, 7), HOSTILE), min_size=1, max_size=4),
)
def test_hostile_parameters_never_500(client, site, listing, values):
    path, names = listing
    pairs = [(names[index % len(names)], value) for index, value in values]
    response = client.get(f"{path}?{urlencode(pairs)}")
    assert response.status_code < 500, (path, pairs, response.status_code)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.sampled_from(DETAIL_PREFIXES), segment=HOSTILE.filter(lambda s: s.strip("/")))
def test_hostile_path_segments_never_500(client, site, prefix, segment):
    response = client.get(prefix + quote(segment, safe="") + "/")
    assert response.status_code < 500, (prefix, segment, response.status_code)


def test_public_pages_send_a_strict_content_security_policy_and_permissions_policy(client, site):
    response = client.get("/directory/")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline scripts, no other origins
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions
    assert 'fullscreen=(self "https://www.youtube-nocookie.com"' in permissions


def test_the_admin_has_its_own_policy(admin_client):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "object-src 'none'" in policy and "frame-ancestors 'self'" in policy
