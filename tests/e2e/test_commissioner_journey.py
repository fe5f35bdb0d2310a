"""A commissioner finds a member company and contacts it, in headless Chromium.

The journey: search "animation", tick a sector, narrow to within 10 miles of
Stoke-on-Trent, open a profile, click the showreel facade (the player iframe
appears only then), send an enquiry and see the confirmation. Also: the
directory without JavaScript, keyboard suggestions, and axe-core on the
directory and profile pages at desktop and phone sizes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.directory.factories import (
    PlaceFactory,
    SectorFactory,
    SkillFactory,
    company,
    directory_index,
    home_page,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def directory_site(transactional_db):
    home_page().save_revision().publish()
    directory_index().save_revision().publish()
    stoke = PlaceFactory(
        name="Stoke-on-Trent", slug="stoke-on-trent", latitude=53.0027, longitude=-2.1794
    )
    leek = PlaceFactory(name="Leek", slug="leek", latitude=53.1050, longitude=-2.0230)
    burton = PlaceFactory(
        name="Burton upon Trent", slug="burton-upon-trent", latitude=52.8020, longitude=-1.6290
    )
    animation = SkillFactory(name="2D animation", slug="2d-animation")
    stop_motion = SkillFactory(name="Stop motion", slug="stop-motion")
    grading = SkillFactory(name="Colour grading", slug="colour-grading")
    games = SectorFactory(name="Games", slug="games")
    tv = SectorFactory(name="TV drama", slug="tv-drama")
    kiln = company(
        "Kiln Animation",
        skills=[animation, stop_motion],
        sectors=[games, tv],
        place=stoke,
        # Exact points keep distances clear of the radius whatever the gazetteer says.
        latitude=53.0200,
        longitude=-2.1700,
        strapline="Character animation for games and children's TV",
        about="<p>A Stoke-on-Trent studio animating characters since 2009.</p>",
        email="hello@kiln.example",
        showreel_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        verified=True,
    )
    company(
        "Moorland Motion",
        skills=[animation],
        sectors=[games],
        place=leek,
        latitude=53.0800,
        longitude=-2.0600,
        strapline="Motion design and 2D animation",
        email="hi@moorland.example",
    )
    company(
        "Brewhouse Animation",
        skills=[animation],
        sectors=[games],
        place=burton,
        strapline="Animated commercials",
    )
    company(
        "Saggar Post",
        skills=[grading],
        sectors=[tv],
        place=stoke,
        strapline="Colour and finishing",
    )
    return {"kiln": kiln, "stoke": stoke, "games": games}


def results_count(page: Page):
    return page.locator(".directory-results__count")


def narrow_to_animation_for_games_near_stoke(page: Page) -> None:
    """The commissioner's search, step by step, as they would do it."""
    page.goto("/directory/")
    expect(results_count(page)).to_have_text(re.compile("4 companies found"))
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    search_box = page.get_by_label("Search for a skill, a sector or a company")
    search_box.fill("animation")
    search_box.press("Enter")
    expect(results_count(page)).to_have_text(re.compile("3 companies found"))
    expect(page).to_have_url(re.compile(r"\?q=animation$"))
    page.get_by_role("checkbox", name=re.compile("^Games")).check()
    expect(page).to_have_url(re.compile(r"q=animation&sector=games"))
    near = page.get_by_label("Near a town or postcode district")
    near.fill("Stoke-on-Trent")
    page.get_by_label("Within").select_option("10")
    near.press("Enter")
    expect(page).to_have_url(re.compile(r"near=Stoke-on-Trent&radius=10"))
    expect(results_count(page)).to_have_text(re.compile("2 companies found"))


def test_commissioner_journey(
    page: Page, live_url, directory_site, blocked_requests, axe_check, screenshot
):
    from django.core import mail

    from directory.models import Enquiry

    narrow_to_animation_for_games_near_stoke(page)
    axe_check(page, "journey-directory-desktop")
    page.locator(".company-card").get_by_role("link", name="Kiln Animation").click()

    expect(page).to_have_url(re.compile(r"/directory/kiln-animation/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiln Animation")
    axe_check(page, "journey-profile-desktop")

    # The showreel: nothing from the video site until the visitor presses play.
    expect(page.locator("iframe")).to_have_count(0)
    assert not [url for url in blocked_requests if "youtube" in url]
    page.locator("[data-video-play]").click()
    player = page.locator(".video-facade iframe")
    expect(player).to_have_attribute(
        "src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/aqz-KE-bpKQ\?")
    )

    page.get_by_label("Your name").fill("Priya Commissioner")
    page.get_by_label("Your email address").fill("priya@broadcaster.example")
    page.get_by_label("What do you need?").fill(
        "A 90-second animated title sequence for a children's drama, delivering in March."
    )
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("status").filter(has_text="your enquiry has been sent")).to_be_visible()
    screenshot(page, "journey-enquiry-sent")

    enquiry = Enquiry.objects.get(company_id=directory_site["kiln"].pk)
    assert enquiry.email == "priya@broadcaster.example"
    assert any("hello@kiln.example" in message.to for message in mail.outbox)


def test_profile_accessibility_on_a_phone(
    phone_page: Page, live_url, directory_site, axe_check, screenshot
):
    phone_page.goto("/directory/kiln-animation/")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Kiln Animation")
    axe_check(phone_page, "profile-phone")
    screenshot(phone_page, "profile-phone")


def test_directory_search_updates_in_place(page: Page, live_url, directory_site, screenshot):
    narrow_to_animation_for_games_near_stoke(page)
    cards = page.locator(".company-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Kiln Animation")
    expect(cards.first).to_contain_text("miles away")
    expect(page.locator(".directory-active")).to_contain_text("Within 10 miles of Stoke-on-Trent")
    assert page.evaluate("window.__sameDocument") is True  # never reloaded
    screenshot(page, "directory-search-in-place")

    # Back goes to the previous search (the URL followed every step).
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=animation&sector=games$"))
    expect(results_count(page)).to_have_text(re.compile("3 companies found"))


def test_directory_works_without_javascript(new_context, directory_site):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/directory/?q=animation")
        page.get_by_role("checkbox", name=re.compile("^Games")).check()
        page.get_by_label("Near a town or postcode district").fill("Stoke on Trent")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"sector=games"))
        expect(page.locator(".company-card")).to_have_count(2)  # Kiln and Moorland within 10 mi
        expect(page.locator("#directory-q")).not_to_have_attribute("role", "combobox")
    finally:
        context.close()


def test_empty_state_offers_to_remove_filters(page: Page, live_url, directory_site):
    page.goto("/directory/?q=puppets&sector=games&near=burton-upon-trent&radius=1")
    expect(
        page.get_by_role("heading", name="No member companies match this search")
    ).to_be_visible()
    page.locator(".directory-empty").get_by_role("link", name=re.compile("Remove Text")).click()
    expect(results_count(page)).to_have_text(re.compile("1 company found"))
    expect(page.locator(".company-card")).to_contain_text("Brewhouse Animation")


def test_suggestions_with_the_keyboard(page: Page, live_url, directory_site):
    page.goto("/directory/")
    box = page.get_by_role("combobox", name="Search for a skill, a sector or a company")
    box.press_sequentially("kil", delay=50)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(page.get_by_role("option").first).to_contain_text("Kiln Animation")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/directory/kiln-animation/$"))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_directory_accessibility(request, size, live_url, directory_site, axe_check, screenshot):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    page.goto("/directory/?q=animation&sector=games")
    expect(results_count(page)).to_be_visible()
    if size == "phone":
        filters = page.locator("details[data-filters]")
        expect(filters.locator("summary")).to_be_visible()
        filters.locator("summary").click()
    axe_check(page, f"directory-{size}")
    screenshot(page, f"directory-{size}")


def test_home_page_search_suggests_with_the_keyboard(
    page: Page, live_url, directory_site, axe_check
):
    page.goto("/")
    box = page.get_by_role("combobox", name=re.compile("."))
    expect(box).to_have_attribute("id", "home-search")  # named by the box's own label
    box.press_sequentially("burtn", delay=50)  # a typo for a town
    option = page.get_by_role("option", name=re.compile("Burton upon Trent"))
    expect(option).to_be_visible()
    expect(option).to_contain_text("Place")  # the kind, beside the name
    axe_check(page, "home-suggestions")
    box.press("ArrowDown")
    expect(page.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    # Other towns are one typo away too ("burnt"): walk down to Burton.
    labels = page.get_by_role("option").all_inner_texts()
    position = next(i for i, label in enumerate(labels) if "Burton upon Trent" in label)
    for _ in range(position):
        box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/directory/\?near=burton-upon-trent$"))


def test_home_page_search_works_without_javascript(new_context, directory_site):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        box = page.locator("#home-search")
        expect(box).not_to_have_attribute("role", "combobox")
        box.fill("animation")
        box.press("Enter")
        expect(page).to_have_url(re.compile(r"/directory/\?q=animation$"))
        expect(page.locator(".company-card").first).to_be_visible()
    finally:
        context.close()
