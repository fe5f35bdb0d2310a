"""Directory search finds companies by the work in their projects, on every backend."""

from django.http import QueryDict

import pytest

from directory.search import run_search
from directory.search.documents import company_documents
from directory.search.query import parse_search_params
from tests.directory.factories import company
from tests.showcase.factories import project

pytestmark = pytest.mark.django_db


def found(backend, text: str) -> set[str]:
    results = run_search(parse_search_params(QueryDict(f"q={text}&page_size=50")), backend=backend)
    assert results.backend == backend.name  # answered by this engine, not a fallback
    return {hit.title for hit in results.hits}


def sync(backend, *companies):
    backend.update_companies([c.pk for c in companies])
    backend.refresh()


def test_project_tags_titles_and_skills_find_their_companies(search_backend):
    kiln = company("Kiln Light", strapline="Character animation")
    potbank = company("Potbank Post", strapline="Finishing")
    bystander = company("Bystander Films", strapline="Drama")
    project(
        "Clay Hearts",
        companies=[(kiln, "Animation"), (potbank, "Grade")],
        tags=["stop-motion"],
        skills=["Puppet fabrication"],
        client="BBC Three",
    )
    sync(search_backend, kiln, potbank, bystander)
    assert found(search_backend, "stop-motion") == {"Kiln Light", "Potbank Post"}
    assert found(search_backend, "clay hearts") == {"Kiln Light", "Potbank Post"}
    assert found(search_backend, "puppet") == {"Kiln Light", "Potbank Post"}


def test_unpublished_projects_add_nothing(search_backend):
    kiln = company("Kiln Light")
    project("Secret Pilot", companies=[kiln], tags=["stop-motion"], live=False)
    sync(search_backend, kiln)
    assert found(search_backend, "stop-motion") == set()


def test_publishing_and_unpublishing_a_project_reindexes_its_companies():
    """Live sync (database entries, written in the edit's transaction)."""
    from directory.search.database import DatabaseBackend

    backend = DatabaseBackend()
    kiln = company("Kiln Light")
    page = project("Clay Hearts", companies=[kiln], tags=["stop-motion"], live=False)
    assert found(backend, "stop-motion") == set()

    page.save_revision().publish()
    assert found(backend, "stop-motion") == {"Kiln Light"}

    page.refresh_from_db()
    page.unpublish()
    assert found(backend, "stop-motion") == set()


def test_taking_a_company_off_a_project_reindexes_it():
    from directory.search.database import DatabaseBackend

    backend = DatabaseBackend()
    kiln = company("Kiln Light")
    potbank = company("Potbank Post")
    page = project("Clay Hearts", companies=[kiln, potbank], tags=["stop-motion"])
    assert found(backend, "stop-motion") == {"Kiln Light", "Potbank Post"}

    page.project_companies = [r for r in page.project_companies.all() if r.company_id == kiln.pk]
    page.save_revision().publish()
    assert found(backend, "stop-motion") == {"Kiln Light"}

    page.delete()
    assert found(backend, "stop-motion") == set()


def test_project_text_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    companies = [company(f"Studio {n}") for n in range(6)]
    for n in range(6):
        project(
            f"Work {n}",
            companies=companies[: n + 1],
            tags=[f"tag-{n}", "stop-motion"],
            skills=[f"Skill {n}"],
            sectors=[f"Genre {n}"],
        )
    with django_assert_max_num_queries(12):
        documents = list(company_documents(companies))
    assert all("stop-motion" in d.extra_text for d in documents)


@pytest.mark.elasticsearch
def test_publishing_a_project_updates_elasticsearch_after_commit(
    request, django_capture_on_commit_callbacks
):
    """Live sync on the real engine: the project's companies are re-sent on commit."""
    from django.test import override_settings

    from tests.directory.search.elasticsearch_support import (
        backend_config,
        elasticsearch_url,
        make_elasticsearch_backend,
    )

    es = make_elasticsearch_backend(request)
    config = backend_config(elasticsearch_url(request))
    config["INDEX_PREFIX"] = es.index.prefix
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        with django_capture_on_commit_callbacks(execute=True):
            kiln = company("Kiln Light")
            page = project("Clay Hearts", companies=[kiln], tags=["stop-motion"], live=False)
        es.refresh()
        assert found(es, "stop-motion") == set()

        with django_capture_on_commit_callbacks(execute=True):
            page.save_revision().publish()
        es.refresh()
        assert found(es, "stop-motion") == {"Kiln Light"}

        page.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            page.unpublish()
        es.refresh()
        assert found(es, "stop-motion") == set()
