"""Wagtail's own concurrent-editing support, on for the pages members change too.

Wagtail 8 does not lock a page against a second editor: each admin edit form
opens an editing session that pings the server, and the answer names anyone
who saved a newer version since the form loaded, which the save button then
asks the editor to confirm ("Proceeding will overwrite the changes made by
..."). Autosave, which has no one to ask, refuses to save over a newer version.
These tests take the place of the member's browser and the editor's.
"""

import json
import re

from django.test import Client
from django.urls import reverse

import pytest

from tests.form_html import rendered_form, rendered_forms
from tests.showcase.factories import project

from .factories import editor

EDITED = {
    "profile": ("members:edit_profile", "strapline"),
    "project": ("members:project_edit", "client"),
}


@pytest.fixture
def editor_client(db):
    browser = Client()
    browser.force_login(editor())
    return browser


def a_page_of(acme, kind):
    return acme if kind == "profile" else project("Kiln Tales", companies=[acme], client="S4C")


def member_changes(owner_client, acme, page, kind):
    """The member sends one change to ``page``, through the member area."""
    url_name, field = EDITED[kind]
    url = reverse(url_name, args=[acme.pk] if kind == "profile" else [acme.pk, page.pk])
    data = rendered_form(owner_client.get(url).content.decode(), containing="base_revision").data()
    data[field] = "Changed by the member"
    assert owner_client.post(url, data).status_code == 302


def editing_session(html):
    """The editing session form of an admin edit page: its ping URL and what it sends."""
    ping_url = re.search(r'data-w-swap-src-value="([^"]+)"', html).group(1)
    (session,) = [f for f in rendered_forms(html) if "revision_id" in dict(f.fields)]
    return ping_url, session.data()


@pytest.mark.parametrize("kind", ["profile", "project"])
def test_an_editor_with_an_older_form_is_told_a_member_saved_a_newer_version(
    owner_client, owner, acme, editor_client, kind
):
    page = a_page_of(acme, kind)
    edit_url = f"/admin/pages/{page.pk}/edit/"
    html = editor_client.get(edit_url).content.decode()
    ping_url, session = editing_session(html)
    ping = json.loads(editor_client.post(ping_url, session).content)
    assert "saved a new version" not in ping["html"]

    member_changes(owner_client, acme, page, kind)

    ping = json.loads(editor_client.post(ping_url, session).content)
    assert f"{owner.email} saved a new version" in ping["html"]
    assert f"Proceeding will overwrite the changes made by {owner.email}" in ping["html"]


@pytest.mark.parametrize("kind", ["profile", "project"])
def test_an_autosave_based_on_an_older_revision_is_refused(owner_client, acme, editor_client, kind):
    page = a_page_of(acme, kind)
    edit_url = f"/admin/pages/{page.pk}/edit/"
    stale = rendered_form(editor_client.get(edit_url).content.decode(), containing="title")
    assert "loaded_revision_id" in stale.data()

    member_changes(owner_client, acme, page, kind)
    members_revision = type(page).objects.get(pk=page.pk).latest_revision_id

    editors = {**stale.data(), "title": "The editor's older idea"}
    response = editor_client.post(edit_url, editors, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error_code"] == "invalid_revision"
    assert type(page).objects.get(pk=page.pk).latest_revision_id == members_revision
