"""``available_by`` on both backends: the same companies, decided at search time.

Part of the search contract (``search_backend`` runs each test once per
backend on the same data). A statement matches a day when the company is free
on or before it (available now; available from that day or earlier; booked
until an earlier day) and was said or confirmed in the last 60 days. Time
moving on changes the answer with no reindex: the index holds only the dates.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone

import pytest

from directory.availability import Availability
from directory.search import run_search
from directory.search.query import SearchParamError, parse_search_params
from tests.directory.factories import company


def search(data, query_string: str):
    return run_search(parse_search_params(QueryDict(query_string)), backend=data.backend)


def titles(results) -> set[str]:
    return {hit.title for hit in results.hits}


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def availability_data(search_backend):
    now = timezone.now()
    today = timezone.localdate(now)

    def said(title, kind, day, confirmed_days_ago, **fields):
        confirmed = now - days(confirmed_days_ago) if confirmed_days_ago is not None else None
        return company(
            title,
            skills=["Stop motion"],
            availability=kind,
            availability_date=day,
            availability_confirmed_at=confirmed,
            **fields,
        )

    c = SimpleNamespace(
        now=said("Free Now Studio", Availability.NOW, None, 1),
        from_later=said("From Later Studio", Availability.FROM, today + days(30), 5),
        booked=said("Booked Studio", Availability.BOOKED, today + days(10), 58, verified=True),
        stale=said("Stale Now Studio", Availability.NOW, None, 61),
        silent=said("Silent Studio", "", None, None),
        lapsed=said("Lapsed Free Studio", Availability.NOW, None, 1, membership_status="lapsed"),
    )
    search_backend.update_companies([page.pk for page in vars(c).values()])
    search_backend.refresh()
    return SimpleNamespace(backend=search_backend, company=c, today=today, now=now)


def on(day: datetime.date) -> str:
    return f"available_by={day.isoformat()}&page_size=50"


def test_without_the_filter_everyone_listed_is_found(availability_data):
    assert search(availability_data, "page_size=50").total == 5


def test_today_finds_only_who_is_free_now_and_confirmed(availability_data):
    assert titles(search(availability_data, on(availability_data.today))) == {"Free Now Studio"}


def test_booked_until_a_day_is_free_the_day_after(availability_data):
    today = availability_data.today
    assert titles(search(availability_data, on(today + days(10)))) == {"Free Now Studio"}
    assert titles(search(availability_data, on(today + days(11)))) == {
        "Free Now Studio",
        "Booked Studio",
    }


def test_available_from_a_day_matches_that_day_and_later(availability_data):
    today = availability_data.today
    assert "From Later Studio" not in titles(search(availability_data, on(today + days(29))))
    assert titles(search(availability_data, on(today + days(30)))) == {
        "Free Now Studio",
        "Booked Studio",
        "From Later Studio",
    }


def test_an_unconfirmed_statement_or_none_never_matches(availability_data):
    far = availability_data.today + days(300)
    found = titles(search(availability_data, on(far)))
    assert "Stale Now Studio" not in found  # said 61 days ago
    assert "Silent Studio" not in found
    assert "Lapsed Free Studio" not in found


def test_a_day_in_the_past_finds_who_is_free_now(availability_data):
    assert titles(search(availability_data, on(datetime.date(2020, 1, 1)))) == {"Free Now Studio"}


def test_it_narrows_every_count_and_combines_with_other_filters(availability_data):
    later = availability_data.today + days(11)
    results = search(availability_data, on(later))
    assert results.total == 2
    assert {value.count for value in results.facets["skill"]} == {2}
    assert titles(search(availability_data, on(later) + "&verified=1")) == {"Booked Studio"}
    assert search(availability_data, on(later) + "&q=stale").total == 0


def test_time_moving_on_changes_the_answer_without_a_reindex(availability_data, monkeypatch):
    """Three days later: the booked studio's statement (58 days old) lapses into unconfirmed,
    with nothing written to either backend in between."""
    later_day = availability_data.today + days(11)
    assert "Booked Studio" in titles(search(availability_data, on(later_day)))
    three_days_on = availability_data.now + days(3)
    monkeypatch.setattr(timezone, "now", lambda: three_days_on)
    found = titles(search(availability_data, on(later_day)))
    assert found == {"Free Now Studio"}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("tomorrow", "YYYY-MM-DD"),
        ("2027-02-30", "not a day of the calendar"),
        ("03/03/2027", "YYYY-MM-DD"),
        ("2027-3-3", "YYYY-MM-DD"),
    ],
)
def test_a_malformed_date_names_the_parameter(availability_data, value, words):
    with pytest.raises(SearchParamError) as raised:
        parse_search_params(QueryDict(f"available_by={value}"))
    assert raised.value.param == "available_by"
    assert words in raised.value.message
