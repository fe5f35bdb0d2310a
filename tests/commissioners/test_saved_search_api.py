"""The saved-search API: own searches only, clear 400s (CSRF and the schema: ``test_api``)."""

import pytest

from commissioners.models import SavedSearch
from tests.directory.factories import SkillFactory
from tests.members.factories import member

from .test_api import send

pytestmark = pytest.mark.django_db

BASE = "/api/v1/saved-searches"


def test_list_create_update_and_delete(buyer_client, buyer):
    SkillFactory(name="Animation", slug="animation")
    assert buyer_client.get(BASE).json() == []
    created = send(
        buyer_client,
        "post",
        BASE,
        {"name": "Animators", "query": "skill=animation&page=3&radius=-1", "frequency": "daily"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["query"], body["frequency"]) == (
        "Animators",
        "skill=animation",
        "daily",
    )
    assert body["url"].endswith("/directory/?skill=animation")
    one = f"{BASE}/{body['id']}"
    assert buyer_client.get(one).json()["name"] == "Animators"
    changed = send(buyer_client, "patch", one, {"frequency": "weekly"})
    assert changed.json()["frequency"] == "weekly" and changed.json()["name"] == "Animators"
    renamed = send(buyer_client, "patch", one, {"name": "Stoke animators"})
    assert renamed.json()["name"] == "Stoke animators"
    saved = SavedSearch.objects.get()
    assert (saved.owner, saved.name, saved.frequency) == (buyer, "Stoke animators", "weekly")
    assert [s["id"] for s in buyer_client.get(BASE).json()] == [saved.pk]
    assert send(buyer_client, "delete", one).status_code == 204
    assert send(buyer_client, "delete", one).status_code == 404
    assert not SavedSearch.objects.exists()


def test_a_patch_sent_unchanged_changes_nothing(buyer_client, buyer):
    search = SavedSearch.objects.create(
        owner=buyer, name="Animators", query_string="skill=animation", frequency="daily"
    )
    before = search.updated_at
    response = send(buyer_client, "patch", f"{BASE}/{search.pk}", {"name": "Animators"})
    assert response.status_code == 200
    search.refresh_from_db()
    assert search.updated_at == before  # an open edit form is not made stale by it


def test_bad_input_is_a_clear_400(buyer_client, buyer):
    for body in ({"name": "   "}, {}, {"name": "x" * 121}, {"name": "A", "frequency": "hourly"}):
        response = send(buyer_client, "post", BASE, body)
        assert response.status_code == 400 and response.json()["detail"], body
    search = SavedSearch.objects.create(owner=buyer, name="Mine")
    response = send(buyer_client, "patch", f"{BASE}/{search.pk}", {"frequency": "monthly"})
    assert response.status_code == 400
    assert buyer_client.get(f"{BASE}/not-a-number").status_code == 400
    assert SavedSearch.objects.get().frequency == "weekly"


def test_another_commissioners_search_is_404_on_every_route(buyer_client, rival_buyer):
    theirs = SavedSearch.objects.create(owner=rival_buyer, name="Theirs", query_string="q=vfx")
    before = SavedSearch.objects.filter(pk=theirs.pk).values().get()
    one = f"{BASE}/{theirs.pk}"
    assert buyer_client.get(one).status_code == 404
    assert send(buyer_client, "patch", one, {"name": "Mine"}).status_code == 404
    assert send(buyer_client, "delete", one).status_code == 404
    assert buyer_client.get(BASE).json() == []
    assert SavedSearch.objects.filter(pk=theirs.pk).values().get() == before


def test_anonymous_visitors_and_non_commissioners_are_refused(client, db):
    from tests.directory.factories import company

    assert client.get(BASE).status_code == 401
    client.force_login(member(company("Kiln Light"), "owner@kiln.example"))
    assert client.get(BASE).status_code == 401
    assert send(client, "post", BASE, {"name": "x"}).status_code == 401
