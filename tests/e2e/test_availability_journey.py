"""Availability and contact privacy end to end in Chromium (issue 17).

A member says they are booked until a date and hides their phone from the
public, both applied at once; a mistyped past date is refused by its field. A
commissioner (in the Commissioners group) and an anonymous visitor filter the
directory by the day after: both find the company with its availability on
the card; only the commissioner sees the email on the profile. axe-core on
every page on the way, the member's on a phone too.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from directory.contact_privacy import COMMISSIONERS_GROUP
from tests.directory.factories import company, directory_index, home_page
from tests.members.factories import PASSWORD, member

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "owner@saggar-sound.example"
STUDIO_EMAIL = "studio@saggar-sound.example"


@pytest.fixture
def studio(transactional_db):
    home_page().save_revision().publish()
    directory_index().save_revision().publish()
    saggar = company("Saggar Sound", skills=["Foley"], email=STUDIO_EMAIL, phone="01782 555123")
    member(saggar, MEMBER_EMAIL)
    return saggar


def member_signs_in(page: Page) -> None:
    page.goto("/members/login/")
    page.get_by_label("Email address").fill(MEMBER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saggar Sound")


def test_a_member_sets_availability_and_privacy_and_commissioners_find_them(
    studio, phone_page: Page, new_context, axe_check, screenshot
):
    booked = timezone.localdate() + datetime.timedelta(days=14)
    member_signs_in(phone_page)
    phone_page.goto(f"/members/companies/{studio.pk}/edit/")
    axe_check(phone_page, "availability-edit-profile")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # A day already gone is refused by its field, the choice kept.
    phone_page.get_by_label("Booked until a date").check()
    phone_page.get_by_label("Booked until (the last busy day)").fill("2020-01-01")
    phone_page.get_by_role("button", name="Save availability").click()
    expect(phone_page.get_by_text("That day has passed")).to_be_visible()
    expect(phone_page.get_by_label("Booked until a date")).to_be_checked()
    axe_check(phone_page, "availability-refused")

    phone_page.get_by_label("Booked until (the last busy day)").fill(booked.isoformat())
    phone_page.get_by_role("button", name="Save availability").click()
    label = f"Booked until {booked.day} {booked:%B %Y}"
    expect(phone_page.locator(".members-messages")).to_contain_text(label)
    expect(phone_page.get_by_role("button", name="Still right")).to_be_visible()
    axe_check(phone_page, "availability-dashboard")
    screenshot(phone_page, "availability-dashboard")

    phone_page.goto(f"/members/companies/{studio.pk}/contact-privacy/")
    axe_check(phone_page, "contact-privacy")
    phone_page.get_by_role("group", name="Who sees your phone number?").get_by_label(
        "Nobody (enquiries only)"
    ).check()
    phone_page.get_by_role("button", name="Save contact privacy").click()
    expect(phone_page.locator(".members-messages")).to_contain_text("Saved")

    # A commissioner and an anonymous visitor search for the day after.
    producer = get_user_model().objects.create_user(
        "producer@broadcaster.example", password=PASSWORD
    )
    producer.groups.add(Group.objects.get(name=COMMISSIONERS_GROUP))
    after = (booked + datetime.timedelta(days=1)).isoformat()
    commissioner = new_context().new_page()
    anonymous = new_context().new_page()
    for page in (commissioner, anonymous):
        page.goto("/directory/")
        summary = page.locator("summary", has_text="Filters")
        if summary.is_visible():  # the filters fold away on small screens only
            summary.click()
        day = page.get_by_label("Free for new work by")
        day.fill(booked.isoformat())
        day.press("Enter")  # submits the search form, with or without JavaScript
        expect(page.get_by_text("No companies found")).to_be_visible()  # still booked that day
        page.goto(f"/directory/?available_by={after}")
        card = page.locator(".company-card", has_text="Saggar Sound")
        expect(card.locator(".company-card__availability")).to_have_text(label)
        axe_check(page, "availability-directory")

    # Only the signed-in commissioner sees the email; nobody sees the phone.
    anonymous.goto(studio.url)
    expect(anonymous.get_by_text(STUDIO_EMAIL)).to_have_count(0)
    expect(
        anonymous.get_by_text("Signed-in commissioners see more contact details")
    ).to_be_visible()
    commissioner.goto("/members/login/")
    commissioner.get_by_label("Email address").fill("producer@broadcaster.example")
    commissioner.get_by_label("Password").fill(PASSWORD)
    commissioner.get_by_role("button", name="Sign in").click()
    commissioner.goto(studio.url)
    expect(commissioner.get_by_role("link", name=STUDIO_EMAIL)).to_be_visible()
    expect(commissioner.get_by_text("01782 555123")).to_have_count(0)
    expect(commissioner.locator(".company-facts__availability")).to_have_text(label)
    axe_check(commissioner, "availability-profile-commissioner")
