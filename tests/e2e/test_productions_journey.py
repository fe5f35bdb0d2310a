"""Productions, end to end in Chromium (issue 18).

A commissioner who knows a production opens its page, sees the member
companies credited on it with their roles, follows one to its profile and
sees when that profile was last updated; from the production page they can
also list every member credited for its broadcaster. axe-core checks the
production page on a desktop and on a phone.
"""

from __future__ import annotations

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from directory.models import CompanyCredit, ProductionIndexPage
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def brick_lane(transactional_db):
    home = home_page()
    home.save_revision().publish()
    directory_index().save_revision().publish()
    productions = home.add_child(
        instance=ProductionIndexPage(title="Productions", slug="productions")
    )
    productions.save_revision().publish()
    for name, role in (
        ("Kiln Light Studio", "Stop-motion animation"),
        ("Saggar Sound", "Sound mix"),
    ):
        studio = company(name, strapline="Work for broadcast")
        CompanyCredit.objects.create(
            company=studio, production="Brick Lane North", client="Channel 4", year=2024, role=role
        )
        studio.save_revision().publish()
    return productions.production_url(CompanyCredit.objects.first().work)


def test_a_commissioner_follows_a_production_to_a_credited_member(
    brick_lane, page: Page, phone_page: Page, axe_check, screenshot
):
    page.goto("/productions/")
    page.get_by_role("link", name="Brick Lane North").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brick Lane North")
    expect(page.locator(".production__meta")).to_contain_text("for Channel 4")
    credits = page.locator(".production-credit")
    expect(credits).to_have_count(2)
    expect(credits.filter(has_text="Saggar Sound")).to_contain_text("Sound mix")
    axe_check(page, "production-desktop")
    screenshot(page, "production-desktop")

    page.get_by_role("link", name="Kiln Light Studio").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiln Light Studio")
    expect(page.locator(".company-hero__updated")).to_have_text(
        f"Updated {timezone.localtime():%B %Y}"
    )

    page.go_back()
    page.get_by_role("link", name="Every member credited for Channel 4").click()
    expect(page.locator(".company-card")).to_have_count(2)

    phone_page.goto(brick_lane)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Brick Lane North")
    axe_check(phone_page, "production-phone")
    screenshot(phone_page, "production-phone")
