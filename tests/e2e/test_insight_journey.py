"""Cluster insight in Chromium: an editor acts on a thin search; a member reads their numbers.

The editor pins a company for a search that found nothing and marks another
as a skills gap, from the report (axe-core on the report with its actions);
a commissioner then sees the pick first on the directory page, labelled; the
member reads their own insight by month, on a desktop and on a phone.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from insight.models import CompanyDailyCount, CompanySearchDay, SearchEvent
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def insight_site(transactional_db):
    home_page()
    directory_index().save_revision().publish()
    crew = company("Moorland Aerial Crew", skills=["Camera hire"])
    today = timezone.localdate()
    for days in range(0, 150, 5):
        CompanyDailyCount.objects.create(
            company=crew, day=today - datetime.timedelta(days=days), views=3, appearances=9
        )
    CompanySearchDay.objects.create(company=crew, day=today, text="camera hire", appearances=6)
    for text in ("drone filming", "underwater filming"):
        SearchEvent.objects.create(
            at=timezone.now(), source="page", text=text, total=0, backend="database"
        )
    return crew


def test_an_editor_pins_a_company_and_marks_a_gap(
    insight_site, editor_page: Page, new_context, axe_check, screenshot
):
    crew = insight_site
    admin = editor_page
    admin.goto("/admin/reports/searches/")
    axe_check(admin, "insight-report")
    admin.get_by_role("link", name="Pin a company for “drone filming”").click()
    admin.get_by_label("Company to show first").select_option(label=crew.title)
    admin.get_by_role("button", name="Pin the company").click()
    expect(admin.get_by_text(f"{crew.title} is now the editor's pick")).to_be_visible()
    admin.get_by_role("link", name="Mark as a skills gap for “underwater filming”").click()
    admin.get_by_label("Note").fill("No member films underwater yet.")
    admin.get_by_role("button", name="Mark the skills gap").click()
    expect(admin.get_by_text("“underwater filming” is marked as a skills gap")).to_be_visible()
    admin.goto("/admin/reports/searches/")  # the report itself, without the message
    expect(admin.get_by_role("heading", name="Skills gaps")).to_be_visible()
    expect(admin.get_by_role("cell", name="No member films underwater yet.").first).to_be_visible()
    expect(admin.get_by_text(f"Editor's pick: {crew.title}")).to_be_visible()
    axe_check(admin, "insight-report-with-actions")
    screenshot(admin, "insight-report-with-actions")

    # A commissioner's search now shows the pick first, labelled in words.
    commissioner = new_context().new_page()
    commissioner.goto("/directory/?q=drone+filming")
    picks = commissioner.get_by_role("region", name=re.compile("Editor’s pick"))
    expect(picks.get_by_role("link", name=crew.title)).to_be_visible()
    expect(picks.get_by_text("Editor’s pick", exact=True)).to_be_visible()
    axe_check(commissioner, "directory-with-editors-pick")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_a_member_reads_their_insight(insight_site, request, device, axe_check, screenshot):
    from tests.members.factories import PASSWORD, member

    browser_page: Page = request.getfixturevalue(device)
    crew = insight_site
    person = member(crew, f"{device}@moorland.example")
    browser_page.goto("/members/login/")
    browser_page.get_by_label("Email address").fill(person.email)
    browser_page.get_by_label("Password").fill(PASSWORD)
    browser_page.get_by_role("button", name="Sign in").click()
    expect(browser_page.get_by_role("heading", name="How commissioners find you")).to_be_visible()
    browser_page.get_by_role("link", name=re.compile("Your insight by month")).click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text(
        f"How commissioners find {crew.title}"
    )
    months = browser_page.get_by_role("table").first
    expect(months.get_by_role("row")).to_have_count(1 + 6)
    expect(browser_page.get_by_role("cell", name="camera hire")).to_be_visible()
    expect(browser_page.get_by_role("img", name="Profile views")).to_be_visible()
    axe_check(browser_page, f"members-insight-{device}")
    assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(browser_page, f"members-insight-{device}")
