"""Who sees a member's email and phone (``directory.contact_privacy``), in every representation.

Each company chooses for its email and its phone: everyone, signed-in
commissioners (active users in the "Commissioners" group), or nobody. The
profile page, its JSON-LD and the API follow the choice for an anonymous
visitor, a member (signed in, not a commissioner) and a commissioner; the
sitemap and the feeds never carry contact details; the enquiry form works
whatever is chosen; and the page cache hands neither kind of page to the other.
"""

from __future__ import annotations

import json
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client

import pytest

from directory.contact_privacy import (
    COMMISSIONERS_GROUP,
    DEFAULT_VISIBILITY,
    ContactVisibility,
    can_see,
)
from directory.models import CompanyPage
from tests.cms.factories import news_index, news_page
from tests.directory.factories import company, directory_index, home_page
from tests.members.factories import member

pytestmark = pytest.mark.django_db

EMAIL = "hello@kiln.example"
PHONE = "01782 123456"
EVERYONE, COMMISSIONERS, NOBODY = (
    ContactVisibility.EVERYONE,
    ContactVisibility.COMMISSIONERS,
    ContactVisibility.NOBODY,
)


def commissioner(email="producer@broadcaster.example", *, active=True):
    person = get_user_model().objects.create_user(email, email=email, is_active=active)
    # The data migration made the group; the commissioners app fills it.
    person.groups.add(Group.objects.get(name=COMMISSIONERS_GROUP))
    return person


def studio(email_visibility, phone_visibility):
    home_page()
    directory_index().save_revision().publish()
    return company(
        "Kiln Animation",
        skills=["Stop motion"],
        email=EMAIL,
        phone=PHONE,
        email_visibility=email_visibility,
        phone_visibility=phone_visibility,
    )


def browser(viewer, page):
    client = Client()
    if viewer == "member":
        client.force_login(member(page))
    elif viewer == "commissioner":
        client.force_login(commissioner())
    return client


def organization(html: str) -> dict:
    for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(text)
        if data.get("@type") == "Organization":
            return data
    raise AssertionError("no Organization JSON-LD on the page")


def test_the_group_exists_and_the_default_is_signed_in_commissioners():
    assert Group.objects.filter(name=COMMISSIONERS_GROUP).exists()
    assert DEFAULT_VISIBILITY == COMMISSIONERS
    page = company("Plain Studio", email=EMAIL)
    assert (page.email_visibility, page.phone_visibility) == (COMMISSIONERS, COMMISSIONERS)


def test_only_active_signed_in_commissioners_count_as_commissioners():
    assert can_see(AnonymousUser(), EVERYONE)
    assert not can_see(AnonymousUser(), COMMISSIONERS)
    assert not can_see(None, COMMISSIONERS)
    someone = get_user_model().objects.create_user("someone@example.com")
    assert not can_see(someone, COMMISSIONERS)
    assert can_see(commissioner(), COMMISSIONERS)
    assert not can_see(commissioner("gone@example.com", active=False), COMMISSIONERS)
    assert not can_see(commissioner("other@example.com"), NOBODY)
    assert not can_see(commissioner("odd@example.com"), "banana")


# (email's visibility, phone's visibility): every choice for each, never the same for both.
CHOICES = [(EVERYONE, NOBODY), (COMMISSIONERS, EVERYONE), (NOBODY, COMMISSIONERS)]
VIEWERS = ["anonymous", "member", "commissioner"]


def sees(viewer, visibility) -> bool:
    return visibility == EVERYONE or (visibility == COMMISSIONERS and viewer == "commissioner")


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("email_visibility", "phone_visibility"), CHOICES)
def test_the_page_its_json_ld_and_the_api_show_what_was_chosen(
    viewer, email_visibility, phone_visibility
):
    page = studio(email_visibility, phone_visibility)
    client = browser(viewer, page)
    email_shown, phone_shown = sees(viewer, email_visibility), sees(viewer, phone_visibility)

    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert (EMAIL in html) is email_shown
    assert (PHONE in html) is phone_shown
    assert ("tel:01782123456" in html) is phone_shown
    assert 'id="enquiry"' in html and 'name="message"' in html  # the form always works

    data = organization(html)
    assert data.get("email") == (EMAIL if email_shown else None)
    assert data.get("telephone") == (PHONE if phone_shown else None)

    api = client.get(f"/api/v1/directory/companies/{page.slug}")
    assert api.status_code == 200
    body = api.json()
    assert body["email"] == (EMAIL if email_shown else None)
    assert body["phone"] == (PHONE if phone_shown else None)
    # The answer depends on who asks: no shared cache may keep it for another.
    assert "Cookie" in api.get("Vary", "")
    assert "private" in api.get("Cache-Control", "")


def test_a_company_showing_everything_to_everyone_answers_the_same_to_all():
    page = studio(EVERYONE, EVERYONE)
    api = Client().get(f"/api/v1/directory/companies/{page.slug}").json()
    assert (api["email"], api["phone"]) == (EMAIL, PHONE)


def test_commissioners_are_told_there_is_more_and_nobody_is_told_what():
    page = studio(COMMISSIONERS, NOBODY)
    html = Client().get(page.url).content.decode()
    assert "Signed-in commissioners see more contact details" in html
    CompanyPage.objects.filter(pk=page.pk).update(email_visibility=NOBODY)
    assert "Signed-in commissioners see more" not in Client().get(page.url).content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_sitemap_and_the_feeds_carry_no_contact_details(viewer):
    page = studio(EVERYONE, EVERYONE)
    news_page("Kiln wins a BAFTA")
    index = news_index()
    client = browser(viewer, page)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert page.slug in sitemap
    for feed in ("feed/rss/", "feed/atom/"):
        response = client.get(f"{index.url}{feed}")
        assert response.status_code == 200
        assert EMAIL not in response.content.decode()
    assert EMAIL not in sitemap and PHONE not in sitemap


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_a_commissioner_never_gets_the_cached_anonymous_page(page_cache_on):
    page = studio(COMMISSIONERS, COMMISSIONERS)
    assert Client().get(page.url)["X-Page-Cache"] == "miss"
    cached = Client().get(page.url)
    assert cached["X-Page-Cache"] == "hit"
    assert EMAIL not in cached.content.decode()

    response = browser("commissioner", page).get(page.url)
    assert "X-Page-Cache" not in response
    assert EMAIL in response.content.decode() and PHONE in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_an_anonymous_visitor_never_gets_a_commissioners_page(page_cache_on):
    page = studio(COMMISSIONERS, EVERYONE)
    seen = browser("commissioner", page).get(page.url)
    assert EMAIL in seen.content.decode()
    first = Client().get(page.url)
    assert first["X-Page-Cache"] == "miss"  # the commissioner's page was not kept
    again = Client().get(page.url)
    assert again["X-Page-Cache"] == "hit"
    for response in (first, again):
        html = response.content.decode()
        assert EMAIL not in html and PHONE in html
    assert "Cookie" in again["Vary"]  # a CDN keeps anonymous and signed-in apart too


def test_a_changed_choice_shows_on_the_next_cached_view(page_cache_on):
    page = studio(EVERYONE, EVERYONE)
    Client().get(page.url)
    assert EMAIL in Client().get(page.url).content.decode()
    live = CompanyPage.objects.get(pk=page.pk)
    live.email_visibility = NOBODY
    live.save(update_fields=["email_visibility"], clean=False)  # as the member's form does
    response = Client().get(page.url)
    assert response["X-Page-Cache"] == "miss"
    assert EMAIL not in response.content.decode()
