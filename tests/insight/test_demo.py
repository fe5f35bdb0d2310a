"""The demo's search history (``insight.demo``): what the report shows on a first run."""

import datetime
import io

from django.utils import timezone
from django.utils.html import escape

import pytest

from insight import demo
from insight.models import CompanyDailyCount, DailySearchCount, SearchEvent
from tests.directory.factories import company
from tests.insight.test_report import URL, editor  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    kiln = company("Kiln Animation", strapline="Stop-motion and 2D animation")
    glaze = company("Glaze Grade", strapline="Colour grading for documentary")
    out = io.StringIO()
    demo.seed(out, {})
    return kiln, glaze, out.getvalue()


def test_four_months_of_searches_raw_for_ninety_days_then_folded(seeded):
    today = timezone.localdate()
    raw = SearchEvent.objects.all()
    assert raw.count() > 500
    oldest = min(raw.values_list("at", flat=True))
    assert timezone.localdate(oldest) >= today - datetime.timedelta(days=90)
    folded_days = set(DailySearchCount.objects.values_list("day", flat=True))
    assert folded_days and max(folded_days) < today - datetime.timedelta(days=90)
    # Totals are what the directory answers for the words.
    assert set(raw.filter(text="animation").values_list("total", flat=True)) == {1}
    assert set(raw.filter(text="puppeteer").values_list("total", flat=True)) == {0}


def test_every_listed_company_has_views_and_appearances(seeded):
    kiln, glaze, _out = seeded
    for page in (kiln, glaze):
        days = CompanyDailyCount.objects.filter(company=page)
        assert days.count() > 60
        assert sum(days.values_list("views", flat=True)) > 0


def test_seeding_again_adds_nothing(seeded):
    before = (SearchEvent.objects.count(), CompanyDailyCount.objects.count())
    out = io.StringIO()
    demo.seed(out, {})
    assert (SearchEvent.objects.count(), CompanyDailyCount.objects.count()) == before
    assert "already" in out.getvalue()


def test_the_report_shows_the_demand_and_the_gaps(seeded, editor):  # noqa: F811
    page = editor.get(URL).content.decode()
    assert page.index("animation") < page.index("puppeteer")
    gaps = editor.get(URL, {"results": "few"}).content.decode()
    assert "underwater filming" in gaps and "costume design" in gaps


def test_the_report_shows_a_pin_and_skills_gaps_the_editors_made(editor):  # noqa: F811
    company("Kiln Animation", strapline="Stop-motion and 2D animation")
    crew = company("Moorland Camera Hire", strapline="Camera hire and crews")
    demo.seed(io.StringIO(), {})
    from directory.search.models import SearchPin
    from insight.models import SkillsGap

    pin = SearchPin.objects.get()
    assert (pin.text, pin.company_id) == (demo.PINNED_SEARCH, crew.pk)
    assert set(SkillsGap.objects.values_list("text", flat=True)) == set(demo.SKILLS_GAPS)
    page = editor.get(URL).content.decode()
    assert f"Editor's pick: {crew.title}" in page
    for note in demo.SKILLS_GAPS.values():
        assert escape(note) in page
    # Seeding again adds neither twice.
    demo.seed(io.StringIO(), {})
    assert SearchPin.objects.count() == 1 and SkillsGap.objects.count() == len(demo.SKILLS_GAPS)


def test_each_company_is_found_by_the_words_that_find_it(seeded):
    from insight.models import CompanySearchDay

    kiln, glaze, _out = seeded
    kiln_words = set(CompanySearchDay.objects.filter(company=kiln).values_list("text", flat=True))
    assert "animation" in kiln_words and "colour grading" not in kiln_words
    assert "colour grading" in set(
        CompanySearchDay.objects.filter(company=glaze).values_list("text", flat=True)
    )
