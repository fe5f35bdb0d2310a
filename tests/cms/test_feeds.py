"""RSS 2.0 and Atom 1.0 feeds of the news, parsed as XML, and their links in the head."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from tests.cms import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def articles():
    today = datetime.date.today()
    f.news_page(
        "Older story",
        date=today - datetime.timedelta(days=5),
        author="Sam",
        tags=["games"],
        category=f.category("Member news"),
    )
    f.news_page("Fresh story", date=today, intro="Fresh intro & more")
    f.news_page("Unpublished story", live=False)


def test_rss_feed_is_valid_rss(client, articles):
    response = client.get("/news/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title").startswith("News")
    assert channel.findtext("link") == "http://localhost/news/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Fresh story", "Older story"]
    fresh, older = items
    assert fresh.findtext("link") == "http://localhost/news/fresh-story/"
    assert fresh.findtext("description") == "Fresh intro & more"
    assert fresh.findtext("pubDate")
    assert fresh.findtext("guid") == "http://localhost/news/fresh-story/"
    assert {c.text for c in older.findall("category")} == {"Member news", "games"}


def test_atom_feed_is_valid_atom(client, articles):
    response = client.get("/news/feed/atom/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id")
    assert root.findtext(f"{ATOM}updated")
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://localhost/news/feed/atom/"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Fresh story", "Older story"]
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/news/")
    assert entries[1].find(f"{ATOM}author").findtext(f"{ATOM}name") == "Sam"


def test_every_page_links_to_both_feeds(client, articles):
    f.standard_page("About")
    for url in ("/", "/about/", "/news/"):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in html
        assert 'href="/news/feed/rss/"' in html
        assert 'href="/news/feed/atom/"' in html
