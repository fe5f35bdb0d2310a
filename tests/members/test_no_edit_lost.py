"""Issue 11: no member edit is lost, buried or corrupted."""

from django.urls import reverse

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
