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
