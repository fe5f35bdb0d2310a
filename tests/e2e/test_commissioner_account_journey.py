"""A commissioner's account and shortlists, end to end in headless Chromium.

The journey: sign up, confirm the email from the link in the mail, sign in,
search the directory, shortlist three companies, note one, share the list (an
anonymous visitor opens the link in a fresh browser and sees no notes), and
send one brief to all three: each company receives its own email. Then save
the search with weekly alerts; after an editor approves a new matching
company, the next alert run mails it (only it), and its one-click unsubscribe
link works without signing in. axe-core checks every new page at desktop size
on the way, and again at phone size.
"""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from commissioners import alerts
from commissioners.models import SavedSearch, Shortlist
from directory.models import CompanyPage, Enquiry
from members.changes import submit_changes
from tests.commissioners.factories import PASSWORD, commissioner
from tests.directory.factories import SkillFactory, company, directory_index, home_page
from tests.e2e.conftest import sign_in as admin_sign_in
from tests.members.factories import member

pytestmark = pytest.mark.e2e

EMAIL = "cara@channel-nine.example"
STUDIOS = ("Kiln Light Animation", "Glaze Grade Animation", "Saggar Sound Animation")
NOTE = "Best reel; ask about May availability"


@pytest.fixture
def studios(transactional_db):
    home_page().save_revision().publish()
    directory_index().save_revision().publish()
    animation = SkillFactory(name="2D animation", slug="2d-animation")
    slugs = ("kiln", "glaze", "saggar")
    return [
        company(title, skills=[animation], email=f"hello@{slug}.example")
        for title, slug in zip(STUDIOS, slugs, strict=True)
    ]


def link_in_mail(to: str, pattern: str) -> str:
    [message] = [m for m in mail.outbox if to in m.to and re.search(pattern, m.body)]
    url = re.search(pattern, message.body).group(0)
    return "/" + url.split("/", 3)[3]


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/commissioners/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_shortlist_share_and_brief(
    studios, page: Page, new_context, editor, axe_check, screenshot
):
    # 1. Sign up; the account waits for the emailed link.
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name="Create a commissioner account").first.click()
    expect(page.get_by_role("heading", name="Create a commissioner account")).to_be_visible()
    axe_check(page, "commissioner-sign-up")
    page.get_by_label("First name").fill("Cara")
    page.get_by_label("Last name").fill("Commissioner")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Organisation").fill("Channel Nine")
    page.get_by_label("Your role").fill("Head of factual")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    axe_check(page, "commissioner-sign-up-sent")

    # 2. Confirm the address from the mail, then sign in.
    page.goto(link_in_mail(EMAIL, r"https?://\S+/commissioners/verify/\S+/"))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    axe_check(page, "commissioner-verify")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    axe_check(page, "commissioner-login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your commissioner account")).to_be_visible()
    axe_check(page, "commissioner-home")

    # 3. Search and shortlist three companies from their cards (plain forms, no JS needed).
    page.goto("/directory/?q=animation")
    for title in STUDIOS:
        page.get_by_role("button", name=f"Shortlist {title}").click()
        pressed = re.compile(f"^Shortlisted ?: remove {title} from your shortlist$")
        expect(page.get_by_role("button", name=pressed)).to_be_visible()
    axe_check(page, "directory-with-shortlisted-cards")
    screenshot(page, "commissioner-directory-shortlisted")

    # 4. The list: a private note, then a share link.
    page.get_by_role("link", name="Shortlist", exact=True).first.click()
    page.get_by_role("link", name="My shortlist").click()
    expect(page.get_by_role("heading", name="My shortlist")).to_be_visible()
    axe_check(page, "shortlist-detail")
    page.get_by_label("Private note").first.fill(NOTE)
    page.get_by_role("button", name=f"Save the note on {STUDIOS[0]}").click()
    expect(page.get_by_text(f"Note on {STUDIOS[0]} saved.")).to_be_visible()
    page.get_by_role("button", name="Make a share link").click()
    expect(page.get_by_label("Share link")).to_be_visible()
    share_url = page.get_by_label("Share link").input_value()
    axe_check(page, "shortlist-detail-shared")
    screenshot(page, "commissioner-shortlist")

    # 5. An anonymous colleague opens the link in a browser of their own.
    colleague = new_context().new_page()
    colleague.goto(share_url)
    for title in STUDIOS:
        expect(colleague.get_by_role("link", name=title)).to_be_visible()
    expect(colleague.get_by_text(NOTE)).to_have_count(0)
    axe_check(colleague, "shortlist-shared")

    # 6. One brief to all three.
    page.get_by_role("link", name="Send one brief to all 3").click()
    expect(page.get_by_role("heading", name="Send one brief to My shortlist")).to_be_visible()
    axe_check(page, "shortlist-brief")
    expect(page.get_by_label("Your email address")).to_have_value(EMAIL)
    page.get_by_label("What do you need?").fill(
        "A six-part factual series about the Potteries, animation inserts, shooting in May."
    )
    page.get_by_role("button", name="Send to the ticked companies").click()
    expect(page.get_by_text("Your brief went to 3 companies")).to_be_visible()
    assert Enquiry.objects.count() == 3
    for studio in studios:
        [message] = [m for m in mail.outbox if m.to == [studio.email]]
        others = [s.title for s in studios if s.pk != studio.pk]
        assert not any(title in message.body for title in others)

    # 7. Save the search, with weekly emails of the companies new to it.
    page.goto("/directory/?q=animation&skill=2d-animation")
    page.get_by_role("link", name="Save this search").click()
    expect(page.get_by_role("heading", name="Save this search")).to_be_visible()
    axe_check(page, "save-search")
    page.get_by_label("Name of the search").fill("Animation studios")
    page.get_by_label("Weekly email").check()
    page.get_by_role("button", name="Save the search").click()
    expect(page.get_by_text("Search saved: Animation studios")).to_be_visible()
    axe_check(page, "saved-searches")
    screenshot(page, "commissioner-saved-searches")
    saved = SavedSearch.objects.get()
    assert saved.query_string == "q=animation&skill=2d-animation"
    call_command("send_search_alerts")  # the first run: a baseline, nothing mailed
    assert not [m for m in mail.outbox if "new compan" in m.subject]

    # 8. A new matching company's profile waits for review; an editor approves it in
    # the admin's workflow; the next run mails it alone.
    SavedSearch.objects.filter(pk=saved.pk).update(
        last_run_at=timezone.now() - datetime.timedelta(days=7)
    )
    newcomer = company("Raku Animation", skills=[studios[0].skills.get()], live=False)
    submit_changes(newcomer.get_latest_revision_as_object(), member(newcomer))
    call_command("send_search_alerts")  # waiting for review: not listed, nothing mailed
    assert not [m for m in mail.outbox if "new compan" in m.subject]
    SavedSearch.objects.filter(pk=saved.pk).update(
        last_run_at=timezone.now() - datetime.timedelta(days=7)
    )
    admin = new_context().new_page()
    admin_sign_in(admin, editor.username, editor.raw_password)
    admin.goto(f"/admin/pages/{newcomer.pk}/edit/")
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Approve and Publish", exact=True).click()
    admin.wait_for_url(re.compile(r"/admin/pages/\d+/$"))  # back to the explorer
    assert CompanyPage.objects.get(pk=newcomer.pk).live
    call_command("send_search_alerts")
    call_command("send_search_alerts")  # again, as after a restart: nothing twice
    [alert] = [m for m in mail.outbox if "new compan" in m.subject]
    assert alert.to == [EMAIL]
    assert "Raku Animation" in alert.body
    assert not any(title in alert.body for title in STUDIOS)
    assert alert.extra_headers["List-Unsubscribe"].startswith("<http")

    # 9. One click from the mail, no sign-in: a button, then no more emails.
    unsubscribe = link_in_mail(EMAIL, r"https?://\S+/commissioners/searches/unsubscribe/\S+/")
    stranger = new_context().new_page()
    stranger.goto(unsubscribe)
    expect(stranger.get_by_role("heading", name="Stop the emails")).to_be_visible()
    axe_check(stranger, "unsubscribe")
    stranger.get_by_role("button", name="Stop these emails").click()
    expect(stranger.get_by_role("heading", name="No more emails")).to_be_visible()
    axe_check(stranger, "unsubscribed")
    saved.refresh_from_db()
    assert saved.frequency == SavedSearch.Frequency.NEVER


def test_every_commissioner_page_is_accessible_at_phone_size(studios, phone_page: Page, axe_check):
    page = phone_page
    for path, name in [
        ("/commissioners/", "welcome"),
        ("/commissioners/sign-up/", "sign-up"),
        ("/commissioners/sign-up/sent/", "sign-up-sent"),
        ("/commissioners/verify/resend/", "resend"),
        ("/commissioners/verify/not-a-link/", "verify-invalid"),
        ("/commissioners/password-reset/", "password-reset"),
        ("/commissioners/password-reset/sent/", "password-reset-sent"),
        ("/commissioners/login/", "login"),
        ("/commissioners/searches/unsubscribe/not-a-token/", "unsubscribe-invalid"),
    ]:
        page.goto(path)
        axe_check(page, f"phone-commissioner-{name}")
    # An anonymous visitor's shortlist, kept in the session.
    page.goto(studios[0].url)
    page.get_by_role("button", name=f"Shortlist {studios[0].title}").click()
    page.goto("/shortlist/")
    expect(page.get_by_role("link", name=studios[0].title)).to_be_visible()
    axe_check(page, "phone-shortlist-session")

    person = commissioner()
    shortlist = Shortlist.default_for(person)
    for studio in studios:
        shortlist.add(studio)
    token = shortlist.share()
    other = Shortlist.objects.create(owner=person, name="Drama")
    saved = SavedSearch.objects.create(owner=person, name="Animation", query_string="q=animation")
    page.goto(f"/commissioners/searches/unsubscribe/{alerts.unsubscribe_token(saved)}/")
    axe_check(page, "phone-unsubscribe")
    sign_in(page, person.email, PASSWORD)
    for path, name in [
        ("/commissioners/", "home"),
        ("/shortlist/", "lists"),
        (f"/shortlist/{shortlist.pk}/", "detail"),
        (f"/shortlist/{shortlist.pk}/brief/", "brief"),
        (f"/shortlist/{shortlist.pk}/rename/", "rename"),
        (f"/shortlist/{other.pk}/delete/", "delete"),
        (f"/shortlist/shared/{token}/", "shared"),
        ("/commissioners/searches/", "saved-searches"),
        ("/commissioners/searches/save/?q=animation&verified=1", "save-search"),
    ]:
        page.goto(path)
        axe_check(page, f"phone-shortlist-{name}")


def test_rename_untick_from_a_brief_delete_and_sign_out(studios, page: Page, axe_check):
    person = commissioner(EMAIL)
    shortlist = Shortlist.objects.create(owner=person, name="Drama")
    for studio in studios:
        shortlist.add(studio)
    sign_in(page, EMAIL, PASSWORD)
    # The header names who is signed in, on public pages too.
    page.goto("/directory/")
    header = page.locator("header.site-header")
    expect(header.get_by_text("Signed in as")).to_contain_text("Bea Buyer")
    expect(header.get_by_role("link", name="Your account")).to_be_visible()

    page.goto(f"/shortlist/{shortlist.pk}/")
    page.get_by_role("link", name="Rename Drama").click()
    axe_check(page, "shortlist-rename")
    page.get_by_label("Name of the list").fill("Drama, May shoot")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_text("Renamed: Drama is now Drama, May shoot.")).to_be_visible()

    page.get_by_role("link", name="Send one brief to all 3").click()
    for title in STUDIOS:
        expect(page.get_by_role("checkbox", name=title)).to_be_checked()
    page.get_by_role("checkbox", name=STUDIOS[1]).uncheck()
    page.get_by_label("What do you need?").fill(
        "A six-part factual series about the Potteries, animation inserts, shooting in May."
    )
    page.get_by_role("button", name="Send to the ticked companies").click()
    expect(page.get_by_text("Your brief went to 2 companies")).to_be_visible()
    assert sorted(Enquiry.objects.values_list("company__title", flat=True)) == sorted(
        [STUDIOS[0], STUDIOS[2]]
    )

    page.get_by_role("link", name="Delete this list").click()
    expect(page.get_by_role("heading", name="Delete Drama, May shoot?")).to_be_visible()
    axe_check(page, "shortlist-delete")
    page.get_by_role("button", name="Delete the list").click()
    expect(page.get_by_text("List deleted: Drama, May shoot.")).to_be_visible()
    assert not Shortlist.objects.filter(pk=shortlist.pk).exists()

    # Signing out from the header (a POST form, keyboard too).
    page.goto("/directory/")
    header.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/commissioners/login/$"))
    page.goto("/directory/")
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
