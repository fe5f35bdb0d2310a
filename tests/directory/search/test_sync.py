"""Live sync: every kind of edit updates the database entries and, after commit, the backend."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.db import transaction
from django.test import override_settings

import pytest

from directory.models import CompanyCredit, Production
from directory.search import tasks
from directory.search.base import SearchBackend
from directory.search.models import CompanySearchEntry
from tests.directory.factories import PlaceFactory, SectorFactory, SkillFactory, company

pytestmark = pytest.mark.django_db

RECORDER = {"BACKEND": "tests.directory.search.test_sync.RecordingBackend"}


class RecordingBackend(SearchBackend):
    """Stands in for a search engine: remembers what it was asked to update.

    Like Elasticsearch it has the worker write after the commit; its
    ``write_pending`` is the contract's default (a direct ``update_companies``).
    """

    name = "recording"
    calls: list[list[int]] = []
    fail = False

    def search(self, query):
        raise NotImplementedError

    def suggest(self, prefix, limit=8):
        return []

    def changes_committed(self, company_ids):
        tasks.schedule_write(company_ids)

    def update_companies(self, company_ids):
        RecordingBackend.calls.append(sorted(company_ids))
        if RecordingBackend.fail:
            raise ConnectionError("search engine unreachable")


@pytest.fixture
def recorder():
    RecordingBackend.calls = []
    RecordingBackend.fail = False
    with override_settings(DIRECTORY_SEARCH_BACKEND=RECORDER):
        yield RecordingBackend


def entry(page):
    return CompanySearchEntry.objects.filter(company_id=page.pk).first()


def test_publishing_writes_entry_with_skills_and_tells_backend_after_commit(
    recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = company("Kiln Animation", skills=["Stop motion"], sectors=["Games"])
    assert entry(page).title_words == " kiln animation "
    assert entry(page).title_terms == " kiln anim "
    assert " stop motion " in entry(page).keyword_words
    assert " games " in entry(page).keyword_words
    assert [page.pk] in recorder.calls


def test_draft_never_gets_an_entry(recorder):
    page = company("Draft Co", live=False)
    assert entry(page) is None


def test_unpublishing_removes_entry(recorder, django_capture_on_commit_callbacks):
    page = company("Kiln Animation")
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert entry(page) is None
    assert recorder.calls == [[page.pk]]


def test_lapsing_membership_removes_entry(recorder):
    page = company("Kiln Animation")
    page.membership_status = "lapsed"
    page.save()
    assert entry(page) is None


def test_republishing_edit_updates_text(recorder):
    page = company("Kiln Animation", strapline="Old words")
    page.strapline = "Puppets and plasticine"
    page.save_revision().publish()
    assert "puppets and plasticine" in entry(page).body_words


def test_deleting_removes_entry_and_tells_backend(recorder, django_capture_on_commit_callbacks):
    page = company("Kiln Animation")
    page_id = page.pk
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not CompanySearchEntry.objects.filter(company_id=page_id).exists()
    assert [page_id] in recorder.calls


def test_renaming_a_skill_sector_or_place_updates_companies(recorder):
    skill = SkillFactory(name="Colour grading", slug="grading-x")
    sector = SectorFactory(name="Games", slug="games-x")
    place = PlaceFactory(name="Hanley", slug="hanley-x")
    page = company("Bottle Oven Post", skills=[skill], sectors=[sector], place=place)
    skill.name = "Colour finishing"
    skill.save()
    sector.name = "Interactive"
    sector.save()
    place.name = "Hanley Town"
    place.save()
    keywords = entry(page).keyword_words
    assert " colour finishing " in keywords
    assert " interactive " in keywords
    assert " hanley town " in keywords


def test_deleting_a_skill_updates_companies(recorder):
    skill = SkillFactory(name="Rotoscoping", slug="roto-x")
    page = company("Trent VFX", skills=[skill])
    assert " rotoscoping " in entry(page).keyword_words
    skill.delete()
    assert " rotoscoping " not in entry(page).keyword_words


def test_moving_the_directory_updates_company_urls(recorder, django_capture_on_commit_callbacks):
    from tests.directory.factories import directory_index, home_page

    page = company("Kiln Animation")
    other = home_page().add_child(instance=type(home_page())(title="Other", slug="other"))
    recorder.calls.clear()
    # move() skips the page-type rules; what matters here is that URLs change.
    with django_capture_on_commit_callbacks(execute=True):
        directory_index().move(other, pos="last-child")
    assert any(page.pk in call for call in recorder.calls)


def test_backend_failure_is_logged_not_raised(recorder, django_capture_on_commit_callbacks, caplog):
    recorder.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        page = company("Kiln Animation")
    assert entry(page) is not None  # the edit and the database entry stand
    assert "could not update" in caplog.text


def test_live_sync_can_be_switched_off(recorder, django_capture_on_commit_callbacks):
    with (
        override_settings(DIRECTORY_SEARCH_LIVE_SYNC=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = company("Quiet Co")
    assert entry(page) is None
    assert recorder.calls == []


def test_rebuild_rewrites_every_entry_and_drops_stale_ones(recorder):
    from io import StringIO

    from directory.search.indexing import rebuild_database_entries

    kept = company("Kiln Animation")
    lapsed = company("Gone Ltd")
    CompanySearchEntry.objects.all().delete()
    CompanySearchEntry.objects.create(company=lapsed, title_words=" stale ")
    type(lapsed).objects.filter(pk=lapsed.pk).update(membership_status="lapsed")
    out = StringIO()
    assert rebuild_database_entries(stdout=out) == 1
    assert entry(kept).title_words == " kiln animation "
    assert entry(lapsed) is None
    assert "Search entries" in out.getvalue()


def test_entries_hold_the_freshness_and_the_migration_fills_it_for_existing_ones(recorder):
    from django.apps import apps
    from django.utils import timezone

    from directory.models import CompanyPage, updated_month_number
    from directory.search.indexing import rebuild_database_entries

    fill = import_module("directory.search.migrations.0007_entry_updated_month").fill_updated_month
    march = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
    published = company("Kiln Animation")
    confirmed = company("Glaze Post")
    CompanyPage.objects.filter(pk__in=[published.pk, confirmed.pk]).update(last_published_at=march)
    CompanyPage.objects.filter(pk=confirmed.pk).update(confirmed_at=timezone.now())
    rebuild_database_entries(progress=False)
    expected = {
        published.pk: updated_month_number(march),
        confirmed.pk: updated_month_number(timezone.now()),
    }
    months = dict(CompanySearchEntry.objects.values_list("company_id", "updated_month"))
    assert months == expected and expected[published.pk] < expected[confirmed.pk]

    # Entries written before the field existed: the migration fills them the same.
    CompanySearchEntry.objects.update(updated_month=None)
    fill(apps, None)
    assert dict(CompanySearchEntry.objects.values_list("company_id", "updated_month")) == expected


def test_one_transaction_reaches_the_backend_once_after_its_commit(
    recorder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        company("Warm-up Co")  # the site's pages exist from here on
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = company("Kiln Animation")
            second = company("Trent VFX")
            first.strapline = "Changed twice in one transaction"
            first.save_revision().publish()
        assert recorder.calls == []  # nothing before the commit
    # Every signal of the transaction, in one hand-over.
    assert recorder.calls == [sorted([first.pk, second.pk])]


def test_a_rolled_back_change_is_never_sent(recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        existing = company("Existing Ltd")
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            existing.strapline = "An edit that fails"
            existing.save_revision().publish()
            raise RuntimeError("the edit fails")
        kept = company("Kept Ltd")
    assert recorder.calls == [[kept.pk]]  # not existing.pk: its change never happened


def test_retitling_or_merging_a_production_updates_the_companies_credited(
    recorder, django_capture_on_commit_callbacks
):
    page = company("Bottle Oven Post", credits=1)
    other = company("Kiln Animation", credits=0)
    credit = page.credits.get()
    production = credit.work
    production.title = "Brick Lane North"
    production.client = "Kilnhouse Streaming"
    with django_capture_on_commit_callbacks(execute=True):
        production.save()
    body = entry(page).body_words
    assert " brick lane north " in body and " kilnhouse streaming " in body
    assert page.pk in recorder.calls[-1]  # the engine is told too, after the commit

    duplicate = Production.objects.create(title="Clay Hearts", year=2021, client="Channel 4")
    CompanyCredit.objects.create(company=other, production="Clay Hearts", year=2021)
    other.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        duplicate.merge_into(production)
    assert " brick lane north " in entry(other).body_words
    assert other.pk in recorder.calls[-1]
