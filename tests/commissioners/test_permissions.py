"""Another commissioner's lists: every URL answers 404, and nothing changes."""

import json

from django.urls import reverse

import pytest

from commissioners.models import Shortlist, ShortlistEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_list(rival_buyer, studios):
    shortlist = Shortlist.objects.create(owner=rival_buyer, name="Their secret list")
    shortlist.add(studios[0])
    ShortlistEntry.objects.filter(shortlist=shortlist).update(note="their private note")
    shortlist.share()
    return shortlist


def state(shortlist):
    shortlist.refresh_from_db()
    return (
        shortlist.name,
        shortlist.share_token,
        list(shortlist.entries.values_list("company_id", "note")),
    )


def test_every_url_of_another_commissioners_list_is_404(buyer_client, their_list, studios):
    before = state(their_list)
    pk, company = their_list.pk, studios[0].pk
    gets = [
        reverse("shortlist:detail", args=[pk]),
        reverse("shortlist:export_csv", args=[pk]),
        reverse("shortlist:brief", args=[pk]),
        reverse("shortlist:rename", args=[pk]),
        reverse("shortlist:delete", args=[pk]),
    ]
    posts = [
        (reverse("shortlist:share", args=[pk]), {}),
        (reverse("shortlist:revoke", args=[pk]), {}),
        (reverse("shortlist:delete", args=[pk]), {}),
        (reverse("shortlist:rename", args=[pk]), {"name": "Mine now", "based_on": their_list.name}),
        (
            reverse("shortlist:brief", args=[pk]),
            {"name": "x", "message": "y" * 30, "companies": [company]},
        ),
        (reverse("shortlist:brief", args=[pk]), {"name": "x", "message": "y" * 30}),
        (reverse("shortlist:note", args=[pk, company]), {"note": "mine now"}),
        (reverse("shortlist:remove", args=[pk, company]), {}),
        (reverse("shortlist:toggle"), {"company": studios[1].pk, "list": pk}),
    ]
    for url in gets:
        assert buyer_client.get(url).status_code == 404, url
    for url, data in posts:
        assert buyer_client.post(url, data).status_code == 404, url
    assert state(their_list) == before


def test_the_api_answers_404_for_another_commissioners_list(buyer_client, their_list, studios):
    before = state(their_list)
    base = f"/api/v1/shortlists/{their_list.pk}"
    company = f"{base}/companies/{studios[1].pk}"
    owned = f"{base}/companies/{studios[0].pk}"
    assert buyer_client.get(base).status_code == 404
    assert buyer_client.put(company).status_code == 404
    assert (
        buyer_client.patch(
            owned, json.dumps({"note": "mine"}), content_type="application/json"
        ).status_code
        == 404
    )
    assert buyer_client.delete(owned).status_code == 404
    listed = buyer_client.get("/api/v1/shortlists").json()
    assert their_list.pk not in [row["id"] for row in listed]
    assert state(their_list) == before


def test_a_revoked_or_made_up_share_token_is_404(client, their_list):
    token = their_list.share_token
    assert client.get(reverse("shortlist:shared", args=[token])).status_code == 200
    their_list.revoke_share()
    assert client.get(reverse("shortlist:shared", args=[token])).status_code == 404
    assert client.get(reverse("shortlist:shared", args=["made-up"])).status_code == 404
