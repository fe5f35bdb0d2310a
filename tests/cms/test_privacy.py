"""Private pages stay private while public page views skip the privacy queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction, get_page_models

import pytest

from cms.privacy import CachedPrivacyMixin
from tests.cms import factories as f

pytestmark = pytest.mark.django_db


def restriction_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q for q in queries.captured_queries if "pageviewrestriction" in q["sql"]]


@pytest.mark.parametrize("cache", ["locmem", "redis"])
def test_a_restriction_takes_effect_at_once_though_public_views_ask_nothing(client, request, cache):
    if cache == "redis":
        request.getfixturevalue("redis_cache")
    page = f.standard_page("Members only")
    article = f.news_page("Open news")
    client.get(page.url)
    public_view, asked = restriction_queries(client, page.url)

    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    private_view, _ = restriction_queries(client, page.url)
    news_index = client.get("/news/").content.decode()
    restriction.delete()
    public_again, _ = restriction_queries(client, page.url)

    assert public_view.status_code == 200 and asked == []
    assert private_view.status_code == 302 and "/login" in private_view["Location"]
    assert article.title in news_index  # other pages are still public
    assert public_again.status_code == 200


def test_a_private_section_leaves_the_news_listing(client):
    f.news_page("Open news")
    PageViewRestriction.objects.create(
        page=f.news_index(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/")

    assert "Open news" not in response.content.decode()


def test_every_page_type_uses_the_cached_privacy_check():
    ours = [m for m in get_page_models() if m is not Page]
    assert ours and [m for m in ours if not issubclass(m, CachedPrivacyMixin)] == []
