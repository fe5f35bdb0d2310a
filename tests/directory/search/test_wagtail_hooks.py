"""Editors manage search synonyms in the admin (directory/search/wagtail_hooks.py)."""

from __future__ import annotations

from django.urls import reverse

import pytest

from directory.search.models import Synonym


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def test_editor_adds_lists_and_searches_synonyms(editor_client):
    add_url = reverse("wagtailsnippets_directory_search_synonym:add")
    response = editor_client.post(add_url, {"terms": "VFX, visual effects"})
    assert response.status_code == 302
    assert Synonym.objects.get().term_list == ["VFX", "visual effects"]

    list_url = reverse("wagtailsnippets_directory_search_synonym:list")
    response = editor_client.get(list_url)
    assert response.status_code == 200
    assert "VFX, visual effects" in response.content.decode()
    response = editor_client.get(list_url, {"q": "visual"})
    assert response.status_code == 200
    assert "VFX, visual effects" in response.content.decode()


def test_synonyms_appear_in_the_admin_menu(editor_client):
    response = editor_client.get(reverse("wagtailadmin_home"))
    assert "Search synonyms" in response.content.decode()
