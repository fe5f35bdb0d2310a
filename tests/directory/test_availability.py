"""Availability on the directory page, the profile, the cards and the API; its labels.

The search itself is in the contract suite (``tests/directory/search/test_availability.py``,
both backends); here: the page's date field and chip, friendly messages for a bad date,
the page cache keyed by ``available_by``, the API's parameter, 400s and output, and what
each statement reads as, today.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from directory.availability import Availability, availability_label
from tests.directory.factories import company, directory_index
from tests.directory.test_directory_page import get

pytestmark = pytest.mark.django_db
URL = "/directory/"
NOW = datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)


def days(n):
    return datetime.timedelta(days=n)


@pytest.mark.parametrize(
    ("kind", "day", "confirmed", "label"),
    [
        (Availability.NOW, None, NOW - days(1), "Available now"),
        (Availability.FROM, datetime.date(2027, 3, 3), NOW, "Available from 3 March 2027"),
        (Availability.FROM, datetime.date(2027, 3, 1), NOW, "Available now"),  # the day came
        (Availability.BOOKED, datetime.date(2027, 4, 30), NOW, "Booked until 30 April 2027"),
        (Availability.BOOKED, datetime.date(2027, 2, 28), NOW, "Available now"),
        (Availability.BOOKED, datetime.date(2027, 3, 1), NOW, "Booked until 1 March 2027"),
        (Availability.NOW, None, NOW - days(60), "Available now"),  # the 60th day still holds
        (Availability.NOW, None, NOW - days(61), "Availability unconfirmed"),
        (Availability.FROM, datetime.date(2027, 5, 1), None, "Availability unconfirmed"),
        ("", None, NOW, ""),
        (Availability.FROM, None, NOW, ""),  # a statement without its date says nothing
    ],
)
def test_each_statement_reads_as_it_should_today(kind, day, confirmed, label):
    assert availability_label(kind, day, confirmed, now=NOW) == label


@pytest.fixture
def studios():
    directory_index()
    now = timezone.now()
    free = company(
        "Kiln Animation",
        skills=["Stop motion"],
        availability=Availability.NOW,
        availability_confirmed_at=now,
    )
    later = company(
        "Trent VFX",
        skills=["Stop motion"],
        availability=Availability.FROM,
        availability_date=timezone.localdate() + days(40),
        availability_confirmed_at=now,
    )
    stale = company(
        "Glaze Grade",
        availability=Availability.NOW,
        availability_confirmed_at=now - days(70),
    )
    return {"free": free, "later": later, "stale": stale}


def test_the_cards_and_the_profile_say_it(client, studios):
    page = get(client)
    assert "Available now" in page
    later = studios["later"].availability_date
    assert f"Available from {later.day} {later:%B %Y}" in page
    assert "Availability unconfirmed" in page
    profile = client.get(studios["stale"].url).content.decode()
    assert "Availability unconfirmed" in profile


def test_the_date_field_filters_without_javascript_and_its_chip_drops_it(client, studios):
    page = get(client)
    assert '<input type="date" id="directory-available-by" name="available_by"' in page
    day = timezone.localdate() + days(40)
    page = get(client, f"available_by={day.isoformat()}")
    assert "2 companies found" in page and "Glaze Grade" not in page
    assert f'value="{day.isoformat()}"' in page
    assert f'href="/directory/">Available by {day.day} {day:%B %Y}' in page
    page = get(client, f"available_by={timezone.localdate().isoformat()}")
    assert "1 company found" in page and "Kiln Animation" in page


@pytest.mark.parametrize(
    ("value", "words"),
    [("next-week", "must be a date written YYYY-MM-DD"), ("2027-02-30", "not a day")],
)
def test_a_bad_date_is_explained_and_the_rest_still_searches(client, studios, value, words):
    page = get(client, f"available_by={value}&skill=stop-motion")
    assert words in page
    assert "2 companies found" in page


def test_the_page_cache_keys_by_the_date(client, studios, settings):
    settings.PAGE_CACHE_ENABLED = True
    today = timezone.localdate().isoformat()
    assert client.get(URL)["X-Page-Cache"] == "miss"
    first = client.get(f"{URL}?available_by={today}")
    assert first["X-Page-Cache"] == "miss"  # not the unfiltered page's entry
    assert "1 company found" in first.content.decode()
    assert client.get(f"{URL}?available_by={today}&junk=1")["X-Page-Cache"] == "hit"
    assert client.get(f"{URL}?available_by=2027-02-30").get("X-Page-Cache") != "hit"


def test_the_api_filters_and_shows_availability(client, studios):
    today = timezone.localdate().isoformat()
    data = client.get(f"/api/v1/directory/search?available_by={today}").json()
    assert [hit["name"] for hit in data["results"]] == ["Kiln Animation"]
    shown = data["results"][0]["availability"]
    assert shown["status"] == "now" and shown["confirmed"] and shown["label"] == "Available now"
    detail = client.get(f"/api/v1/directory/companies/{studios['stale'].slug}").json()
    assert detail["availability"]["confirmed"] is False
    assert detail["availability"]["label"] == "Availability unconfirmed"
    later = client.get(f"/api/v1/directory/companies/{studios['later'].slug}").json()
    assert later["availability"]["date"] == studios["later"].availability_date.isoformat()
    everyone = client.get("/api/v1/directory/search").json()["results"]
    assert all("availability" in hit for hit in everyone)


@pytest.mark.parametrize("value", ["tomorrow", "2027-02-30", "03/03/2027", "2027-3-3"])
def test_a_bad_date_in_the_api_is_400_naming_it(client, studios, value):
    response = client.get(f"/api/v1/directory/search?available_by={value}")
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == "available_by"
    assert "Available by" in body["detail"]


def test_the_schema_documents_the_parameter_and_the_output(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = {
        p["name"]: p for p in schema["paths"]["/api/v1/directory/search"]["get"]["parameters"]
    }
    typed = [s for s in params["available_by"]["schema"]["anyOf"] if s.get("type") != "null"]
    assert typed == [{"type": "string", "format": "date"}]
    out = schema["components"]["schemas"]
    assert "availability" in out["CompanyHitOut"]["properties"]
    assert "availability" in out["CompanyOut"]["properties"]
    assert {"status", "date", "confirmed", "label"} <= set(out["AvailabilityOut"]["properties"])
    assert "email" in out["CompanyOut"]["properties"]
