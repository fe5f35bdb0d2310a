"""A member's own insight: views, appearances, the searches that found them, enquiries by month.

Every expected figure is worked out here from the rows the test made, the
way a reader would count them, never written down as a number.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.urls import reverse
from django.utils import timezone

import pytest

from directory.models import Enquiry
from insight.models import CompanyDailyCount, CompanySearchDay
from members.company_insight import COMPARE_DAYS, MONTHS, Change

from .test_query_counts import count_queries

# Days ago each row is dated: this month, the comparison windows and older.
DAYS_AGO = (0, 3, 20, 45, 89, 90, 120, 150, 179, 200, 400)


@pytest.fixture
def history(acme, rival):
    today = timezone.localdate()
    rows = []
    for n, days in enumerate(DAYS_AGO):
        day = today - datetime.timedelta(days=days)
        rows.append(
            CompanyDailyCount.objects.create(
                company=acme, day=day, views=n + 1, appearances=(n + 1) * 3
            )
        )
        # Another company's numbers, never to be seen.
        CompanyDailyCount.objects.create(company=rival, day=day, views=1000, appearances=1000)
        enquiry = Enquiry.objects.create(
            company=acme, name="N", email="n@example.com", message="Hi"
        )
        Enquiry.objects.filter(pk=enquiry.pk).update(created_at=_noon(day))
    for days, text, shown in [(1, "animation", 5), (2, "animation", 4), (5, "stop motion", 7)]:
        CompanySearchDay.objects.create(
            company=acme, day=today - datetime.timedelta(days=days), text=text, appearances=shown
        )
    CompanySearchDay.objects.create(
        company=acme, day=today - datetime.timedelta(days=300), text="old", appearances=99
    )
    CompanySearchDay.objects.create(company=rival, day=today, text="rival words", appearances=50)
    return today, rows


def _noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def _month_starts(today):
    starts = set()
    day = today
    while len(starts) < MONTHS:
        starts.add(day.replace(day=1))
        day = day.replace(day=1) - datetime.timedelta(days=1)
    return starts


def url(company):
    return reverse("members:insight", args=[company.pk])


def test_a_member_sees_their_own_figures_by_month(owner_client, acme, history):
    today, rows = history
    response = owner_client.get(url(acme))
    assert response.status_code == 200
    insight = response.context["insight"]
    starts = _month_starts(today)
    views, shown, enquiries = Counter(), Counter(), Counter()
    for row in rows:
        start = row.day.replace(day=1)
        if start in starts:
            views[start] += row.views
            shown[start] += row.appearances
            enquiries[start] += 1
    assert [m.start for m in insight.months] == sorted(starts)
    assert {m.start: m.views for m in insight.months} == {s: views[s] for s in starts}
    assert {m.start: m.appearances for m in insight.months} == {s: shown[s] for s in starts}
    assert {m.start: m.enquiries for m in insight.months} == {s: enquiries[s] for s in starts}
    html = response.content.decode()
    assert "1000" not in html and "rival words" not in html
    for month in insight.months:
        assert f'<th scope="row">{month.start:%b %Y}</th><td>{month.views}</td>' in html


def test_the_last_days_are_compared_with_the_same_span_before(owner_client, acme, history):
    today, rows = history
    since = today - datetime.timedelta(days=COMPARE_DAYS - 1)
    before = since - datetime.timedelta(days=COMPARE_DAYS)
    recent = [r for r in rows if r.day >= since]
    earlier = [r for r in rows if before <= r.day < since]
    changes = {c.name: c for c in owner_client.get(url(acme)).context["insight"].changes}
    assert (changes["Profile views"].now, changes["Profile views"].before) == (
        sum(r.views for r in recent),
        sum(r.views for r in earlier),
    )
    assert (changes["Search appearances"].now, changes["Search appearances"].before) == (
        sum(r.appearances for r in recent),
        sum(r.appearances for r in earlier),
    )
    assert (changes["Enquiries"].now, changes["Enquiries"].before) == (len(recent), len(earlier))
    views = changes["Profile views"]
    expected = round((views.now - views.before) * 100 / views.before)
    assert views.percent == expected
    # The dashboard says the same, in words.
    dashboard = owner_client.get(reverse("members:dashboard", args=[acme.pk])).content.decode()
    assert views.summary in dashboard and "How commissioners find you" in dashboard


def test_the_searches_that_found_them_most_are_their_own_and_recent(owner_client, acme, history):
    searches = owner_client.get(url(acme)).context["insight"].searches
    recent = Counter()
    for row in CompanySearchDay.objects.filter(company=acme):
        if (timezone.localdate() - row.day).days < COMPARE_DAYS:
            recent[row.text] += row.appearances
    assert [(s.text, s.appearances) for s in searches] == recent.most_common()


@pytest.mark.parametrize(
    ("now", "before", "summary"),
    [
        (112, 100, "+12% on the previous 90 days"),
        (50, 100, "−50% on the previous 90 days"),
        (7, 7, "the same as the previous 90 days"),
        (3, 0, "none in the previous 90 days"),
        (0, 0, "none in the previous 90 days either"),
    ],
)
def test_a_change_says_itself_in_words(now, before, summary):
    assert Change("Views", now, before).summary == summary


def test_a_company_with_no_history_shows_zeros_and_says_so(owner_client, acme):
    response = owner_client.get(url(acme))
    insight = response.context["insight"]
    assert len(insight.months) == MONTHS and not insight.anything
    assert all(m.views == m.appearances == m.enquiries == 0 for m in insight.months)
    assert "No searches with words have shown your company" in response.content.decode()


def test_another_company_is_404_and_anonymous_visitors_sign_in(owner_client, client, acme, rival):
    assert owner_client.get(url(rival)).status_code == 404
    assert owner_client.get(reverse("members:insight", args=[999999])).status_code == 404
    owner_client.logout()
    response = owner_client.get(url(acme))
    assert response.status_code == 302 and response["Location"].startswith(reverse("members:login"))


def test_the_sparklines_are_described_with_the_same_figures(owner_client, acme, history):
    insight = owner_client.get(url(acme)).context["insight"]
    views = next(s for s in insight.sparks if s.name == "Profile views")
    for month in insight.months:
        assert f"{month.start:%B}: {month.views}" in views.description
    assert len(views.points.split()) == MONTHS


def test_the_insight_page_query_count_does_not_grow_with_history(
    owner_client, acme, django_assert_max_num_queries
):
    small = count_queries(owner_client, url(acme), django_assert_max_num_queries, 30)
    today = timezone.localdate()
    for days in range(0, 400, 3):
        day = today - datetime.timedelta(days=days)
        CompanyDailyCount.objects.create(company=acme, day=day, views=2, appearances=5)
        CompanySearchDay.objects.create(company=acme, day=day, text=f"words {days}", appearances=1)
        Enquiry.objects.create(company=acme, name="N", email="n@example.com", message="Hi")
    large = count_queries(owner_client, url(acme), django_assert_max_num_queries, 30)
    assert large == small
