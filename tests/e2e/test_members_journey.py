"""Member self-service, end to end in Chromium.

An editor invites a company contact from the Wagtail admin; the contact sets a
password, fills in missing profile fields, uploads a logo, adds a credit and
submits; the public page keeps the approved version; the editor approves in
the admin; a commissioner's directory search now finds the company by its new
skill. axe-core checks every member page on the way.
"""

from __future__ import annotations

import io
import re

from django.core import mail

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from directory.models import CompanyPage
from showcase.models import ProjectPage
from tests.directory.factories import SkillFactory, company, directory_index, home_page
from tests.showcase.factories import showcase_index

pytestmark = pytest.mark.e2e

MEMBER_EMAIL = "founder@kiln-clay.example"
MEMBER_PASSWORD = "Kiln-and-Clay-Journey-2026"
STRAPLINE = "Stop-motion puppets made in the Potteries"


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 120), (180, 60, 20)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def member_site(transactional_db):
    home_page()
    directory_index().save_revision().publish()
    skill = SkillFactory(name="Stop-motion puppetry", slug="stop-motion-puppetry")
    kiln = company("Kiln Clay Studio", skills=["Model making"])
    showcase_index()
    return kiln, skill


def invitation_link() -> str:
    [message] = [m for m in mail.outbox if MEMBER_EMAIL in m.to]
    return re.search(r"https?://\S+/members/invitations/\S+/", message.body).group(0)


def test_member_journey_from_invitation_to_search(
    member_site, editor_page: Page, new_context, axe_check, screenshot
):
    kiln, skill = member_site
    admin = editor_page

    # 1. The editor invites the company's contact from the company's admin page.
    admin.goto(f"/admin/pages/{kiln.pk}/edit/")
    admin.locator("header button.w-h-slim-header[aria-label='Actions']").click()
    admin.get_by_role("link", name="Invite a member").click()
    expect(admin).to_have_url(re.compile(f"/admin/members/invite/{kiln.pk}/$"))
    admin.get_by_label("Their email address").fill(MEMBER_EMAIL)
    admin.get_by_label("Role").select_option("owner")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_text(f"Invitation sent to {MEMBER_EMAIL}")).to_be_visible()
    link = invitation_link()
    path = "/" + link.split("/", 3)[3]

    # 2. The member opens the link in their own browser and chooses a password.
    context = new_context()
    member = context.new_page()
    member.goto(path)
    axe_check(member, "members-join")
    member.get_by_label("First name").fill("Fay")
    member.get_by_label("Choose a password").fill("password")
    member.get_by_label("Type the password again").fill("password")
    member.get_by_role("button", name="Create my account").click()
    expect(member.locator(".errorlist").first).to_be_visible()  # too common, refused
    axe_check(member, "members-join-errors")
    member.get_by_label("Choose a password").fill(MEMBER_PASSWORD)
    member.get_by_label("Type the password again").fill(MEMBER_PASSWORD)
    member.get_by_role("button", name="Create my account").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Kiln Clay Studio")
    expect(member.get_by_text("a logo", exact=True)).to_be_visible()
    axe_check(member, "members-dashboard")
    screenshot(member, "members-dashboard-before")

    # 3. The member fills in what is missing.
    member.get_by_role("link", name="Edit the profile").click()
    axe_check(member, "members-edit-profile")
    member.get_by_label("Strapline").fill(STRAPLINE)
    member.get_by_label("About the company").fill(
        "We design, sculpt and animate puppets for television, film and games.\n\n"
        "Our studio in Longton has six stages."
    )
    member.get_by_label("Find a skill").fill("puppetry")
    expect(member.get_by_label("Model making")).to_be_hidden()
    member.get_by_label("Stop-motion puppetry").check()
    member.get_by_label("Showreel URL").fill("https://vimeo.com/76979871")
    member.get_by_label("Website").fill("https://kiln-clay.example")
    member.get_by_label("Upload a new logo").set_input_files(
        {"name": "kiln-logo.png", "mimeType": "image/png", "buffer": logo_png()}
    )
    expect(member.locator("img[data-image-new]")).to_be_visible()
    member.get_by_label("Describe the logo").fill("Kiln Clay Studio logo")
    credit = member.locator("[data-formset=credits] [data-row]").first
    credit.get_by_label("Production").fill("The Clay Detectives")
    credit.get_by_label("Client or broadcaster").fill("CBBC")
    credit.get_by_label("Year").fill("2025")
    member.get_by_role("button", name="Add another credit").click()
    second = member.locator("[data-formset=credits] [data-row]").nth(1)
    second.get_by_label("Production").fill("Puppet Pier")
    still = member.locator("[data-formset=gallery_images] [data-row]").first
    still.get_by_label("Upload an image").set_input_files(
        {"name": "stage.png", "mimeType": "image/png", "buffer": logo_png()}
    )
    still.get_by_label("Describe the image").fill("Six puppets on a miniature stage")
    still.get_by_label("Caption").fill("Stage two in Longton")
    screenshot(member, "members-edit-profile-filled")
    member.get_by_role("button", name="Send changes for approval").click()
    expect(member.get_by_text("Waiting for an editor to review")).to_be_visible()
    axe_check(member, "members-dashboard-pending")
    # The form now starts from the pending version: the gallery shows its thumbnail.
    member.goto(f"/members/companies/{kiln.pk}/edit/")
    expect(member.get_by_alt_text("Six puppets on a miniature stage")).to_be_visible()
    axe_check(member, "members-edit-profile-pending")
    member.goto(f"/members/companies/{kiln.pk}/")

    # The public page still shows the approved version; the member can preview theirs.
    public = member.context.new_page()
    public.goto(kiln.url)
    expect(public.get_by_text(STRAPLINE)).to_have_count(0)
    public.close()
    member.get_by_role("link", name="Preview the pending version").click()
    expect(member.get_by_text(STRAPLINE).first).to_be_visible()
    member.go_back()

    # The other member pages are accessible too.
    for name, url in (
        ("team", "team"),
        ("enquiries", "enquiries"),
        ("projects", "projects"),
        ("project-new", "projects/new"),
    ):
        member.goto(f"/members/companies/{kiln.pk}/{url}/")
        axe_check(member, f"members-{name}")

    # 4. The editor approves in the admin's normal workflow.
    admin.goto(f"/admin/pages/{kiln.pk}/edit/")
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Approve and Publish", exact=True).click()
    admin.wait_for_url(re.compile(r"/admin/pages/\d+/$"))  # back to the explorer
    expect(admin.get_by_role("heading", name="Exploring: Directory")).to_be_visible()
    kiln.refresh_from_db()
    expect_live = CompanyPage.objects.get(pk=kiln.pk)
    assert expect_live.strapline == STRAPLINE
    assert skill in expect_live.skills.all()
    assert [c.production for c in expect_live.credits.all()] == [
        "The Clay Detectives",
        "Puppet Pier",
    ]
    assert expect_live.logo.description == "Kiln Clay Studio logo"
    [still_row] = expect_live.gallery_images.all()
    assert still_row.caption == "Stage two in Longton"
    assert still_row.image.description == "Six puppets on a miniature stage"
    assert any("approved" in m.subject for m in mail.outbox if MEMBER_EMAIL in m.to)

    member.goto(f"/members/companies/{kiln.pk}/")
    expect(member.get_by_text("Approved and published")).to_be_visible()
    screenshot(member, "members-dashboard-approved")

    # 5. A commissioner's directory search finds the company by its new skill.
    commissioner = context.new_page()
    commissioner.goto(f"/directory/?skill={skill.slug}")
    expect(commissioner.get_by_role("link", name="Kiln Clay Studio").first).to_be_visible()
    context.close()


def test_member_sign_in_and_reset_pages_are_accessible(page: Page, transactional_db, axe_check):
    home_page()
    page.goto("/members/login/")
    axe_check(page, "members-login")
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".members-alert")).to_be_visible()
    axe_check(page, "members-login-error")
    page.get_by_role("link", name="Forgotten your password?").click()
    axe_check(page, "members-password-reset")
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    axe_check(page, "members-password-reset-sent")


def test_member_pages_on_a_phone(phone_page: Page, transactional_db, axe_check, screenshot):
    from tests.members.factories import PASSWORD, member

    home_page()
    directory_index().save_revision().publish()
    showcase_index()
    kiln = company("Kiln Clay Studio", skills=["Model making"])
    person = member(kiln, "phone@kiln-clay.example")
    phone_page.goto("/members/login/")
    phone_page.get_by_label("Email address").fill(person.email)
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Kiln Clay Studio")
    for name, path in (
        ("dashboard", ""),
        ("edit", "edit/"),
        ("projects", "projects/"),
        ("team", "team/"),
    ):
        phone_page.goto(f"/members/companies/{kiln.pk}/{path}")
        axe_check(phone_page, f"members-phone-{name}")
        # Nothing wider than the screen: the form must not scroll sideways.
        assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "members-phone-team")


def profile_as_published(page_id):
    """What commissioners see of a company, apart from its strapline, as comparable values."""
    live = CompanyPage.objects.get(pk=page_id)
    data = live.serializable_data()
    # What an approval itself changes: the strapline is the member's edit.
    for volatile in (
        "strapline",
        "latest_revision",
        "live_revision",
        "last_published_at",
        "latest_revision_created_at",
        # Revisions store milliseconds, so publishing one trims Wagtail's own
        # microsecond timestamp; no person edits or sees it.
        "first_published_at",
    ):
        data.pop(volatile)
    projects = [
        (film.pk, film.title, film.latest_revision_id, film.live_revision_id)
        for film in ProjectPage.objects.filter(project_companies__company=live).order_by("pk")
    ]
    return {
        "content": data,
        "skills": sorted(live.skills.values_list("slug", flat=True)),
        "sectors": sorted(live.sectors.values_list("slug", flat=True)),
        "credits": [(c.production, c.client, c.year, c.role) for c in live.credits.all()],
        "gallery": [(g.image_id, g.caption) for g in live.gallery_images.all()],
        "logo": (live.logo_id, live.logo.description),
        "projects": projects,
    }


def test_a_strapline_change_approved_in_the_admin_keeps_everything_else(
    transactional_db, editor_page: Page, new_context, axe_check, screenshot
):
    from tests.members.factories import PASSWORD, member, rich_company, rich_project

    home_page()
    directory_index().save_revision().publish()
    showcase_index()
    studio = rich_company()
    rich_project(studio)
    person = member(studio, "founder@kiln-light.example")
    before = profile_as_published(studio.pk)
    assert before["skills"] and before["sectors"] and before["credits"] and before["gallery"]

    context = new_context()
    member_page = context.new_page()
    member_page.goto("/members/login/")
    member_page.get_by_label("Email address").fill(person.email)
    member_page.get_by_label("Password").fill(PASSWORD)
    member_page.get_by_role("button", name="Sign in").click()
    member_page.goto(f"/members/companies/{studio.pk}/edit/")
    # What the company does is ticked, so an unchanged save keeps it.
    ticked = member_page.locator("input[name=skills]:checked, input[name=sectors]:checked")
    expect(ticked).to_have_count(len(before["skills"]) + len(before["sectors"]))
    for skill in studio.skills.all():
        expect(member_page.get_by_label(skill.name, exact=True)).to_be_checked()
    axe_check(member_page, "members-edit-full-profile")
    member_page.get_by_label("Strapline").fill("Stop motion, lit by hand")
    member_page.get_by_role("button", name="Send changes for approval").click()
    expect(member_page.get_by_text("Waiting for an editor to review")).to_be_visible()

    admin = editor_page
    admin.goto(f"/admin/pages/{studio.pk}/edit/")
    admin.get_by_role("button", name="More actions").click()
    admin.get_by_role("button", name="Approve and Publish", exact=True).click()
    admin.wait_for_url(re.compile(r"/admin/pages/\d+/$"))

    assert CompanyPage.objects.get(pk=studio.pk).strapline == "Stop motion, lit by hand"
    after = profile_as_published(studio.pk)
    content_changes = {
        key: (value, after["content"].get(key))
        for key, value in before.pop("content").items()
        if after["content"].get(key) != value
    }
    assert not content_changes, "\n".join(f"{k}: {v!r}" for k, v in content_changes.items())
    assert {key: after[key] for key in before} == before
    member_page.goto(f"/members/companies/{studio.pk}/")
    expect(member_page.get_by_text("Approved and published")).to_be_visible()
    screenshot(member_page, "members-strapline-only-approved")
