"""The index lifecycle on a real server: rebuilds, --check, live sync after each kind of write."""

from __future__ import annotations

import io
import threading

from django.core.management import CommandError, call_command
from django.test import override_settings

import pytest

from directory.models import CompanyPage, DirectoryIndexPage
from directory.search import get_search_backend
from directory.search.analysis import Phrase
from directory.search.models import CompanySearchEntry
from directory.search.query import parse_search_params
from tests.directory.factories import (
    PlaceFactory,
    SectorFactory,
    SkillFactory,
    SkillGroupFactory,
    company,
    directory_index,
    home_page,
)
from tests.directory.search.elasticsearch_support import (
    backend_config,
    elasticsearch_url,
    make_elasticsearch_backend,
)

pytestmark = pytest.mark.elasticsearch


@pytest.fixture
def es(request, db):
    return make_elasticsearch_backend(request)


@pytest.fixture
def configured_es(request):
    """The site configured for Elasticsearch (a prefix of its own), as ``get_search_backend()``."""
    config = backend_config(elasticsearch_url(request))
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        backend = get_search_backend()
        yield backend
        backend.index.delete_all()


def indexed_ids(backend) -> set[int]:
    backend.refresh()
    response = backend.client.search(index=backend.alias, size=1000, _source=False)
    return {int(hit["_id"]) for hit in response["hits"]["hits"]}


def indexed(backend, page) -> dict:
    backend.refresh()
    return backend.client.get(index=backend.alias, id=page.pk)["_source"]


# -- rebuild ---------------------------------------------------------------


def test_rebuild_builds_a_new_index_swaps_the_alias_and_removes_the_old(es):
    pages = [company(f"Rebuild Studio {n}") for n in range(3)]
    es.update_companies([p.pk for p in pages])
    first = es.index.live_indices()
    assert len(first) == 1

    report = es.index.rebuild(progress=False)
    assert report.documents == 3
    assert es.index.live_indices() == [report.index] != first
    assert es.index.all_indices() == [report.index]  # the old one is gone
    assert report.removed == first
    assert indexed_ids(es) == {p.pk for p in pages}


def test_check_lists_missing_and_stale_companies(es):
    kept, gone, changed = company("Kept Films"), company("Gone Films"), company("Changed Films")
    es.update_companies([kept.pk, gone.pk, changed.pk])
    assert es.index.check().ok

    # The database changes without the index hearing of it (no commit in this test).
    new = company("New Films")
    gone.unpublish()
    changed.strapline = "Now with drones"
    changed.save_revision().publish()

    report = es.index.check()
    assert report.missing == [new.pk]
    assert report.unlisted == [gone.pk]
    assert report.outdated == [changed.pk]
    assert report.stale == sorted([gone.pk, changed.pk])
    assert not report.ok


def test_rebuild_command_and_its_check(configured_es, db):
    backend = configured_es
    listed = [company(f"Command Studio {n}") for n in range(2)]
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_directory_index", stdout=out, stderr=err)
    assert "Indexed 2 companies" in out.getvalue()
    assert "documents/s" in out.getvalue()
    assert "company" in err.getvalue()  # tqdm's progress bar
    assert indexed_ids(backend) == {p.pk for p in listed}

    out = io.StringIO()
    call_command("rebuild_directory_index", "--check", stdout=out)
    assert "matches the database" in out.getvalue()

    missing = company("Missing Studio")
    listed[0].unpublish()
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("rebuild_directory_index", "--check", stdout=out)
    text = out.getvalue()
    assert f"{missing.pk}  Missing Studio" in text
    assert f"{listed[0].pk}  Command Studio 0" in text
    assert "1 missing, 1 stale" in str(error.value)

    call_command("rebuild_directory_index", "--no-progress", stdout=io.StringIO())
    call_command("rebuild_directory_index", "--check", stdout=io.StringIO())  # no error now


def test_searches_keep_answering_during_a_rebuild(es):
    pages = [company(f"Concurrent Studio {n}", strapline="Animation") for n in range(24)]
    es.update_companies([p.pk for p in pages])
    es.refresh()
    old_index = es.index.live_indices()[0]
    body = es.search_body(
        parse_search_params({"q": "studio"}),
        [[Phrase.of(["studio"])]],
    )
    seen_indices: list[str] = []
    errors: list[BaseException] = []
    totals: set[int] = set()
    done = threading.Event()

    # The machine is small and busy during a bulk load: what matters here is
    # that every search is answered, not how fast.
    client = es.client.options(request_timeout=30)

    def keep_searching():
        # Searches go to the alias, exactly like the site's (the engine part of them).
        while True:
            finished = done.is_set()
            try:
                response = client.search(index=es.alias, **body)
                totals.add(response["hits"]["total"]["value"])
                seen_indices.extend({hit["_index"] for hit in response["hits"]["hits"]})
            except Exception as error:  # noqa: BLE001 - any failure is the test failing
                errors.append(error)
            if finished:
                return

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        report = es.index.rebuild(progress=False, batch_size=4)
    finally:
        done.set()
        searcher.join(timeout=30)
    assert not errors
    assert totals == {24}  # every search, before, during and after the swap, saw everyone
    assert seen_indices[0] == old_index
    assert seen_indices[-1] == report.index


def test_an_edit_during_a_rebuild_is_not_overwritten_by_the_rebuild(es):
    page = company("Racing Studio", strapline="Before")
    es.update_companies([page.pk])
    # A rebuild prepares its documents first...
    name = es.index.new_index_name()
    es.index.create(name)
    stale_actions = list(es.index.actions([page.pk], [name]))
    # ...an editor changes the company meanwhile (written to every index)...
    page.strapline = "After"
    page.save_revision().publish()
    es.update_companies([page.pk])
    # ...and the rebuild's older copy arrives last: refused, the edit stays.
    es.index._bulk(stale_actions)
    es.client.indices.refresh(index=name)
    assert es.client.get(index=name, id=page.pk)["_source"]["strapline"] == "After"


# -- live sync after each kind of write -------------------------------------


# Edits are committed for real, so the after-commit sync runs as it does on the
# site; the serialised rollback puts back Wagtail's root page after each test.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def synced(configured_es):
    return configured_es


@committed
def test_publish_indexes_and_unpublish_removes(synced):
    page = company("Sync Pictures", live=False)
    assert page.pk not in indexed_ids(synced)
    page.save_revision().publish()
    assert page.pk in indexed_ids(synced)
    page.refresh_from_db()
    page.unpublish()
    assert page.pk not in indexed_ids(synced)


@committed
def test_a_published_edit_updates_the_document(synced):
    page = company("Edit Pictures", strapline="Old words")
    page.strapline = "New words"
    page.save_revision().publish()
    assert indexed(synced, page)["strapline"] == "New words"


@committed
def test_delete_removes(synced):
    page = company("Doomed Pictures")
    assert page.pk in indexed_ids(synced)
    page_id = page.pk
    page.delete()
    assert page_id not in indexed_ids(synced)


@committed
def test_lapsed_membership_removes_and_renewal_restores(synced):
    page = company("Lapsing Pictures")
    page.membership_status = CompanyPage.MembershipStatus.LAPSED
    page.save_revision().publish()
    assert page.pk not in indexed_ids(synced)
    page.membership_status = CompanyPage.MembershipStatus.ACTIVE
    page.save()  # a plain save of the live row (e.g. an import) counts too
    assert page.pk in indexed_ids(synced)


@committed
def test_move_updates_the_url(synced):
    page = company("Moving Pictures")
    assert indexed(synced, page)["url"].endswith("/directory/moving-pictures/")
    other = home_page().add_child(
        instance=DirectoryIndexPage(title="Archive directory", slug="archive")
    )
    CompanyPage.objects.get(pk=page.pk).move(other, pos="last-child")
    assert indexed(synced, page)["url"].endswith("/archive/moving-pictures/")
    assert directory_index()  # the original index is untouched


@pytest.mark.parametrize("kind", ["skill", "sector", "place"])
@committed
def test_renaming_a_taxonomy_updates_its_companies(synced, kind):
    if kind == "skill":
        value = SkillFactory(name="Claymation")
        page = company("Renamed Skills Ltd", skills=[value])
    elif kind == "sector":
        value = SectorFactory(name="Kids TV")
        page = company("Renamed Sectors Ltd", sectors=[value])
    else:
        value = PlaceFactory(name="Hanley")
        page = company("Renamed Places Ltd", place=value)
    assert "stop frame" not in indexed(synced, page)["keyword_words"]
    value.name = "Stop frame"
    value.save()
    assert "stop frame" in indexed(synced, page)["keyword_words"]
    results = synced.search(parse_search_params({"q": "stop frame"}))
    assert [hit.id for hit in results.hits] == [page.pk]
    assert results.backend == "elasticsearch"


def test_an_edit_records_its_change_in_its_own_transaction(configured_es, db):
    """Write-ahead: until the after-commit write succeeds, the change is on record."""
    from directory.search.models import PendingIndexUpdate

    page = company("Write Ahead Films")  # committed? no: this test's transaction never commits
    assert list(PendingIndexUpdate.objects.values_list("company_id", "attempts")) == [(page.pk, 0)]
    configured_es.update_companies([page.pk])  # what the after-commit hook does
    assert not PendingIndexUpdate.objects.exists()
    assert page.pk in indexed_ids(configured_es)


def test_rebuild_command_rewrites_the_database_entries_when_asked(configured_es, db):
    page = company("Entry Studio", strapline="Stop-motion")
    # As an upgrade that changed the analysis leaves them: no analysed text.
    CompanySearchEntry.objects.filter(company=page).update(body_terms="", body_words="")
    out = io.StringIO()
    call_command("rebuild_directory_index", "--database-entries", "--no-progress", stdout=out)
    assert "Indexed 1 companies" in out.getvalue()
    assert "Rewrote 1 database search entries" in out.getvalue()
    entry = CompanySearchEntry.objects.get(company=page)
    assert entry.body_words == " stop motion | stopmotion "


@committed
def test_moving_a_skill_to_another_group_moves_its_companies_department(synced):
    skill = SkillFactory(name="Rotoscoping", group=SkillGroupFactory(name="Animation"))
    page = company("Moved Skills Ltd", skills=[skill])
    assert indexed(synced, page)["departments"] == [skill.group.slug]
    vfx = SkillGroupFactory(name="VFX")
    skill.group = vfx
    skill.save()
    assert indexed(synced, page)["departments"] == [vfx.slug]
    results = synced.search(parse_search_params({"department": vfx.slug}))
    assert [hit.id for hit in results.hits] == [page.pk]
    assert results.backend == "elasticsearch"
