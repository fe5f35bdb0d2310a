import io

from django.test import Client

from commissioners import demo
from commissioners.models import Shortlist, is_commissioner
from tests.directory.factories import company


def test_seed_makes_a_confirmed_commissioner_with_notes_and_a_shared_list_once(db):
    for n in range(6):
        company(f"Demo Co {n}")
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
