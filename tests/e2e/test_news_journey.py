"""News, end to end: an editor publishes an article with an image; a visitor finds it.

Also checks the site's main templates with axe-core (desktop and phone) and the
menu that works without JavaScript.
"""

from __future__ import annotations

import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from cms.models import NewsIndexPage, NewsPage
from tests.cms import factories as f
from tests.directory.factories import directory_index, home_page

pytestmark = pytest.mark.e2e

TITLE = "Kiln Animation opens a stop-motion studio in Longton"
INTRO = "Twelve new sets and a model-making workshop, open to members."
ALT = "Animator adjusting a clay puppet on a miniature kitchen set"


@pytest.fixture
def news_site(transactional_db, page):
    """Home page, directory, news index with two older articles, and an About page."""
    home = home_page()
    home.hero_heading = "Where Staffordshire’s moving-image makers meet"
    home.hero_text = "Find the right team for your next commission."
    home.save_revision().publish()
    directory_index().save_revision().publish()
    index = f.news_index()
    # Published before children are added: publishing a stale copy would reset its numchild.
    index.show_in_menus = True
    index.save_revision().publish()
    for days, title in ((3, "Showcase night at the Victoria Hall"), (9, "Drone training dates")):
        f.news_page(
            title,
            date=datetime.date.today() - datetime.timedelta(days=days),
            category=f.category("Events"),
            tags=["events"],
            featured_image=f.image(title),
            featured_image_alt=f"Poster for {title}",
            body=[("paragraph", "<p>Details to follow.</p>")],
        )
    f.standard_page(
        "About",
        show_in_menus=True,
        intro="Who we are.",
        body=[
            ("paragraph", "<h2>Who we are</h2><p>A cluster of studios.</p>"),
            ("quote", {"quote": "It works.", "attribution": "A member", "role": "Director"}),
        ],
    )
    f.contact_page()
    return NewsIndexPage.objects.get(pk=index.pk)


def _png(tmp_path) -> str:
    path = tmp_path / "longton-studio.png"
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 675), (40, 90, 160)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_editor_publishes_news_and_visitor_finds_it(
    editor_page: Page, news_site, tmp_path, screenshot, axe_check, live_url
):
    page = editor_page
    # --- the editor writes the article -------------------------------------------
    page.goto(f"/admin/pages/add/cms/newspage/{news_site.pk}/")
    page.get_by_role("textbox", name="Title*").fill(TITLE)
    page.get_by_role("textbox", name="Author").fill("Jo Bennett")
    page.get_by_role("textbox", name="Intro*").fill(INTRO)

    # Featured image: uploaded from the chooser, as an editor would.
    page.get_by_role("button", name="Choose an image").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="Upload").click()
    modal.get_by_label("File*").set_input_files(_png(tmp_path))
    modal.get_by_label("Title*").fill("Longton studio")
    modal.get_by_role("button", name="Upload").click()
    expect(modal).to_be_hidden()
    page.get_by_role("textbox", name="Featured image alt text").fill(ALT)

    # A paragraph in the body.
    page.locator(
        "[data-streamfield-stream-container] button[title='Insert a block'], button.c-sf-add-button"
    ).first.click()
    page.get_by_role("option", name=re.compile("^Paragraph")).first.click()
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    editor.type("The studio opens its doors to members in March.")
    expect(editor).to_contain_text("opens its doors to members in March.")
    # Draftail copies its content into the form's hidden input a moment after the
    # last keystroke; publishing before that would save an empty paragraph.
    page.get_by_role("textbox", name="Author").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('input[type=hidden], textarea')]
                .some((field) => field.value.includes('opens its doors to members'))"""
    )

    page.locator("li.tagit-new input").fill("animation")
    page.keyboard.press("Enter")
    screenshot(page, "news-journey-01-editor-writes")
    # Wagtail autosaves the new article half a second after the last change
    # and turns the form into the article's edit form. Publishing while that
    # first save is still on its way is refused (the slug is taken by then),
    # as it would be for an editor that quick; wait for it, as they would,
    # and if it never comes (on a loaded machine it was once not made at
    # all), save the draft by hand, as they would then.
    editing = "() => /\\/pages\\/\\d+\\/edit\\/$/.test(location.pathname)"
    try:
        page.wait_for_function(editing, timeout=30_000)
    except PlaywrightTimeoutError:
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_function(editing)

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("published")
    screenshot(page, "news-journey-02-published")

    article = NewsPage.objects.get(title=TITLE)
    assert article.live
    assert article.featured_image is not None and article.featured_image.title == "Longton studio"
    assert article.featured_image_alt == ALT
    assert "animation" in article.tags.names()
    assert "opens its doors to members in March." in str(article.body)

    # --- a visitor finds it: home page, listing, article, feed --------------------
    page.context.clear_cookies()
    page.goto("/")
    latest = page.get_by_role("region", name="Latest news")
    expect(latest.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(page, "news-journey-03-home")
    axe_check(page, "home")

    page.goto("/news/")
    cards = page.locator(".card__title")
    expect(cards.first).to_have_text(TITLE)  # newest first
    screenshot(page, "news-journey-04-listing")
    axe_check(page, "news-listing")

    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("img", name=ALT)).to_be_visible()
    expect(page.get_by_text("The studio opens its doors to members in March.")).to_be_visible()
    screenshot(page, "news-journey-05-article")
    axe_check(page, "news-article")

    # Filter by the tag from the article page.
    page.get_by_role("link", name="animation").click()
    expect(page.locator(".card__title")).to_have_count(1)

    # The feed announced in the head has the article at the top.
    feed_href = page.locator("link[rel=alternate][type='application/rss+xml']").get_attribute(
        "href"
    )
    response = page.request.get(live_url + feed_href)
    assert response.ok
    channel = ET.fromstring(response.body()).find("channel")  # noqa: S314 - our own feed
    assert channel.find("item").findtext("title") == TITLE


def test_pages_pass_axe_on_a_phone_and_menu_works_without_js(
    phone_page: Page, news_site, screenshot, axe_check
):
    page = phone_page
    article = NewsPage.objects.live().order_by("-date").first()
    for url, name in (
        ("/", "home"),
        ("/news/", "news-listing"),
        (article.url, "news-article"),
        ("/about/", "standard-page"),
        ("/contact/", "contact-page"),
        ("/no-such-page/", "not-found"),
    ):
        page.goto(url)
        screenshot(page, f"phone-{name}")
        axe_check(page, f"phone-{name}")

    # The menu is closed on a phone and opens with its toggle.
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="News")
    expect(nav_link).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav_link).to_be_visible()
    screenshot(page, "phone-menu-open")
    nav_link.click()
    expect(page).to_have_url(re.compile(r"/news/$"))


def test_standard_page_passes_axe_on_desktop(page: Page, news_site, screenshot, axe_check):
    page.goto("/about/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About")
    # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    screenshot(page, "standard-page")
    axe_check(page, "standard-page")


@pytest.fixture
def no_js_page(new_context):
    context = new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    return context.new_page()


def test_menu_opens_without_javascript(no_js_page: Page, news_site):
    page = no_js_page
    page.goto("/")
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="About")
    expect(nav_link).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav_link).to_be_visible()


def test_desktop_menu_is_inline_without_javascript(new_context, news_site):
    context = new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto("/news/")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="About")).to_be_visible()
        expect(nav.get_by_role("link", name="News")).to_have_attribute("aria-current", "page")
        expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    finally:
        context.close()
