"""Issue 11: no member edit is lost, buried or corrupted."""

import re

from django.urls import reverse

import pytest

from tests.form_html import rendered_form
from tests.showcase.factories import project

from .factories import editor, member


def edit_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return rendered_form(response.content.decode(), containing="base_revision")


def test_the_profile_form_ticks_the_companys_skills_and_sectors(owner_client, acme):
    form = edit_form(owner_client, reverse("members:edit_profile", args=[acme.pk]))
    ticked = form.data()
    assert ticked.get("skills") == str(acme.skills.get().pk)
    assert ticked.get("sectors") == str(acme.sectors.get().pk)


def submit_unchanged_but(client, url, **changes):
    data = edit_form(client, url).data()
    data.update(changes)
    return client.post(url, data)


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


def test_an_editors_admin_save_does_not_move_joined_at(admin_client, acme):
    admin_url = f"/admin/pages/{acme.pk}/edit/"
    data = rendered_form(admin_client.get(admin_url).content.decode(), containing="title").data()
    data["strapline"] = "Edited by an editor"
    response = admin_client.post(admin_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Joined at" not in compared_fields(admin_client, acme, "live", "latest")


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


def test_a_colleagues_pending_change_is_continued_not_replaced(client, owner_client, acme):
    client.force_login(member(acme, "colleague@acme.example", role="editor"))
    url = reverse("members:edit_profile", args=[acme.pk])
    assert submit_unchanged_but(client, url, strapline="The colleague's words").status_code == 302
    assert edit_form(owner_client, url).data()["strapline"] == "The colleague's words"


def test_a_project_member_does_not_start_from_an_editors_unpublished_draft(owner_client, acme):
    film = project("The Clay Detectives", companies=[acme], client="CBBC")
    editors_draft(film, client="Editor's guess")
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    assert edit_form(owner_client, url).data()["client"] == "CBBC"
