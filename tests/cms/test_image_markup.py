"""Images reserve their box (width and height) and those below the fold load lazily."""

from html.parser import HTMLParser

import pytest

from tests.cms import factories as f
from tests.directory.factories import company, directory_index

pytestmark = pytest.mark.django_db


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append(dict(attrs))


def images(client, url) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    parser = Images()
    parser.feed(response.content.decode())
    return parser.found


def assert_sized(found):
    for img in found:
        assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), img


def test_directory_cards_load_lazily_after_the_first_row(client):
    directory_index().save_revision().publish()
    for n in range(5):
        company(f"Studio {n}", logo=f.image(f"logo {n}", size=(200, 200)))
    found = [img for img in images(client, "/directory/") if "96" in img.get("width", "")]
    assert len(found) == 5
    assert_sized(found)
    assert [img.get("loading") for img in found] == [None, None, None, "lazy", "lazy"]


def test_a_news_article_hero_is_eager_and_its_cards_lazy(client):
    hero = f.image("hero", size=(1600, 900))
    f.news_page("First", featured_image=hero)
    f.news_page("Second", featured_image=f.image("second"))
    article = images(client, "/news/first/")
    assert_sized(article)
    assert article and article[0].get("loading") is None  # the featured picture, at the top
    listing = images(client, "/news/")
    assert_sized(listing)
    assert listing and all(img.get("loading") == "lazy" for img in listing)
