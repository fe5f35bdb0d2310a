"""Recording searches, views and appearances (insight/recording.py), privately."""

import json
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from directory.search.models import SearchPin
from insight import buffer
from insight.models import CompanyDailyCount, CompanySearchDay, SearchEvent
from tests.directory.factories import company, directory_index, home_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def studios():
    home_page()
    directory_index().save_revision().publish()
    kiln = company("Kiln Animation", skills=["Stop motion"], sectors=["Broadcast"])
    glaze = company("Glaze Post", skills=["Colour grading"], sectors=["Broadcast"])
    return kiln, glaze


def waiting_events() -> list[dict]:
    events, _ = buffer.peek(1000)
    return events


def flush() -> None:
    call_command("flush_insight", verbosity=0)


def counts(studio):
    row = CompanyDailyCount.objects.filter(company=studio).first()
    return (row.views, row.appearances) if row else (0, 0)


def test_a_directory_search_is_recorded_with_its_filters_and_appearances(browser, studios):
    kiln, glaze = studios
    response = browser.get("/directory/?q=Stop   MOTION&sector=broadcast&skill=stop-motion")
    assert response.status_code == 200
    assert SearchEvent.objects.count() == 0  # not in the request: in the cache
    flush()
    event = SearchEvent.objects.get()
    assert event.source == "page"
    assert event.text == "stop motion"
    assert event.filters == "sector=broadcast&skill=stop-motion"
    assert (event.total, event.page, event.backend) == (1, 1, "database")
    assert event.at is not None and not event.redacted
    assert counts(kiln) == (0, 1)
    assert counts(glaze) == (0, 0)
    assert buffer.waiting() == 0


def test_an_api_search_is_recorded_and_suggestions_are_not(browser, studios):
    kiln, glaze = studios
    assert browser.get("/api/v1/directory/search?sector=broadcast&page_size=1").status_code == 200
    assert browser.get("/api/v1/directory/suggest?q=kil").status_code == 200
    flush()
    event = SearchEvent.objects.get()
    assert (event.source, event.text, event.filters, event.total) == (
        "api",
        "",
        "sector=broadcast",
        2,
    )
    # One page of one result: only the first company appeared.
    assert sorted([counts(kiln), counts(glaze)]) == [(0, 0), (0, 1)]


def test_a_profile_view_is_counted_per_company_per_day(browser, studios):
    kiln, glaze = studios
    for _ in range(3):
        assert browser.get(kiln.url).status_code == 200
    browser.get(glaze.url)
    flush()
    assert counts(kiln) == (3, 0)
    assert counts(glaze) == (1, 0)
    browser.get(kiln.url)
    flush()  # a second flush adds to the same day's row
    assert CompanyDailyCount.objects.filter(company=kiln).count() == 1
    assert counts(kiln) == (4, 0)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_not_counted(client, studios, agent):
    kiln, _ = studios
    client.get("/directory/?q=stop+motion", HTTP_USER_AGENT=agent)
    client.get(kiln.url, HTTP_USER_AGENT=agent)
    client.get("/api/v1/directory/search?q=stop", HTTP_USER_AGENT=agent)
    assert waiting_events() == []


def test_signed_in_editors_are_not_counted_but_members_are(browser, studios):
    kiln, _ = studios
    User = get_user_model()
    editor = User.objects.create_superuser("editor", "editor@example.com", "pw")
    browser.force_login(editor)
    browser.get("/directory/?q=stop+motion")
    browser.get(kiln.url)
    browser.get("/api/v1/directory/search?q=stop")
    assert waiting_events() == []
    browser.logout()
    browser.force_login(User.objects.create_user("someone", "someone@example.com", "pw"))
    browser.get(kiln.url)
    assert [event["kind"] for event in waiting_events()] == ["view"]


@pytest.mark.parametrize(
    "text",
    [
        "ada@broadcaster.example",
        "call ada at ada @ example",
        "ada at broadcaster dot com",
        "ring 01782 123456 please",
        "+44 (0)1782-123-456",
        "07700900123",
    ],
)
def test_text_like_an_email_or_phone_number_is_not_kept(browser, studios, text):
    browser.get("/directory/", {"q": text})
    browser.get("/api/v1/directory/search", {"q": text})
    flush()
    events = list(SearchEvent.objects.all())
    assert len(events) == 2
    assert all(event.text == "" and event.redacted for event in events)


@pytest.mark.parametrize("text", ["animation 2019 2020", "st4 post-production", "5 miles"])
def test_ordinary_text_with_numbers_is_kept(browser, studios, text):
    browser.get("/directory/", {"q": text, "place_words": "off"})
    flush()
    event = SearchEvent.objects.get()
    assert not event.redacted and event.text == text


def test_nothing_about_the_person_is_recorded(browser, studios):
    kiln, _ = studios
    User = get_user_model()
    browser.force_login(User.objects.create_user("member", "member@example.com", "pw"))
    session = browser.session.session_key
    browser.cookies["tracking"] = "cookie-value-123"
    browser.get("/directory/?q=stop+motion", REMOTE_ADDR="203.0.113.77")
    browser.get(kiln.url, REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.9")
    events = waiting_events()
    assert len(events) == 2
    raw = json.dumps(events)
    for personal in ("203.0.113", "198.51.100", session, "member", "cookie-value", "Mozilla"):
        assert personal not in raw
    allowed = {"kind", "source", "text", "redacted", "filters", "verified", "near", "radius"}
    allowed |= {"total", "backend", "page", "shown", "company", "at"}
    assert set().union(*events) <= allowed
    # And the tables have nowhere to put one.
    flush()
    columns = {
        field.name for model in (SearchEvent, CompanyDailyCount) for field in model._meta.fields
    }
    assert not columns & {"ip", "ip_address", "user", "session", "session_key", "user_agent"}


def test_recording_sets_no_cookie_and_writes_nothing(browser, studios):
    kiln, _ = studios
    browser.get("/directory/?q=stop")  # warm the caches (site frame, renditions)
    browser.get(kiln.url)
    with CaptureQueriesContext(connection) as queries:
        for url in ("/directory/?q=stop", kiln.url, "/api/v1/directory/search?q=stop"):
            response = browser.get(url)
            assert response.status_code == 200
            assert not response.cookies
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE"}]
    assert writes == []
    assert len(waiting_events()) == 5


# --- the words each company was found by (CompanySearchDay) -----------------------


def found_by(studio) -> Counter:
    return Counter(
        {row.text: row.appearances for row in CompanySearchDay.objects.filter(company=studio)}
    )


def test_the_words_a_company_was_found_by_are_counted_off_the_request(browser, studios):
    kiln, glaze = studios
    for _ in range(2):
        browser.get("/directory/", {"q": "Stop  Motion"})
    browser.get("/api/v1/directory/search", {"q": "stop motion"})
    browser.get("/directory/", {"q": "grading"})
    assert not CompanySearchDay.objects.exists()  # the worker's job, not the request's
    flush()
    assert found_by(kiln) == Counter({"stop motion": 3})
    assert found_by(glaze) == Counter({"grading": 1})
    # The same appearances as the daily counts.
    kiln_day = CompanyDailyCount.objects.get(company=kiln)
    assert kiln_day.appearances == sum(found_by(kiln).values())
    # A second flush adds to the day's row.
    browser.get("/directory/", {"q": "stop motion"})
    flush()
    assert found_by(kiln) == Counter({"stop motion": 4})


def test_searches_without_words_or_with_personal_words_add_nothing(browser, studios):
    kiln, glaze = studios
    browser.get("/directory/")
    browser.get("/directory/", {"q": "kiln 07700900123"})
    flush()
    assert CompanyDailyCount.objects.get(company=kiln).appearances >= 1
    assert not CompanySearchDay.objects.exists()


def test_an_editors_pick_counts_as_shown_for_the_words(browser, studios):
    kiln, glaze = studios
    SearchPin.objects.create(text="drone", company=glaze)
    assert browser.get("/api/v1/directory/search", {"q": "drone"}).json()["total"] == 0
    flush()
    assert found_by(glaze) == Counter({"drone": 1})
    assert CompanyDailyCount.objects.get(company=glaze).appearances == 1


def test_a_search_answered_by_leaving_out_a_word_is_recorded_as_finding_none(browser, studios):
    kiln, glaze = studios
    # No company does underwater stop motion; the directory shows Kiln for "stop motion".
    response = browser.get("/directory/?q=underwater+stop+motion")
    assert response.status_code == 200
    assert "Kiln Animation" in response.content.decode()
    flush()
    event = SearchEvent.objects.get()
    assert (event.text, event.total) == ("underwater stop motion", 0)
    assert counts(kiln) == (0, 1)  # it was shown all the same
