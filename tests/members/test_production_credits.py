"""A member's credits link to productions when the change is approved: existing ones by title
and year however they are written, new ones made then (never before approval)."""

from __future__ import annotations

import pytest

from directory.models import Production
from tests.directory.factories import company

from .factories import editor
from .test_profile_changes import credits_data, edit_url, profile_data

pytestmark = pytest.mark.django_db


def test_approved_credits_find_the_existing_production_or_make_a_new_one(owner_client, acme):
    other = company("Kiln Animation", credits=0)
    other.credits.create(production="The Brick Lane North", year=2024, client="Channel 4")
    other.save_revision().publish()
    existing = Production.objects.get()

    page = owner_client.get(edit_url(acme)).content.decode()
    assert '<datalist id="known-productions">' in page
    assert '<option value="The Brick Lane North">2024 · Channel 4</option>' in page
    assert 'list="known-productions"' in page

    rows = [
        {"production": "brick lane north", "client": "C4", "year": "2024", "ORDER": "1"},
        {"production": "Clay Hearts", "client": "Marl Films", "year": "2022", "ORDER": "2"},
    ]
    response = owner_client.post(edit_url(acme), profile_data(acme, **credits_data(*rows)))
    assert response.status_code == 302
    assert Production.objects.count() == 1  # nothing made before an editor approves

    acme.refresh_from_db()
    acme.current_workflow_state.current_task_state.approve(user=editor())
    works = {c.production: c.work for c in acme.credits.all()}
    assert works["brick lane north"] == existing
    assert (works["Clay Hearts"].title, works["Clay Hearts"].client) == (
        "Clay Hearts",
        "Marl Films",
    )
    assert Production.objects.count() == 2
