"""Relevance: a company searched for by its name comes first, on every backend; ties
go to the fresher profile."""

from __future__ import annotations

import datetime

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page

import pytest

from directory.models import CompanyPage, updated_month_number
from directory.search import run_search
from directory.search.database import DatabaseBackend
from directory.search.models import CompanySearchEntry
from directory.search.query import parse_search_params
from members import freshness
from members.models import ProfileReminder
from tests.directory.factories import company


def test_the_company_named_by_the_query_comes_first(search_backend):
    # Alphabetically both others sort before "Kiln"; all three have "kiln" in
    # their name, so only a name match of the whole query can put "Kiln" first.
    ids = [
        company("A Kiln Studio", strapline="Ceramics on film").pk,
        company("Kiln", strapline="Stop-motion").pk,
        company("Kiln Light Post", strapline="Grading").pk,
    ]
    search_backend.update_companies(ids)
    search_backend.refresh()

    def first(text):
        params = parse_search_params(QueryDict(f"q={text}"))
        return [hit.title for hit in run_search(params, backend=search_backend).hits]

    assert first("kiln")[0] == "Kiln"
    assert first("KILN")[0] == "Kiln"
    assert first("kiln+light+post")[0] == "Kiln Light Post"


def test_a_confirmation_without_a_publish_moves_a_company_ahead_on_the_database(db):
    """The entry's freshness (``updated_month``) is rewritten by the "still accurate" confirm.

    Two companies alike but for their names, both last published long ago:
    name order puts Alder first until Birch's member confirms the profile,
    which saves ``confirmed_at`` on the live row and publishes nothing.
    """
    backend = DatabaseBackend()
    long_ago = datetime.datetime(2024, 1, 15, 12, tzinfo=datetime.UTC)
    alder = company("Alder Studio", strapline="Zephyr drone filming")
    birch = company("Birch Studio", strapline="Zephyr drone filming")
    CompanyPage.objects.filter(pk__in=[alder.pk, birch.pk]).update(last_published_at=long_ago)
    backend.update_companies([alder.pk, birch.pk])

    def found():
        params = parse_search_params(QueryDict("q=zephyr+drone"))
        return [hit.title for hit in run_search(params, backend=backend).hits]

    assert found() == ["Alder Studio", "Birch Studio"]

    reminder = ProfileReminder.objects.create(
        company=birch, sent_at=timezone.now(), recipients=["owner@birch.example"]
    )
    assert freshness.confirm(reminder)

    birch.refresh_from_db()
    assert birch.last_published_at == long_ago  # confirmed, not published
    assert CompanySearchEntry.objects.get(pk=birch.pk).updated_month == updated_month_number(
        birch.confirmed_at
    )
    assert found() == ["Birch Studio", "Alder Studio"]


@pytest.mark.parametrize("text", ["zephyr", ""])
def test_the_database_orders_a_page_of_ids_without_wagtails_page_table(db, text):
    backend = DatabaseBackend()
    ids = [company(name, strapline="Zephyr drone filming").pk for name in ("Alder", "Birch")]
    backend.update_companies(ids)
    with CaptureQueriesContext(connection) as queries:
        run_search(parse_search_params(QueryDict(f"q={text}")), backend=backend)
    page_table = connection.ops.quote_name(Page._meta.db_table)
    [ordered] = [q["sql"] for q in queries if "updated_month" in q["sql"]]
    assert "ORDER BY" in ordered and page_table not in ordered
