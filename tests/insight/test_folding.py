"""Folding raw searches older than 90 days into daily counts, and deleting what found each
company before the last 91 days (insight/folding.py)."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from insight import folding
from insight.models import CompanySearchDay, DailySearchCount, SearchEvent
from members.company_insight import COMPARE_DAYS, company_insight
from tests.directory.factories import company

pytestmark = pytest.mark.django_db


def search(days_ago: float, text="animation", total=3, **fields) -> SearchEvent:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return SearchEvent.objects.create(
        at=at,
        source=fields.pop("source", "page"),
        text=text,
        total=total,
        backend="database",
        **fields,
    )


def test_old_searches_become_daily_counts_and_recent_ones_stay():
    old = search(100)
    search(100, total=5, page=2)  # the same search, its second page
    search(100, text="drone", total=0)
    search(100, text="drone", total=0, filters="place=leek")
    search(101, text="drone", total=0)
    recent = search(89)
    out, err = StringIO(), StringIO()
    call_command("fold_search_events", stdout=out, stderr=err)
    assert "Folded 5 searches of 2 days into 4 daily counts." in out.getvalue()
    assert "Folding days" in err.getvalue()  # the progress bar
    assert list(SearchEvent.objects.all()) == [recent]
    day = timezone.localdate(old.at)
    animation = DailySearchCount.objects.get(day=day, text="animation")
    assert (animation.searches, animation.no_results, animation.results_sum) == (2, 0, 8)
    drone = DailySearchCount.objects.get(day=day, text="drone", filters="")
    assert (drone.searches, drone.no_results) == (1, 1)
    assert DailySearchCount.objects.get(day=day, filters="place=leek").searches == 1
    assert DailySearchCount.objects.filter(day=day - datetime.timedelta(days=1)).count() == 1


def test_folding_again_adds_to_what_a_day_already_has():
    search(120)
    folding.fold()
    search(120)
    search(120, total=0)
    report = folding.fold()
    assert (report.days, report.events) == (1, 2)
    row = DailySearchCount.objects.get()
    assert (row.searches, row.no_results, row.results_sum) == (3, 1, 6)
    assert folding.fold().events == 0  # nothing left: nothing done


def test_the_number_of_days_kept_is_a_setting_and_an_option(settings):
    search(40)
    search(20)
    settings.INSIGHT_RAW_DAYS = 30
    assert folding.fold().events == 1
    call_command("fold_search_events", days=10, no_progress=True, stdout=StringIO())
    assert SearchEvent.objects.count() == 0
    assert DailySearchCount.objects.count() == 2


# -- what found each company (CompanySearchDay): the last 91 days kept -----------


@pytest.fixture
def found_by():
    """What found two companies, on days from today back to more than a year ago."""
    acme, rival = company("Acme Animation"), company("Rival Reels")
    today = timezone.localdate()
    ages = (0, 1, 45, 89, 90, 91, 120, 200, 400)
    for days in ages:
        for page, text in ((acme, "animation"), (acme, f"words {days}"), (rival, "drone")):
            CompanySearchDay.objects.create(
                company=page,
                day=today - datetime.timedelta(days=days),
                text=text,
                appearances=days + 1,
            )
    return acme, rival, today, ages


def test_folding_deletes_what_found_companies_before_the_insight_pages_span(found_by):
    acme, rival, today, ages = found_by
    kept_ages = [days for days in ages if days < folding.COMPANY_SEARCH_DAYS]
    old = (len(ages) - len(kept_ages)) * 3
    before = company_insight(acme, today=today).searches
    out = StringIO()
    call_command("fold_search_events", no_progress=True, stdout=out)
    assert f"Deleted {old} company search counts older than 91 days." in out.getvalue()
    oldest = today - datetime.timedelta(days=max(kept_ages))
    assert not CompanySearchDay.objects.filter(day__lt=oldest).exists()
    assert CompanySearchDay.objects.count() == len(kept_ages) * 3
    # Everything the member's insight page reads is still there: the same searches.
    assert company_insight(acme, today=today).searches == before
    assert company_insight(rival, today=today).searches[0].text == "drone"
    assert folding.fold().company_searches == 0  # nothing left: nothing done


def test_old_company_searches_go_in_batches(found_by, django_assert_num_queries):
    _acme, _rival, _today, ages = found_by
    old = sum(3 for days in ages if days >= folding.COMPANY_SEARCH_DAYS)
    batches = -(-old // 4)  # rounded up, then one more that finds nothing
    # Each batch: its ids, the DELETE, and the savepoint's two statements.
    with django_assert_num_queries((batches + 1) * 3 + batches):
        assert folding.delete_old_company_searches(batch_size=4) == old


def test_the_insight_page_reads_no_further_back_than_is_kept():
    assert folding.COMPANY_SEARCH_DAYS > COMPARE_DAYS
