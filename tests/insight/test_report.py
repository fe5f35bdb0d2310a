"""The editors' search report (Reports › Searches): figures, date range, CSV, permissions."""

import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

import pytest

from insight.models import DailySearchCount, SearchEvent

pytestmark = pytest.mark.django_db

URL = "/admin/reports/searches/"


def search(days_ago=0, text="animation", total=4, **fields):
    return SearchEvent.objects.create(
        at=timezone.now() - datetime.timedelta(days=days_ago, minutes=1),
        source="page",
        text=text,
        total=total,
        backend="database",
        **fields,
    )


@pytest.fixture
def history():
    for _ in range(3):
        search(text="animation", total=12)
    search(text="drone", total=0)
    search(text="drone", total=0)
    search(text="drone", total=0, filters="place=leek")
    search(text="", redacted=True, total=0)
    search(days_ago=45, text="old search", total=0)
    DailySearchCount.objects.create(
        day=timezone.localdate() - datetime.timedelta(days=100),
        source="page",
        text="animation",
        searches=7,
        no_results=0,
        results_sum=70,
    )


def user(username, *, groups=(), superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    person = User.objects.create_user(username, f"{username}@example.com", "pw")
    person.groups.add(*Group.objects.filter(name__in=groups))
    return person


@pytest.fixture
def editor(client):
    client.force_login(user("editor", groups=["Editors"]))
    return client


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_report_is_registered_where_editors_find_it():
    assert reverse("insight_searches") == URL


def test_editors_see_the_top_searches_of_the_last_30_days(editor, history):
    response = editor.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 searches from" in page  # not the one of 45 days ago, nor the folded 7
    assert page.index("animation") < page.index("drone")
    assert "(personal details: not kept)" in page
    assert "old search" not in page
    assert "Download CSV" in page


def test_the_few_results_view_lists_the_skills_gaps(editor, history):
    page = editor.get(URL, {"results": "few"}).content.decode()
    assert "drone" in page and "place=leek" in page
    assert "animation" not in page


def test_a_date_range_reaches_folded_days_and_exports_csv(editor, history):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=120)
    response = editor.get(
        URL, {"start": start.isoformat(), "end": today.isoformat(), "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = rows_of(response)
    assert table[0] == ["search", "filters", "near", "searches", "found nothing", "mean results"]
    assert table[1] == ["animation", "", "", "10", "0", "10.6"]  # 3 raw + 7 folded
    assert ["old search", "", "", "1", "1", "0.0"] in table


def test_bad_or_reversed_dates_never_fail(editor, history):
    for params in (
        {"start": "not a date"},
        {"start": "2026-13-45", "end": "x"},
        {"start": timezone.localdate().isoformat(), "end": "2020-01-01"},
        {"p": "999"},
        {"results": "nonsense"},
    ):
        assert editor.get(URL, params).status_code == 200, params


def test_a_formula_in_search_text_is_exported_as_text(editor):
    search(text='=hyperlink("http://evil.example")')
    table = rows_of(editor.get(URL, {"export": "csv"}))
    assert table[1][0].startswith("'=")


@pytest.mark.parametrize("groups", [["Editors"], ["Moderators"]])
def test_editors_and_moderators_may_see_it(client, groups):
    client.force_login(user("someone", groups=groups))
    assert client.get(URL).status_code == 200
    assert client.get(URL, {"export": "csv"}).status_code == 200


def test_nobody_else_may(client, history):
    assert client.get(URL).status_code == 302  # to the admin's sign-in
    assert client.get(URL, {"export": "csv"}).status_code == 302
    client.force_login(user("member"))
    response = client.get(URL, {"export": "csv"})
    assert response.status_code in (302, 403)
    assert b"animation" not in response.content
    # In the admin, but not trusted with the cluster's figures.
    from django.contrib.auth.models import Permission

    admin_only = Group.objects.create(name="Admin access only")
    admin_only.permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user("contributor", groups=["Admin access only"]))
    assert client.get("/admin/").status_code == 200
    for params in ({}, {"export": "csv"}):
        response = client.get(URL, params)
        # Wagtail answers a refusal in the admin by sending them to its start.
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert URL.encode() not in client.get("/admin/").content


def test_the_reports_menu_shows_it_to_editors_only(client):
    client.force_login(user("editor", groups=["Editors"]))
    assert URL.encode() in client.get("/admin/").content
    client.force_login(user("admin", superuser=True))
    assert URL.encode() in client.get("/admin/").content


def test_the_dashboard_shows_editors_the_top_searches_and_gaps(editor, history):
    page = editor.get("/admin/").content.decode()
    assert "What commissioners searched for" in page
    top, gaps = page.split("Most made", 1)[1].split("No or few results", 1)
    assert top.index("animation") < top.index("drone")
    assert "drone" in gaps and "animation" not in gaps.split("</ol>")[0]


def test_the_dashboard_panel_is_for_editors_only(client, history):
    from django.contrib.auth.models import Permission

    admin_only = Group.objects.create(name="Admin access only")
    admin_only.permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user("contributor", groups=["Admin access only"]))
    page = client.get("/admin/").content.decode()
    assert "What commissioners searched for" not in page
    assert "animation" not in page


def test_the_filters_used_most_are_named(editor, history):
    from tests.directory.factories import PlaceFactory, SkillFactory

    PlaceFactory(name="Leek", slug="leek")
    SkillFactory(name="2D animation", slug="2d-animation")
    search(filters="place=leek&skill=2d-animation")
    search(filters="skill=2d-animation", near="st4")
    page = editor.get(URL).content.decode()
    filters = page.split("Filters used most", 1)[1]
    assert "2D animation: 2 searches" in filters
    assert "Leek: 2 searches" in filters  # with the drone search's place=leek
    assert "ST4: 1 search<" in filters


def test_weeks_count_raw_and_folded_searches(editor, history):
    from insight.reporting import weekly

    today = timezone.localdate()
    weeks = weekly(today - datetime.timedelta(days=120), today)
    assert all(week.start.weekday() == 0 for week in weeks)
    assert sum(week.searches for week in weeks) == 7 + 1 + 7  # this month, 45 days ago, folded
    assert sum(week.no_results for week in weeks) == 5
    folded_day = today - datetime.timedelta(days=100)
    week_of = folded_day - datetime.timedelta(days=folded_day.weekday())
    assert next(w for w in weeks if w.start == week_of).searches == 7
    assert "By week" in editor.get(URL).content.decode()


SYNONYM_URL = "/admin/reports/searches/add-synonym/"


def test_a_synonym_added_from_a_zero_result_search_makes_it_find_companies(editor, history):
    from tests.directory.factories import company, directory_index, home_page

    home_page()
    directory_index()
    company("Skyline Aerial", skills=["Aerial filming"])
    assert editor.get("/api/v1/directory/search?q=drone").json()["total"] == 0
    report = editor.get(URL).content.decode()
    assert f"{SYNONYM_URL}?q=drone" in report
    assert editor.get(SYNONYM_URL, {"q": "drone"}).context["form"]["search"].value() == "drone"
    response = editor.post(SYNONYM_URL, {"search": "drone", "means": "aerial filming"})
    assert (response.status_code, response["Location"]) == (302, URL)
    assert editor.get("/api/v1/directory/search?q=drone").json()["total"] == 1
    # The same again is refused with the synonym's own message, never a 500.
    again = editor.post(SYNONYM_URL, {"search": "drone", "means": "aerial filming"})
    assert again.status_code == 200 and again.context["form"].errors
    assert editor.post(SYNONYM_URL, {"search": "drone", "means": " , "}).status_code == 200


def test_only_editors_who_may_add_synonyms_may(client, history):
    from django.contrib.auth.models import Permission

    viewer = Group.objects.create(name="Report readers")
    viewer.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_searchevent"])
    )
    client.force_login(user("reader", groups=["Report readers"]))
    assert client.get(URL).status_code == 200
    assert SYNONYM_URL not in client.get(URL).content.decode()
    from directory.search.models import Synonym

    before = Synonym.objects.count()
    response = client.post(SYNONYM_URL, {"search": "drone", "means": "aerial filming"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Synonym.objects.count() == before


PIN_URL = "/admin/reports/searches/pin/"
GAP_URL = "/admin/reports/searches/skills-gap/"


def test_an_editor_pins_a_company_for_a_search_and_both_page_and_api_show_it(editor, history):
    from directory.search.models import SearchPin
    from tests.directory.factories import company, directory_index, home_page

    home_page()
    directory_index()
    skyline = company("Skyline Aerial", skills=["Aerial filming"])
    report = editor.get(URL).content.decode()
    assert f"{PIN_URL}?q=drone" in report
    # A search with plenty of results has no actions.
    assert f"{PIN_URL}?q=animation" not in report
    form = editor.get(PIN_URL, {"q": "Drone"}).context["form"]
    assert form["text"].value() == "drone"
    response = editor.post(PIN_URL, {"text": "drone", "company": skyline.pk})
    assert (response.status_code, response["Location"]) == (302, URL)
    assert SearchPin.objects.get().company_id == skyline.pk
    api = editor.get("/api/v1/directory/search?q=drone").json()
    assert [pick["name"] for pick in api["editors_picks"]] == ["Skyline Aerial"]
    assert api["total"] == 0
    page = editor.get("/directory/?q=drone").content.decode()
    assert "Editor’s pick" in page and "Skyline Aerial" in page
    assert "Editor's pick: Skyline Aerial" in editor.get(URL).content.decode()
    # The same pin again is refused with a message, never a 500, and adds nothing.
    again = editor.post(PIN_URL, {"text": "drone", "company": skyline.pk})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert SearchPin.objects.count() == 1
    # Only listed companies may be picked.
    lapsed = company("Gone Aerial", membership_status="lapsed")
    refused = editor.post(PIN_URL, {"text": "drone", "company": lapsed.pk})
    assert refused.status_code == 200 and "company" in refused.context["form"].errors


def test_an_editor_marks_a_skills_gap_with_a_note_listed_in_the_report(editor, history):
    from insight.models import SkillsGap

    assert f"{GAP_URL}?q=drone" in editor.get(URL).content.decode()
    note = "Nobody flies drones here yet: ask the CAA-licensed operators in Derby to join."
    response = editor.post(f"{GAP_URL}?q=drone", {"text": "Drone", "note": note})
    assert (response.status_code, response["Location"]) == (302, URL)
    gap = SkillsGap.objects.get()
    assert (gap.text, gap.note) == ("drone", note)
    report = editor.get(URL)
    assert [g.text for g in report.context["skills_gaps"]] == ["drone"]
    drone_row = next(r for r in report.context["page"].object_list if r.text == "drone")
    assert drone_row.skills_gap == gap
    html = report.content.decode()
    assert note in html and f"/admin/snippets/insight/skillsgap/delete/{gap.pk}/" in html
    # Changing the note: the form opens with it; unchanged changes nothing.
    form = editor.get(GAP_URL, {"q": "drone"}).context["form"]
    assert form["note"].value() == note
    seen = form["seen"].value()
    before = SkillsGap.objects.get().updated_at
    editor.post(f"{GAP_URL}?q=drone", {"note": note, "seen": seen})
    assert SkillsGap.objects.get().updated_at == before
    editor.post(f"{GAP_URL}?q=drone", {"note": "Two operators now.", "seen": seen})
    assert SkillsGap.objects.get().note == "Two operators now."
    # A save over someone else's change is refused, keeping what was typed.
    stale = editor.post(f"{GAP_URL}?q=drone", {"note": "Mine", "seen": seen})
    assert stale.status_code == 200 and stale.context["form"]["note"].value() == "Mine"
    assert SkillsGap.objects.get().note == "Two operators now."
    # An empty note is refused with a message.
    empty = editor.post(f"{GAP_URL}?q=nothing+here", {"text": "nothing here", "note": "  "})
    assert empty.status_code == 200 and empty.context["form"].errors
    # Removing it from the snippets (as the report links).
    editor.post(f"/admin/snippets/insight/skillsgap/delete/{gap.pk}/")
    assert not SkillsGap.objects.exists()


def test_only_editors_who_may_pin_or_mark_gaps_may(client, history):
    from django.contrib.auth.models import Permission

    from directory.search.models import SearchPin
    from insight.models import SkillsGap
    from tests.directory.factories import company

    skyline = company("Skyline Aerial")
    viewer = Group.objects.create(name="Report readers")
    viewer.permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "view_searchevent"])
    )
    client.force_login(user("reader", groups=["Report readers"]))
    report = client.get(URL).content.decode()
    assert PIN_URL not in report and GAP_URL not in report
    for url, data in [
        (PIN_URL, {"text": "drone", "company": skyline.pk}),
        (GAP_URL, {"text": "drone", "note": "none"}),
    ]:
        assert client.get(url).status_code == 302
        response = client.post(url, data)
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not SearchPin.objects.exists() and not SkillsGap.objects.exists()
    # A member, or anyone signed out, never reaches them.
    client.logout()
    assert client.post(PIN_URL, {"text": "drone", "company": skyline.pk}).status_code == 302
    assert not SearchPin.objects.exists()


def test_moderators_may_pin_and_mark_gaps(client, history):
    client.force_login(user("moderator", groups=["Moderators"]))
    report = client.get(URL).content.decode()
    assert f"{PIN_URL}?q=drone" in report and f"{GAP_URL}?q=drone" in report
