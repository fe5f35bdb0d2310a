"""Editors manage a company in the admin, tab by tab."""

from __future__ import annotations

import re

import pytest

from directory.models import CompanyPage
from tests.directory.factories import (
    PlaceFactory,
    SectorFactory,
    SkillFactory,
    company,
    directory_index,
)

pytestmark = pytest.mark.django_db

TABS = ["Profile", "Services", "Location", "Media", "Contact", "Membership", "Promote"]


def test_the_edit_form_has_a_tab_for_each_part_of_the_profile(admin_client):
    page = company("Kiln Light", skills=["Stop motion"], credits=2)
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    tabs = re.findall(r'role="tab"[^>]*>\s*(?:<[^>]+>\s*)*([A-Z][a-z]+)', html)
    assert [t for t in tabs if t in TABS] == TABS, tabs
    for field in (
        "strapline",
        "logo",
        "about",
        "skills",
        "sectors",
        "service_area",
        "place",
        "latitude",
        "showreel_url",
        "website",
        "email",
        "linkedin_url",
        "membership_status",
        "verified",
        "joined_at",
        "credits-TOTAL_FORMS",
        "gallery_images-TOTAL_FORMS",
    ):
        assert f'name="{field}' in html, field


def test_an_editor_publishes_a_new_company_from_the_admin(admin_client):
    index = directory_index()
    skill = SkillFactory(name="Colour grading", slug="colour-grading")
    sector = SectorFactory(name="TV drama", slug="tv-drama")
    leek = PlaceFactory(name="Leek", slug="leek")
    data = {
        "title": "Saggar Post",
        "slug": "saggar-post",
        "strapline": "Colour and finishing",
        "about": '{"blocks": [], "entityMap": {}}',
        "skills": [skill.pk],
        "sectors": [sector.pk],
        "service_area": "national",
        "place": leek.pk,
        "email": "hello@saggar.example",
        "membership_status": "active",
        "joined_at": "2024-01-02 10:00",
        "credits-TOTAL_FORMS": "1",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "credits-0-production": "Five Towns",
        "credits-0-client": "BBC Three",
        "credits-0-year": "2024",
        "credits-0-role": "Grade",
        "credits-0-ORDER": "1",
        "credits-0-DELETE": "",
        "credits-0-id": "",
        "gallery_images-TOTAL_FORMS": "0",
        "gallery_images-INITIAL_FORMS": "0",
        "gallery_images-MIN_NUM_FORMS": "0",
        "gallery_images-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    response = admin_client.post(f"/admin/pages/add/directory/companypage/{index.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = CompanyPage.objects.get(slug="saggar-post")
    assert page.live and page.place == leek and page.service_area == "national"
    assert list(page.skills.all()) == [skill] and list(page.sectors.all()) == [sector]
    assert [c.production for c in page.credits.all()] == ["Five Towns"]


def test_editors_still_preview_a_lapsed_members_page(admin_client, rf, admin_user, client):
    page = company("Lapsed Films", membership_status="lapsed")
    assert client.get(page.url).status_code == 410  # gone for the public
    request = rf.get(page.url)
    request.user = admin_user
    response = page.serve_preview(request, page.default_preview_mode)
    assert response.status_code == 200
    assert "Lapsed Films" in response.rendered_content
