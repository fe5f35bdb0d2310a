"""A commissioner's journey through the showcase, in headless Chromium.

Browse the showcase, filter by sector, open a project, play its video (the
facade becomes the privacy-domain player, and nothing is asked of the video
site before that click), follow the link to the company that made it and send
it an enquiry. axe-core checks the listing and the project page.
"""

from __future__ import annotations

import re

from django.core import mail

import pytest
from playwright.sync_api import expect

from tests.directory.factories import SectorFactory, SkillFactory, company
from tests.showcase.factories import project, showcase_index
from tests.showcase.oembed_replay import recorded_oembed
from tests.showcase.test_models import poster_image

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
VIDEO_HOSTS = ("youtube", "ytimg", "vimeo", "googlevideo")


@pytest.fixture
def showcase():
    film = SectorFactory(name="Film", slug="e2e-film")
    games = SectorFactory(name="Games", slug="e2e-games")
    stop = SkillFactory(name="Stop motion", slug="e2e-stop-motion")
    kiln = company(
        "Kiln Light Studio",
        strapline="Stop-motion and character animation",
        email="studio@kiln.example",
        sectors=[film],
        skills=[stop],
    )
    potbank = company("Potbank Games", email="hello@potbank.example", sectors=[games])
    showcase_index()
    with recorded_oembed():  # the editor's save asks "YouTube" (recorded) once
        project(
            "Clay Hearts",
            companies=[(kiln, "Stop-motion animation")],
            sectors=[film],
            skills=[stop],
            tags=["stop-motion"],
            client="BBC Three",
            synopsis="<p>A love story told in Staffordshire clay.</p>",
            video_url=VIDEO,
            poster=poster_image("Clay Hearts poster"),
            year=2025,
        )
    project("Bottle Oven Run", companies=[potbank], sectors=[games], year=2024)
    project("Kiln Nights", companies=[(kiln, "Animation")], sectors=[games], year=2023)
    return {"kiln": kiln}


def test_commissioner_finds_work_plays_it_and_contacts_the_company(
    page, showcase, axe_check, screenshot, blocked_requests
):
    # Browse the showcase.
    page.goto("/showcase/")
    page.get_by_role("heading", name="Showcase", level=1).wait_for()
    expect(page.get_by_role("heading", name=re.compile(r"^3 projects"))).to_be_visible()
    axe_check(page, "showcase-listing")
    screenshot(page, "showcase-listing")

    # Filter by sector: ticking the box applies it (the script submits the GET form).
    page.get_by_label(re.compile(r"^Film")).check()
    page.wait_for_url(re.compile(r"sector=e2e-film"))
    expect(page.get_by_role("heading", name=re.compile(r"^1 project"))).to_be_visible()
    assert page.get_by_role("link", name="Kiln Nights").count() == 0
    screenshot(page, "showcase-filtered-film")

    # Open the project.
    page.get_by_role("link", name="Clay Hearts").click()
    page.get_by_role("heading", name="Clay Hearts", level=1).wait_for()
    page.get_by_text("A love story told in Staffordshire clay.").wait_for()
    # Nothing has been asked of the video site yet, not even a thumbnail.
    assert not [url for url in blocked_requests if any(h in url for h in VIDEO_HOSTS)]
    assert page.locator("iframe").count() == 0
    axe_check(page, "showcase-project")
    screenshot(page, "showcase-project")

    # Play: the facade becomes the player on the privacy-enhanced domain.
    media = page.locator(".project__media")
    media.get_by_role("link", name=re.compile("play video", re.I)).click()
    player = media.locator("iframe")
    player.wait_for()
    assert "youtube-nocookie.com/embed/dQw4w9WgXcQ" in player.get_attribute("src")
    screenshot(page, "showcase-project-playing")

    # Follow the link to the company that made it.
    page.get_by_role("link", name="Kiln Light Studio").click()
    page.get_by_role("heading", name="Kiln Light Studio", level=1).wait_for()
    # The company's profile lists the project, with the company's role in it.
    expect(page.get_by_role("link", name="Clay Hearts")).to_be_visible()
    expect(page.get_by_text("Stop-motion animation").first).to_be_visible()

    # Send an enquiry.
    form = page.locator("#enquiry form")
    form.get_by_label("Your name").fill("Morgan Commissioner")
    form.get_by_label("Your email address").fill("morgan@broadcaster.example")
    form.get_by_label("What do you need?").fill(
        "We loved Clay Hearts. Are you free for a 30-second spot in March?"
    )
    form.get_by_role("button", name="Send enquiry").click()
    page.get_by_text("your enquiry has been sent").wait_for()
    screenshot(page, "showcase-enquiry-sent")

    from directory.models import Enquiry

    enquiry = Enquiry.objects.get()
    assert enquiry.company_id == showcase["kiln"].pk
    assert enquiry.email == "morgan@broadcaster.example"
    assert any("studio@kiln.example" in m.to for m in mail.outbox)


def test_filters_and_pages_work_without_javascript(new_context, showcase, screenshot):
    context = new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/showcase/")
        # Folded on load without the script: open the filters as a visitor would.
        page.get_by_text("Filter projects").click()
        page.get_by_label(re.compile(r"^Games")).check()
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"sector=e2e-games"))
        expect(page.get_by_role("heading", name=re.compile(r"^2 projects"))).to_be_visible()
        assert page.get_by_role("link", name="Clay Hearts").count() == 0
        # The URL is the whole state: opening it afresh shows the same selection.
        shared = page.url
        other = context.new_page()
        other.goto(shared)
        assert other.get_by_label(re.compile(r"^Games")).is_checked()
        screenshot(other, "showcase-filtered-no-js")
        # A filter chip removes its filter.
        other.get_by_role("link", name="Sector / genre: Games").click()
        expect(other.get_by_role("heading", name=re.compile(r"^3 projects"))).to_be_visible()
    finally:
        context.close()


def test_showcase_on_a_phone(phone_page, showcase, axe_check, screenshot):
    phone_page.goto("/showcase/")
    # Results come first on a phone; the filters are one tap away.
    expect(phone_page.get_by_label(re.compile(r"^Film"))).to_be_hidden()
    expect(phone_page.get_by_role("link", name="Clay Hearts")).to_be_visible()
    axe_check(phone_page, "showcase-listing-phone")
    phone_page.get_by_role("link", name="Clay Hearts").click()
    phone_page.get_by_role("heading", name="Clay Hearts", level=1).wait_for()
    axe_check(phone_page, "showcase-project-phone")
    screenshot(phone_page, "showcase-project-phone")
