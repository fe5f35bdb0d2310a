"""Issue 11: no member edit is lost, buried or corrupted."""

import re

from django.urls import reverse

import pytest

from tests.form_html import rendered_form


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
