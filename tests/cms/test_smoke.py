import pytest

from tests.cms import factories as f

pytestmark = pytest.mark.django_db


def test_pages_render(client):
    f.news_page("Hello world", tags=["animation"], category=f.category(), featured_image=f.image())
    f.standard_page("About")
    f.contact_page()
    for url in [
        "/",
        "/news/",
        "/news/hello-world/",
        "/about/",
        "/contact/",
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/sitemap.xml",
        "/robots.txt",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/nope/").status_code == 404
