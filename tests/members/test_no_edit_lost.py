"""Issue 11: no member edit is lost, buried or corrupted."""

import re

from django.test import Client
from django.urls import reverse

import pytest

from tests.directory.factories import SkillFactory
from tests.form_html import rendered_form
from tests.showcase.factories import project

from .factories import editor, member, upload


def edit_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return rendered_form(response.content.decode(), containing="base_revision")


def test_the_profile_form_ticks_the_companys_skills_and_sectors(owner_client, acme):
    form = edit_form(owner_client, reverse("members:edit_profile", args=[acme.pk]))
    ticked = form.data()
    assert ticked.get("skills") == str(acme.skills.get().pk)
    assert ticked.get("sectors") == str(acme.sectors.get().pk)


def submit_unchanged_but(browser, url, **changes):
    data = edit_form(browser, url).data()
    data.update(changes)
    return browser.post(url, data)


def compared_fields(client, page, a, b):
    """The field labels Wagtail's compare view lists as changed between ``a`` and ``b``."""
    response = client.get(f"/admin/pages/{page.pk}/revisions/compare/{a}...{b}/")
    assert response.status_code == 200
    html = response.content.decode()
    return set(re.findall(r'<div class="title-wrapper">\s*([^<]+?):\s*</div>', html))


@pytest.mark.parametrize("against", ["live", "earliest"])
def test_the_moderation_compare_view_lists_only_what_the_member_changed(
    owner_client, admin_client, acme, against
):
    url = reverse("members:edit_profile", args=[acme.pk])
    assert submit_unchanged_but(owner_client, url, strapline="Clay, light, time").status_code == 302
    assert compared_fields(admin_client, acme, against, "latest") == {"Strapline"}


@pytest.mark.parametrize("about", ["<p>Clay and light.</p>", ""])
def test_an_editors_admin_save_shows_only_the_editors_change(admin_client, acme, about):
    """Neither "Joined at" (stored at three precisions) nor an empty "About" moves.

    The admin's editor turned an empty "About" into an empty paragraph on
    every save, which the compare view listed as a change.
    """
    acme.about = about
    acme.save_revision().publish()
    admin_url = f"/admin/pages/{acme.pk}/edit/"
    data = rendered_form(admin_client.get(admin_url).content.decode(), containing="title").data()
    data["strapline"] = "Edited by an editor"
    response = admin_client.post(admin_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert compared_fields(admin_client, acme, "live", "latest") == {"Strapline"}


def colleague_client(company):
    """A second browser, signed in as another member of ``company``."""
    browser = Client()
    browser.force_login(member(company, "colleague@acme.example", role="editor"))
    return browser


def editors_draft(page, **changes):
    """An editor's unpublished change, saved in the admin but not submitted or published."""
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft.save_revision(user=editor())


def test_a_member_does_not_start_from_an_editors_unpublished_draft(owner_client, acme):
    editors_draft(acme, strapline="Editor's unfinished idea")
    url = reverse("members:edit_profile", args=[acme.pk])
    assert edit_form(owner_client, url).data()["strapline"] == ""
    assert submit_unchanged_but(owner_client, url, title="Acme Animation Ltd").status_code == 302
    acme.refresh_from_db()
    submitted = acme.get_latest_revision_as_object()
    assert (submitted.title, submitted.strapline) == ("Acme Animation Ltd", "")
    preview = owner_client.get(reverse("members:preview", args=[acme.pk])).content.decode()
    assert "Editor&#x27;s unfinished idea" not in preview and "Editor's unfinished" not in preview


def test_a_member_continues_their_own_pending_change_past_an_editors_draft(owner_client, acme):
    url = reverse("members:edit_profile", args=[acme.pk])
    assert submit_unchanged_but(owner_client, url, strapline="Mine, in review").status_code == 302
    acme.refresh_from_db()
    editors_draft(acme, strapline="Editor's unfinished idea")
    assert edit_form(owner_client, url).data()["strapline"] == "Mine, in review"


def test_a_colleagues_pending_change_is_continued_not_replaced(owner_client, acme):
    client = colleague_client(acme)
    url = reverse("members:edit_profile", args=[acme.pk])
    assert submit_unchanged_but(client, url, strapline="The colleague's words").status_code == 302
    assert edit_form(owner_client, url).data()["strapline"] == "The colleague's words"


def test_a_project_member_does_not_start_from_an_editors_unpublished_draft(owner_client, acme):
    film = project("The Clay Detectives", companies=[acme], client="CBBC")
    editors_draft(film, client="Editor's guess")
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    assert edit_form(owner_client, url).data()["client"] == "CBBC"


def test_an_unchanged_profile_sends_nothing_to_the_editors(owner_client, acme):
    revisions = acme.revisions.count()
    url = reverse("members:edit_profile", args=[acme.pk])
    response = submit_unchanged_but(owner_client, url)
    assert response.status_code == 302
    assert acme.revisions.count() == revisions
    assert acme.current_workflow_state is None
    dashboard = owner_client.get(response.url).content.decode()
    assert "Nothing changed, so nothing was sent to the editors." in dashboard


def test_a_stale_profile_save_keeps_what_was_typed_and_says_what_changed(owner_client, acme):
    url = reverse("members:edit_profile", args=[acme.pk])
    stale = edit_form(owner_client, url).data()
    stale.update(
        {
            "about_text": "We make clay move.",
            "credits-TOTAL_FORMS": "1",
            "credits-0-production": "Kiln Tales",
            "credits-0-client": "S4C",
            "credits-0-year": "2025",
            "credits-0-role": "Animation",
            "credits-0-ORDER": "1",
        }
    )
    client = colleague_client(acme)
    extra = SkillFactory(name="Stop motion", slug="no-edit-lost-stop-motion")
    theirs = edit_form(client, url).data()
    theirs.update(strapline="Theirs", skills=[theirs["skills"], str(extra.pk)])
    assert client.post(url, theirs).status_code == 302
    revisions = acme.revisions.count()

    response = owner_client.post(url, {**stale, "logo_upload": upload()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved changes" in html
    assert "Changed meanwhile: Strapline, Skills." in html
    assert "choose your images again" in html
    assert acme.revisions.count() == revisions
    shown = rendered_form(html, containing="base_revision").data()
    assert shown["about_text"] == "We make clay move."
    assert shown["credits-0-production"] == "Kiln Tales"
    assert shown["strapline"] == "Theirs"
    assert sorted(shown["skills"]) == sorted(theirs["skills"])

    # Sending the form as shown now keeps both people's changes.
    assert owner_client.post(url, shown).status_code == 302
    acme.refresh_from_db()
    latest = acme.get_latest_revision_as_object()
    assert latest.strapline == "Theirs"
    assert latest.about == "<p>We make clay move.</p>"
    assert {s.pk for s in latest.skills.all()} == {int(pk) for pk in theirs["skills"]}
    assert [c.production for c in latest.credits.all()] == ["Kiln Tales"]


def test_a_stale_project_save_keeps_what_was_typed_and_says_what_changed(owner_client, acme):
    film = project("The Clay Detectives", companies=[acme], client="CBBC")
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    stale = edit_form(owner_client, url).data()
    stale["synopsis_text"] = "Two detectives made of clay."
    client = colleague_client(acme)
    assert submit_unchanged_but(client, url, client="BBC Three").status_code == 302

    response = owner_client.post(url, stale)
    html = response.content.decode()
    assert "Changed meanwhile: Client or broadcaster." in html
    shown = rendered_form(html, containing="base_revision").data()
    assert shown["synopsis_text"] == "Two detectives made of clay."
    assert shown["client"] == "BBC Three"
