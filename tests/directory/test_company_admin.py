"""Editors manage a company in the admin, tab by tab."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

import pytest

from directory.models import LIVE_ROW_FIELDS, CompanyPage
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


def _edit_data(page, **changes) -> dict:
    """The company editor's form as an editor sends it, with ``changes``."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "strapline": page.strapline,
        "about": '{"blocks": [], "entityMap": {}}',
        "service_area": page.service_area,
        "email": page.email,
        "phone": page.phone,
        "membership_status": page.membership_status,
        "joined_at": page.joined_at.strftime("%Y-%m-%d %H:%M"),
        **{
            f"{name}-{part}": value
            for name in ("credits", "gallery_images")
            for part, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    data.update(changes)
    return data


def _members_choice(page, **values) -> None:
    """What the members' area does: the live row, at once, no revision."""
    CompanyPage.objects.filter(pk=page.pk).update(**values)


def test_editors_see_the_members_availability_and_contact_choices_read_only(admin_client):
    page = company(
        "Kiln Light",
        availability="from",
        availability_date=datetime.date(2027, 3, 1),
        availability_confirmed_at=timezone.now(),
        email_visibility="nobody",
        phone_visibility="everyone",
    )
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert "Available from a date" in html
    assert "1 Mar 2027" in html
    assert "Nobody (enquiries only)" in html and "Everyone" in html
    assert "set by the member" in html
    # Shown, not editable: no input carries these fields.
    for name in LIVE_ROW_FIELDS:
        assert f'name="{name}"' not in html, name


def test_an_editor_publishing_a_company_keeps_the_members_latest_choices(admin_client):
    page = company("Kiln Light", availability="now", availability_confirmed_at=timezone.now())
    edit_url = f"/admin/pages/{page.pk}/edit/"
    # The editor saves a draft: its revision carries the member's choices as they were.
    response = admin_client.post(edit_url, _edit_data(page, strapline="Draft strapline"))
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmed = timezone.now()
    _members_choice(
        page,
        availability="booked",
        availability_date=datetime.date(2027, 5, 31),
        availability_confirmed_at=confirmed,
        email_visibility="everyone",
        phone_visibility="nobody",
    )
    # Even a form that sends the fields (by hand) does not write them.
    sneaky = {"availability": "now", "email_visibility": "nobody", "phone_visibility": "everyone"}
    data = _edit_data(page, strapline="Published strapline", **sneaky)
    response = admin_client.post(edit_url, {**data, "action-publish": "publish"})
    assert response.status_code == 302, response.content.decode()[:2000]
    live = CompanyPage.objects.get(pk=page.pk)
    assert live.strapline == "Published strapline"
    assert live.latest_revision.content["strapline"] == "Published strapline"
    assert (live.availability, live.availability_date) == ("booked", datetime.date(2027, 5, 31))
    assert live.availability_confirmed_at == confirmed
    assert (live.email_visibility, live.phone_visibility) == ("everyone", "nobody")
