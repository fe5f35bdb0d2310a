"""Saved searches: saving from the directory, the list, changes, deletes, and who may see what."""

from urllib.parse import urlencode

from django.urls import reverse

import pytest

from commissioners import alerts
from commissioners.forms import version_of
from commissioners.models import SavedSearch
from tests.directory.factories import PlaceFactory, SkillFactory, company, directory_index
from tests.members.factories import PASSWORD

pytestmark = pytest.mark.django_db

SAVE = reverse("commissioners:save_search")
LIST = reverse("commissioners:saved_searches")


@pytest.fixture
def stoke_animation(db):
    stoke = PlaceFactory(name="Stoke", slug="stoke", latitude=53.0, longitude=-2.18)
    animation = SkillFactory(name="Animation", slug="animation")
    company("Kiln Light Animation", skills=[animation], place=stoke)
    return stoke, animation


def saved_search(owner, name="Animation near Stoke", query="skill=animation", **fields):
    return SavedSearch.objects.create(owner=owner, name=name, query_string=query, **fields)


def test_the_directory_links_to_saving_the_search_with_every_filter(client, stoke_animation):
    page = directory_index()
    params = {
        "q": "stop motion",
        "skill": "animation",
        "near": "stoke",
        "radius": "10",
        "verified": "1",
        "available_by": "2030-01-31",
        "client": "Channel 4",
        "page": "1",
    }
    html = client.get(f"{page.url}?{urlencode(params)}").content.decode()
    link = reverse("commissioners:save_search") + "?"
    assert link in html
    start = html.index(link)
    href = html[start : html.index('"', start)].replace("&amp;", "&")
    for name in (
        "q=stop+motion",
        "skill=animation",
        "near=stoke",
        "radius=10",
        "verified=1",
        "available_by=2030-01-31",
        "client=Channel+4",
    ):
        assert name in href, name
    assert "page=" not in href


def test_anonymous_visitors_sign_in_and_come_back_able_to_save(client, buyer, stoke_animation):
    url = f"{SAVE}?skill=animation&near=stoke&radius=10"
    response = client.get(url)
    assert response.status_code == 302
    login = response.url
    assert login.startswith(reverse("commissioners:login"))
    signed_in = client.post(login, {"username": buyer.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.url == url
    form_page = client.get(signed_in.url)
    assert form_page.status_code == 200
    assert "animation" in form_page.content.decode()
    saved = client.post(url, {"name": "Animation near Stoke", "frequency": "daily"})
    assert saved.status_code == 302 and saved.url == LIST
    search = SavedSearch.objects.get()
    assert (search.owner, search.name, search.frequency) == (buyer, "Animation near Stoke", "daily")
    assert search.query_string == "skill=animation&near=stoke&radius=10"
    assert search.last_run_at is None
    listing = client.get(LIST).content.decode()
    assert "Animation near Stoke" in listing
    assert f'href="{directory_index().url}?skill=animation&amp;near=stoke&amp;radius=10"' in listing


def test_saving_normalises_and_drops_malformed_values(buyer_client, stoke_animation):
    buyer_client.post(
        f"{SAVE}?radius=-3&skill=animation&page=4&verified=banana",
        {"name": "Tidy", "frequency": "weekly"},
    )
    assert SavedSearch.objects.get().query_string == "skill=animation"


def test_a_saved_search_needs_a_name(buyer_client):
    response = buyer_client.post(f"{SAVE}?q=drone", {"name": "  ", "frequency": "weekly"})
    assert response.status_code == 400
    assert "Give the search a name." in response.content.decode()
    response = buyer_client.post(f"{SAVE}?q=drone", {"name": "Drones", "frequency": "hourly"})
    assert response.status_code == 400
    assert not SavedSearch.objects.exists()


def test_members_who_are_not_commissioners_are_sent_to_the_account_page(client):
    from tests.members.factories import member, rich_company

    client.force_login(member(rich_company()))
    assert client.get(SAVE).url == reverse("commissioners:home")
    assert client.post(SAVE, {"name": "x", "frequency": "weekly"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_rename_change_frequency_and_delete(buyer_client, buyer):
    search = saved_search(buyer)
    edit = reverse("commissioners:edit_search", args=[search.pk])
    response = buyer_client.post(
        edit, {"name": "Stoke animators", "frequency": "never", "version": version_of(search)}
    )
    assert response.status_code == 302
    search.refresh_from_db()
    assert (search.name, search.frequency) == ("Stoke animators", "never")
    response = buyer_client.post(reverse("commissioners:delete_search", args=[search.pk]))
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


def test_a_stale_change_is_refused_keeping_what_was_typed(buyer_client, buyer):
    search = saved_search(buyer)
    old_version = version_of(search)
    SavedSearch.objects.filter(pk=search.pk).update(name="Renamed in another tab")
    search.refresh_from_db()
    search.save()  # a newer change: a new version
    edit = reverse("commissioners:edit_search", args=[search.pk])
    response = buyer_client.post(
        edit, {"name": "My typing", "frequency": "daily", "version": old_version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed elsewhere" in html
    assert 'value="My typing"' in html
    search.refresh_from_db()
    assert (search.name, search.frequency) == ("Renamed in another tab", "weekly")
    # Saving again from the page that said so goes through.
    assert f'value="{version_of(search)}"' in html
    again = buyer_client.post(
        edit, {"name": "My typing", "frequency": "daily", "version": version_of(search)}
    )
    assert again.status_code == 302


def test_another_commissioners_search_is_404_on_every_url(buyer_client, rival_buyer):
    theirs = saved_search(rival_buyer, frequency="daily")
    before = SavedSearch.objects.filter(pk=theirs.pk).values().get()
    data = {"name": "Mine now", "frequency": "never", "version": version_of(theirs)}
    for name in ("edit_search", "delete_search"):
        response = buyer_client.post(reverse(f"commissioners:{name}", args=[theirs.pk]), data)
        assert response.status_code == 404, name
    assert "Animation near Stoke" not in buyer_client.get(LIST).content.decode()
    assert SavedSearch.objects.filter(pk=theirs.pk).values().get() == before


def test_only_post_changes_a_search(buyer_client, buyer):
    search = saved_search(buyer)
    for name in ("edit_search", "delete_search"):
        assert (
            buyer_client.get(reverse(f"commissioners:{name}", args=[search.pk])).status_code == 405
        )
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_signed_out_visitors_are_sent_to_sign_in_everywhere(client, buyer):
    search = saved_search(buyer)
    for url in (
        LIST,
        reverse("commissioners:edit_search", args=[search.pk]),
        reverse("commissioners:delete_search", args=[search.pk]),
    ):
        response = client.post(url) if url != LIST else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("commissioners:login")), url
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_saving_needs_csrf(buyer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    response = browser.post(SAVE, {"name": "x", "frequency": "weekly"})
    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_saving_is_rate_limited(buyer_client, settings):
    settings.RATELIMIT_ENABLE = True
    for n in range(30):
        buyer_client.post(f"{SAVE}?q=drone", {"name": f"Drones {n}", "frequency": "weekly"})
    response = buyer_client.post(f"{SAVE}?q=drone", {"name": "One more", "frequency": "weekly"})
    assert response.status_code == 429
    assert SavedSearch.objects.count() == 30


def test_the_search_link_runs_the_search(buyer, stoke_animation):
    search = saved_search(buyer)
    assert alerts.search_url(search) == f"{directory_index().url}?skill=animation"
