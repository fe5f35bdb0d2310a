"""Replays (cms.page_cache.replay_on_hit): what a view does beside rendering happens on hits too."""

from django.test import Client

from wagtail import hooks

import pytest

from cms import page_cache
from tests.cms import factories as f
from tests.directory.factories import home_page

pytestmark = pytest.mark.django_db

HOOK = "test_page_cache_replay"


@pytest.fixture
def about(settings):
    settings.PAGE_CACHE_ENABLED = True
    home_page()
    return f.standard_page("About")


@pytest.fixture
def replayed(monkeypatch):
    """The page's view asks for a replay; each hit's call is recorded."""
    calls = []
    monkeypatch.setitem(hooks._hooks, HOOK, [(lambda request, payload: calls.append(payload), 0)])
    original = page_cache.mark_page

    def mark_and_ask(request, page):
        original(request, page)
        page_cache.replay_on_hit(request, HOOK, {"page": page.pk})

    monkeypatch.setattr("cms.views.mark_page", mark_and_ask)  # where the view calls it
    return calls


def test_each_hit_replays_what_the_rendering_asked_for(about, replayed):
    client = Client()
    assert client.get("/about/")["X-Page-Cache"] == "miss"
    assert replayed == []  # the rendering itself did its own work
    for _ in range(2):
        assert client.get("/about/")["X-Page-Cache"] == "hit"
    assert replayed == [{"page": about.pk}, {"page": about.pk}]


def test_a_failing_replay_never_fails_the_hit(about, replayed, monkeypatch, caplog):
    def broken(request, payload):
        raise RuntimeError("counting is broken")

    monkeypatch.setitem(hooks._hooks, HOOK, [(broken, 0)])
    client = Client()
    client.get("/about/")
    response = client.get("/about/")
    assert (response.status_code, response["X-Page-Cache"]) == (200, "hit")
    assert "Replaying test_page_cache_replay" in caplog.text
