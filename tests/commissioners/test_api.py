"""The shortlist and saved-search APIs: session authentication, CSRF on writes, the schema."""

import json

from django.test import Client

import pytest

from commissioners.api import OPERATIONS, SAVED_SEARCH_OPERATIONS
from commissioners.models import SavedSearch, Shortlist, ShortlistEntry
from tests.members.factories import member

pytestmark = pytest.mark.django_db

BASE = "/api/v1/shortlists"


def send(client, method, url, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def test_list_create_add_note_and_remove(buyer_client, buyer, studios):
    kiln, glaze, _ = studios
    [default] = buyer_client.get(BASE).json()
    assert (default["name"], default["is_default"], default["companies"]) == (
        "My shortlist",
        True,
        [],
    )
    created = send(buyer_client, "post", BASE, {"name": "Games pitch"})
    assert created.status_code == 201
    pitch = created.json()["id"]
    url = f"{BASE}/{pitch}/companies/{kiln.pk}"
    assert send(buyer_client, "put", url).status_code == 201
    assert send(buyer_client, "put", url).status_code == 200  # already there
    noted = send(buyer_client, "patch", url, {"note": "Ask about Unreal work"})
    assert noted.json()["note"] == "Ask about Unreal work"
    one = buyer_client.get(f"{BASE}/{pitch}").json()
    assert [(c["name"], c["note"]) for c in one["companies"]] == [
        ("Kiln Light Animation", "Ask about Unreal work")
    ]
    assert send(buyer_client, "delete", url).status_code == 204
    assert send(buyer_client, "delete", url).status_code == 404
    assert not ShortlistEntry.objects.filter(shortlist_id=pitch).exists()
    # Only listed companies can be added.
    glaze.unpublish()
    assert send(buyer_client, "put", f"{BASE}/{pitch}/companies/{glaze.pk}").status_code == 404


def test_bad_input_is_a_clear_400(buyer_client):
    for body in ({"name": "   "}, {}, {"name": "x" * 121}):
        response = send(buyer_client, "post", BASE, body)
        assert response.status_code == 400 and response.json()["detail"], body
    assert buyer_client.get(f"{BASE}/not-a-number").status_code == 400
    assert not Shortlist.objects.filter(is_default=False).exists()


def test_anonymous_visitors_and_non_commissioners_are_refused(client, db, studios):
    assert client.get(BASE).status_code == 401
    client.force_login(member(studios[0], "owner@kiln.example"))
    assert client.get(BASE).status_code == 401


@pytest.mark.parametrize(
    ("base", "model"), [(BASE, Shortlist), ("/api/v1/saved-searches", SavedSearch)]
)
def test_writes_need_the_csrf_token(buyer, studios, base, model):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    assert browser.get(base).status_code == 200  # reads need none
    refused = send(browser, "post", base, {"name": "Sneaky"})
    assert refused.status_code == 403
    assert not model.objects.filter(name="Sneaky").exists()
    browser.get("/commissioners/")  # a page with a form sets the cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        base,
        json.dumps({"name": "Fine"}),
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("base", "documented"),
    [(BASE, OPERATIONS), ("/api/v1/saved-searches", SAVED_SEARCH_OPERATIONS)],
)
def test_the_schema_documents_every_operation_with_cookie_authentication(client, base, documented):
    schema = client.get("/api/v1/openapi.json").json()
    found = {
        f"{method.upper()} /api/v1{path.removeprefix('/api/v1')}"
        for path, operations in schema["paths"].items()
        if path.startswith(base)
        for method in operations
    }
    assert found == set(documented)
    schemes = schema["components"]["securitySchemes"]
    assert any(s["type"] == "apiKey" and s["in"] == "cookie" for s in schemes.values())
    for path, operations in schema["paths"].items():
        if path.startswith(base):
            for operation in operations.values():
                assert operation["security"], path
