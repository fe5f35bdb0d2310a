"""News listing: order, pagination, tag and category filters, scheduling, the article page."""

import datetime

from django.utils import timezone

import pytest

from cms import page_cache
from cms.models import NEWS_PAGE_SIZE, NewsPage
from tests.cms import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def titles(response):
    return [article.title for article in response.context["articles"]]


def test_listing_is_newest_first(client):
    f.news_page("Old", date=TODAY - datetime.timedelta(days=30))
    f.news_page("Newest", date=TODAY)
    f.news_page("Middle", date=TODAY - datetime.timedelta(days=3))
    response = client.get("/news/")
    assert response.status_code == 200
    assert titles(response) == ["Newest", "Middle", "Old"]
    html = response.content.decode()
    assert html.index("Newest") < html.index("Middle") < html.index(">Old<")


def test_listing_paginates(client):
    for n in range(NEWS_PAGE_SIZE + 2):
        f.news_page(f"Article {n:02d}", date=TODAY - datetime.timedelta(days=n))
    first = client.get("/news/")
    assert len(titles(first)) == NEWS_PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    second = client.get("/news/?page=2")
    assert titles(second) == [f"Article {n:02d}" for n in (NEWS_PAGE_SIZE, NEWS_PAGE_SIZE + 1)]
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.parametrize("bad", ["abc", "999", "-1", "0", "1.5", "%00", "9" * 40])
def test_bad_page_numbers_never_500(client, bad):
    for n in range(NEWS_PAGE_SIZE + 1):
        f.news_page(f"Article {n}", date=TODAY - datetime.timedelta(days=n))
    response = client.get("/news/", {"page": bad})
    assert response.status_code == 200
    assert len(titles(response)) >= 1


def test_filter_by_tag(client):
    f.news_page("Animated", tags=["animation"])
    f.news_page("Games", tags=["games"])
    response = client.get("/news/?tag=animation")
    assert titles(response) == ["Animated"]
    assert "News tagged “animation”" in response.content.decode()


def test_filter_by_category_and_tag_together(client):
    events = f.category("Events")
    member = f.category("Member news")
    f.news_page("Screening", category=events, tags=["film"])
    f.news_page("Festival", category=events, tags=["games"])
    f.news_page("Commission", category=member, tags=["film"])
    assert set(titles(client.get("/news/?category=events"))) == {"Screening", "Festival"}
    assert titles(client.get("/news/?category=events&tag=film")) == ["Screening"]


@pytest.mark.parametrize("query", ["tag=no-such-tag", "category=nope", "tag=%3Cscript%3E"])
def test_unknown_filters_show_an_empty_explained_list(client, query):
    f.news_page("Something", tags=["animation"], category=f.category())
    response = client.get(f"/news/?{query}")
    assert response.status_code == 200
    assert titles(response) == []
    html = response.content.decode()
    assert "showing no articles" in html
    assert "<script>" not in html


def test_filters_are_kept_across_pages(client):
    for n in range(NEWS_PAGE_SIZE + 1):
        f.news_page(f"Tagged {n}", tags=["vfx"], date=TODAY - datetime.timedelta(days=n))
    html = client.get("/news/?tag=vfx").content.decode()
    assert "?tag=vfx&amp;page=2" in html


def test_drafts_and_scheduled_articles_are_hidden(client):
    f.news_page("Published")
    f.news_page("Draft", live=False)
    scheduled = f.news_page("Scheduled", live=False)
    scheduled.go_live_at = timezone.now() + datetime.timedelta(days=1)
    scheduled.save_revision().publish()  # with a future go-live this only schedules it
    scheduled.refresh_from_db()
    assert not scheduled.live
    assert titles(client.get("/news/")) == ["Published"]
    assert client.get("/news/scheduled/").status_code == 404


def test_scheduled_article_appears_after_publish_scheduled(client):
    from django.core.management import call_command

    page = f.news_page("Later", live=False)
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save()
    call_command("publish_scheduled")
    assert titles(client.get("/news/")) == ["Later"]


def test_article_page_shows_its_parts(client):
    image = f.image("Studio")
    page = f.news_page(
        "Big win",
        author="Jo Bennett",
        intro="A studio wins big.",
        featured_image=image,
        featured_image_alt="Two animators at their desks",
        tags=["animation"],
        category=f.category("Member news"),
        body=[
            ("paragraph", "<p>Body text here.</p>"),
            ("quote", {"quote": "Brilliant.", "attribution": "A producer", "role": "BBC"}),
        ],
    )
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Big win",
        "Jo Bennett",
        "A studio wins big.",
        "Body text here.",
        "Brilliant.",
        'alt="Two animators at their desks"',
        "?tag=animation",
        "?category=member-news",
        'property="og:type" content="article"',
    ):
        assert expected in html, expected


def test_home_page_shows_latest_four_articles(client):
    for n in range(6):
        f.news_page(f"Item {n}", date=TODAY - datetime.timedelta(days=n))
    response = client.get("/")
    assert [a.title for a in response.context["latest_news"]] == [f"Item {n}" for n in range(4)]
    assert "Item 4" not in response.content.decode()


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: renditions generated, caches filled
    client.get(url)  # and the page kept whole by the routing (cms.routing)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_listing_and_home_queries_do_not_grow_with_articles(client):
    def add(n, start):
        for i in range(start, start + n):
            f.news_page(
                f"Story {i}",
                tags=["film", f"tag-{i}"],
                category=f.category(),
                featured_image=f.image(f"Image {i}"),
                featured_image_alt="An image",
                date=TODAY - datetime.timedelta(days=i),
            )

    add(2, 0)
    few = {url: _queries_for(client, url) for url in ("/news/", "/")}
    add(6, 2)
    many = {url: _queries_for(client, url) for url in ("/news/", "/")}
    assert many == few


def test_featured_image_alt_falls_back_to_the_image_description(client):
    picture = f.image("Crew")
    picture.description = "A camera crew filming on a canal towpath"
    picture.save()
    page = f.news_page("Canal shoot", featured_image=picture, featured_image_alt="")
    html = client.get(page.url).content.decode()
    assert 'alt="A camera crew filming on a canal towpath"' in html
    own = f.news_page("Own alt", featured_image=picture, featured_image_alt="Our own words")
    assert 'alt="Our own words"' in client.get(own.url).content.decode()


def test_article_page_lists_related_news_same_category_first(client):
    events = f.category("Events")
    other = f.category("Member news")
    page = f.news_page("Main", category=events)
    f.news_page("Same category", category=events, date=TODAY - datetime.timedelta(days=20))
    f.news_page("Other newer", category=other)
    f.news_page("Other older", category=other, date=TODAY - datetime.timedelta(days=30))
    f.news_page("Other oldest", category=other, date=TODAY - datetime.timedelta(days=40))
    response = client.get(page.url)
    related = [a.title for a in response.context["related_articles"]]
    assert related == ["Same category", "Other newer", "Other older"]
    assert "More news" in response.content.decode()


def test_article_page_has_valid_news_article_json_ld(client):
    import json
    import re

    page = f.news_page("A </script> trick", author="Jo", intro="Intro <b>&</b>")
    html = client.get(page.url).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    data = json.loads(match.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "A </script> trick"
    assert data["author"] == {"@type": "Person", "name": "Jo"}
    assert data["mainEntityOfPage"].endswith(page.url)
    assert "</script> trick" not in match.group(1)


def test_news_cards_read_their_pictures_renditions_in_one_round_trip(client, redis_calls):
    def add(n, start):
        for i in range(start, start + n):
            f.news_page(
                f"Story {i}",
                featured_image=f.image(f"Image {i}", size=(64, 36)),
                featured_image_alt="An image",
                date=TODAY - datetime.timedelta(days=i),
            )

    def trips(url):
        client.get(url)  # renditions made, caches warm
        page_cache.invalidate()
        redis_calls.clear()
        html = client.get(url).content.decode()
        reads = [call for call in redis_calls if call[0] == "renditions"]
        return len(reads), html.count("fill-640x360.format-webp")

    add(2, 0)
    article = NewsPage.objects.get(title="Story 0")
    urls = ("/news/", "/", article.url)
    few = {url: trips(url) for url in urls}
    add(6, 2)
    many = {url: trips(url) for url in urls}
    # More cards on each page, and the same round trips to the rendition cache.
    assert all(many[url][1] > few[url][1] for url in urls), (few, many)
    assert {url: n for url, (n, _shown) in many.items()} == {
        url: n for url, (n, _shown) in few.items()
    }
