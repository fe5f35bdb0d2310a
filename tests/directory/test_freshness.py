"""When a profile was last updated or confirmed: the rule, and where people see it."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from directory.models import STALE_AFTER, CompanyPage
from tests.directory.factories import company

pytestmark = pytest.mark.django_db

MARCH = datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
MAY = datetime.datetime(2026, 5, 20, 12, tzinfo=datetime.UTC)


def dated(page, *, published, confirmed=None):
    CompanyPage.objects.filter(pk=page.pk).update(
        last_published_at=published, confirmed_at=confirmed
    )
    return CompanyPage.objects.get(pk=page.pk)


def test_updated_is_the_later_of_publication_and_confirmation():
    page = company("Kiln Light")
    assert dated(page, published=MARCH).updated_at == MARCH
    assert dated(page, published=MARCH, confirmed=MAY).updated_at == MAY
    assert dated(page, published=MAY, confirmed=MARCH).updated_at == MAY


def test_never_published_has_no_update_date():
    assert company("Draft Glaze", live=False).updated_at is None


def test_stale_and_oldest_first_follow_the_same_rule_in_sql():
    now = timezone.now()
    old = now - STALE_AFTER - datetime.timedelta(days=1)
    stale = dated(company("Old Kiln"), published=old)
    rescued = dated(company("Old But Confirmed"), published=old, confirmed=now)
    fresh = dated(company("Fresh Glaze"), published=now - datetime.timedelta(days=3))
    older = dated(company("Older Kiln"), published=old - datetime.timedelta(days=30))
    assert stale.is_stale(now) and not rescued.is_stale(now) and not fresh.is_stale(now)
    assert set(CompanyPage.objects.stale(now)) == {stale, older}
    assert list(CompanyPage.objects.oldest_updated_first()) == [older, stale, fresh, rescued]


def test_publishing_an_old_revision_keeps_a_later_confirmation():
    page = company("Saggar Post")
    revision = page.save_revision()
    CompanyPage.objects.filter(pk=page.pk).update(confirmed_at=MAY)
    page.refresh_from_db()
    revision.publish()
    page.refresh_from_db()
    assert page.confirmed_at == MAY


def test_the_profile_says_when_it_was_updated(client):
    page = dated(company("Kiln Light"), published=MARCH)
    html = client.get(page.url).content.decode()
    assert 'Updated <time datetime="2026-03">March 2026</time>' in html


def test_the_directory_card_says_when_it_was_updated(client):
    dated(company("Kiln Light"), published=MARCH, confirmed=MAY)
    html = client.get("/directory/").content.decode()
    card = '<p class="company-card__updated">Updated <time datetime="2026-05">May 2026</time>'
    assert card in html


def test_the_api_gives_the_update_date_in_detail_and_search(client):
    page = dated(company("Kiln Light"), published=MARCH, confirmed=MAY)
    detail = client.get(f"/api/v1/directory/companies/{page.slug}").json()
    assert detail["updated_at"] == MAY.isoformat()
    hits = client.get("/api/v1/directory/search").json()["results"]
    assert [hit["updated_at"] for hit in hits] == [MAY.isoformat()]
