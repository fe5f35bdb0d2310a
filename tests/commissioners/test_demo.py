import io

from django.test import Client

from commissioners import alerts, demo
from commissioners.models import SavedSearch, Shortlist, is_commissioner
from directory.search import run_search
from tests.directory.factories import company


def test_seed_makes_a_confirmed_commissioner_with_notes_and_a_shared_list_once(db):
    from tests.directory.factories import PlaceFactory

    leek = PlaceFactory(name="Leek", slug="leek", latitude=53.1, longitude=-2.02)
    for n in range(6):
        company(f"Demo Co {n}", skills=["Stop motion"] if n == 0 else [], place=leek)
    out = io.StringIO()
    demo.seed(out, {"editor_password": "Demo-pass-2026"})
    demo.seed(out, {})
    [shortlist, pitch] = Shortlist.objects.order_by("-is_default", "name")
    assert shortlist.is_default and shortlist.entries.count() == 3
    assert shortlist.entries.exclude(note="").count() == 2
    assert pitch.entries.count() == 3 and pitch.share_token
    assert Client().get(f"/shortlist/shared/{pitch.share_token}/").status_code == 200
    assert is_commissioner(shortlist.owner)
    assert "password unchanged" in out.getvalue()
    [search] = SavedSearch.objects.all()
    assert (search.owner, search.frequency) == (shortlist.owner, "weekly")
    assert search.name == "Stop motion near Leek"
    assert search.query_string == "skill=stop-motion&near=leek&radius=25"
    demo_companies = run_search(alerts.search_query(search)).hits
    assert [hit.title for hit in demo_companies] == ["Demo Co 0"]
    response = Client().post(
        "/commissioners/login/",
        {"username": demo.DEMO_COMMISSIONER[0], "password": "Demo-pass-2026"},
    )
    assert response.status_code == 302


def test_seed_without_companies_says_so(db):
    out = io.StringIO()
    demo.seed(out, {})
    assert "run the directory seeder first" in out.getvalue()
    assert not Shortlist.objects.exists()
