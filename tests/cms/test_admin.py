"""The admin screens editors use: every page type's add/edit form, settings and categories."""

from django.urls import reverse

from wagtail.models import Site

import pytest

from cms.models import HomePage
from directory.models import HomePageFeaturedCompany, featured_members
from tests.cms import factories as f
from tests.directory.factories import company, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def test_edit_and_add_forms_open_for_every_page_type(admin_client):
    home = home_page()
    news = f.news_page("Story", featured_image=f.image())
    about = f.standard_page("About")
    contact = f.contact_page()
    for page in (home, news.get_parent(), news, about, contact):
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, page
    for app_model, parent in (
        ("newspage", news.get_parent()),
        ("standardpage", home),
        ("contactpage", about),
    ):
        url = reverse("wagtailadmin_pages:add", args=["cms", app_model, parent.pk])
        assert admin_client.get(url).status_code == 200, app_model


def test_home_page_editor_offers_featured_members(admin_client):
    home = home_page()
    member = company("Kiln Animation")
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert "Featured members" in edit.content.decode()
    HomePageFeaturedCompany.objects.create(page=home, company=member, sort_order=0)
    assert featured_members(HomePage.objects.get()) == [member.specific]


def test_site_settings_and_categories_are_editable(admin_client):
    home_page()
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["cms", "sitesettings", site.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Social links" in response.content.decode()
    f.category("Events")
    listing = admin_client.get(reverse("wagtailsnippets_cms_newscategory:list"))
    assert listing.status_code == 200
    assert "Events" in listing.content.decode()
