"""Editors manage search synonyms in the admin (directory/search/wagtail_hooks.py).

The demo editor's groups may (migration 0004), and a synonym added there
changes the next search on both backends.
"""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.urls import reverse

import pytest

from cms.demo import EDITOR_USERNAME, ensure_editor
from directory.search import run_search
from directory.search.models import Synonym
from directory.search.query import parse_search_params
from tests.form_html import rendered_form


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def test_editor_adds_lists_and_searches_synonyms(editor_client):
    add_url = reverse("wagtailsnippets_directory_search_synonym:add")
    response = editor_client.post(add_url, {"terms": "Kiln work, ceramics"})
    assert response.status_code == 302
    assert Synonym.objects.get(terms="Kiln work, ceramics").term_list == ["Kiln work", "ceramics"]

    list_url = reverse("wagtailsnippets_directory_search_synonym:list")
    response = editor_client.get(list_url)
    assert response.status_code == 200
    assert "VFX, visual effects" in response.content.decode()
    response = editor_client.get(list_url, {"q": "ceramics"})
    assert response.status_code == 200
    assert "Kiln work, ceramics" in response.content.decode()


def test_synonyms_appear_in_the_admin_menu(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert "Search synonyms" in response.content.decode()


@pytest.fixture
def demo_editor_client(client, db):
    """The demo's editor (cms.demo.ensure_editor): Editors and Moderators, not a superuser."""
    ensure_editor(io.StringIO(), password="a-demo-password-1")
    user = get_user_model().objects.get(username=EDITOR_USERNAME)
    assert not user.is_superuser
    client.force_login(user)
    return client


def test_the_demo_editor_adds_a_synonym_and_both_backends_use_it(demo_editor_client, contract_data):
    def found(text):
        query = parse_search_params(QueryDict(f"q={text}&page_size=50"))
        return {hit.title for hit in run_search(query, backend=contract_data.backend).hits}

    assert found("ceramics") == set()
    response = demo_editor_client.post(
        reverse("wagtailsnippets_directory_search_synonym:add"),
        {"terms": "ceramics, kiln"},
    )
    assert response.status_code == 302
    # No reindex: the next search on either backend reads the synonym.
    assert found("ceramics") == {"Kiln Animation"}


def test_a_synonym_needs_two_terms(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_directory_search_synonym:add"), {"terms": "lonely"}
    )
    assert response.status_code == 200
    assert "at least two terms" in response.content.decode()
    assert not Synonym.objects.filter(terms="lonely").exists()


def test_the_synonym_form_submitted_unchanged_changes_nothing(editor_client):
    synonym = Synonym.objects.get(terms="post, post-production")
    before = list(Synonym.objects.order_by("pk").values_list("pk", "terms", "one_way"))
    edit_url = reverse("wagtailsnippets_directory_search_synonym:edit", args=[synonym.pk])
    form = rendered_form(editor_client.get(edit_url).content.decode(), containing="terms")
    response = editor_client.post(edit_url, form.data())
    assert response.status_code == 302
    assert list(Synonym.objects.order_by("pk").values_list("pk", "terms", "one_way")) == before


def test_the_demo_editor_changes_and_removes_a_pin_in_the_admin(demo_editor_client, contract_data):
    from directory.search.models import SearchPin

    c = contract_data.company
    add_url = reverse("wagtailsnippets_directory_search_searchpin:add")
    response = demo_editor_client.post(add_url, {"text": "Drone  Filming", "company": c.kiln.pk})
    assert response.status_code == 302
    pin = SearchPin.objects.get()
    assert (pin.text, pin.company_id) == ("drone filming", c.kiln.pk)
    listing = demo_editor_client.get(reverse("wagtailsnippets_directory_search_searchpin:list"))
    assert "drone filming" in listing.content.decode()
    assert "Search pins" in demo_editor_client.get(reverse("wagtailadmin_home")).content.decode()

    def search():
        return run_search(
            parse_search_params(QueryDict("q=drone+filming")), backend=contract_data.backend
        )

    assert [hit.title for hit in search().picks] == ["Kiln Animation"]
    edit_url = reverse("wagtailsnippets_directory_search_searchpin:edit", args=[pin.pk])
    response = demo_editor_client.post(edit_url, {"text": "drone filming", "company": c.trent.pk})
    assert response.status_code == 302
    assert [hit.title for hit in search().picks] == ["Trent VFX"]
    delete_url = reverse("wagtailsnippets_directory_search_searchpin:delete", args=[pin.pk])
    assert demo_editor_client.post(delete_url).status_code == 302
    assert search().picks == []


def test_a_member_or_a_signed_out_visitor_cannot_manage_pins(client, db, django_user_model):
    from directory.search.models import SearchPin

    add_url = reverse("wagtailsnippets_directory_search_searchpin:add")
    assert client.post(add_url, {"text": "drone"}).status_code == 302  # to sign in
    person = django_user_model.objects.create_user("member", "m@example.com", "pw")
    client.force_login(person)
    assert client.post(add_url, {"text": "drone"}).status_code in (302, 403)
    assert not SearchPin.objects.exists()
