"""Profiles that stay current, end to end in Chromium (issue 18).

A company's profile has not changed for most of a year. The daily command
emails its member a reminder; the member opens the link (no sign-in), sees
one button and confirms. A commissioner then finds the company in the
directory and sees "Updated <this month>" on the card and the profile, and
the editor's staleness report records the confirmation. axe-core checks the
public pages on the way.
"""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from directory.models import CompanyPage
from tests.directory.factories import company, directory_index, home_page
from tests.members.factories import member

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "pilot@glaze-drones.example"


@pytest.fixture
def quiet_company(transactional_db):
    home_page()
    directory_index().save_revision().publish()
    glaze = company("Glaze Drone Unit", strapline="Aerial filming over the Potteries")
    member(glaze, MEMBER_EMAIL)
    long_ago = timezone.now() - datetime.timedelta(days=300)
    CompanyPage.objects.filter(pk=glaze.pk).update(last_published_at=long_ago)
    return glaze, long_ago


def reminder_path() -> str:
    [message] = [m for m in mail.outbox if MEMBER_EMAIL in m.to]
    link = re.search(r"https?://\S+/members/still-accurate/\S+/", message.body).group(0)
    return "/" + link.split("/", 3)[3]


def test_a_member_confirms_from_the_reminder_and_a_commissioner_sees_the_date(
    quiet_company, editor_page: Page, new_context, axe_check, screenshot
):
    glaze, long_ago = quiet_company
    before = f"Updated {timezone.localtime(long_ago):%B %Y}"
    now = f"Updated {timezone.localtime():%B %Y}"

    # 1. The daily command emails the member (the outbox sends it: inline in tests).
    call_command("send_profile_reminders")
    path = reminder_path()

    # 2. The member opens the link in their own browser, not signed in.
    member_page = new_context().new_page()
    member_page.goto(path)
    expect(member_page.get_by_role("heading", level=1)).to_contain_text("Glaze Drone Unit")
    axe_check(member_page, "freshness-still-accurate")
    screenshot(member_page, "freshness-still-accurate")
    member_page.get_by_role("button", name="Yes, it is still accurate").click()
    expect(member_page.get_by_role("heading", name="Thank you")).to_be_visible()
    axe_check(member_page, "freshness-thanks")

    # The same link a second time: it worked once.
    member_page.goto(path)
    expect(member_page.get_by_role("heading", name="Already confirmed")).to_be_visible()
    expect(member_page.get_by_role("link", name="Sign in to the members area")).to_be_visible()
    axe_check(member_page, "freshness-link-used")

    # 3. A commissioner finds the company: the card and the profile say this month.
    commissioner = new_context().new_page()
    commissioner.goto("/directory/?q=aerial")
    card = commissioner.locator(".company-card", has_text="Glaze Drone Unit")
    expect(card.locator(".company-card__updated")).to_have_text(now)
    axe_check(commissioner, "freshness-directory")
    card.get_by_role("link", name="Glaze Drone Unit").click()
    expect(commissioner.locator(".company-hero__updated")).to_have_text(now)
    assert before != now
    axe_check(commissioner, "freshness-profile")
    screenshot(commissioner, "freshness-profile")

    # 4. The editor's staleness report records the reminder and its answer.
    editor_page.goto("/admin/members/stale-profiles/")
    row = editor_page.locator("tr", has_text="Glaze Drone Unit")
    expect(row).to_contain_text(f"Sent {timezone.localtime():%-d %b %Y} to {MEMBER_EMAIL}")
    expect(row).to_contain_text("confirmed")
    expect(row).not_to_contain_text("not confirmed")
