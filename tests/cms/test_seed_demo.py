"""seed_demo builds the whole demo site, and running it again changes nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from wagtail.images import get_image_model
from wagtail.models import Page, Site

import pytest

from cms.models import HomePage, NewsCategory, NewsPage, SiteSettings
from directory.models import featured_members

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "news": NewsPage.objects.live().count(),
        "images": get_image_model().objects.count(),
        "categories": NewsCategory.objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


def test_seed_demo_builds_the_site_and_is_idempotent(client, settings):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "seed-demo"
    out = io.StringIO()
    call_command("seed_demo", "--companies", "0", stdout=out)
    first = counts()
    output = out.getvalue()
    assert "sign in at /admin/ as 'editor'" in output

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()
    assert first["news"] >= 12
    assert all(
        page.featured_image_id and page.featured_image_alt for page in NewsPage.objects.all()
    )
    assert SiteSettings.for_site(site).footer_text
    for url in ("/", "/about/", "/join/", "/contact/", "/news/", "/news/feed/rss/"):
        assert client.get(url).status_code == 200, url

    again = io.StringIO()
    call_command("seed_demo", "--companies", "0", stdout=again)
    assert counts() == first
    assert "already" in again.getvalue()


def test_demo_editor_can_publish_news_and_edit_settings(settings):
    from django.contrib.auth import get_user_model

    from cms.models import NewsIndexPage

    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "seed-demo"
    call_command(
        "seed_demo", "--companies", "0", "--editor-password", "Demo-pass-123", stdout=io.StringIO()
    )
    editor = get_user_model().objects.get(username="editor")
    assert not editor.is_superuser
    assert editor.check_password("Demo-pass-123")
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("cms.change_sitesettings")
    news = NewsIndexPage.objects.get()
    permissions = news.permissions_for_user(editor)
    assert permissions.can_add_subpage()
    assert permissions.can_publish_subpage()


def test_feature_members_picks_listed_companies_with_logos_first(settings):
    from cms.models import HomePage
    from directory.demo import feature_members
    from tests.cms.factories import image
    from tests.directory.factories import company, home_page

    settings.MEDIA_ROOT = settings.MEDIA_ROOT / "seed-demo"
    home_page()
    company("No Logo Ltd")
    company("Lapsed Ltd", membership_status="lapsed", logo=image("Lapsed logo"))
    with_logo = company("Logo Studio", logo=image("Logo"))
    out = io.StringIO()
    feature_members(out)
    featured = featured_members(HomePage.objects.get())
    assert [c.title for c in featured] == [with_logo.title, "No Logo Ltd"]
    feature_members(out)  # idempotent
    assert len(featured_members(HomePage.objects.get())) == 2
