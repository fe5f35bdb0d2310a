"""An approved member change reaches the directory search on Elasticsearch too.

(The database backend is covered in ``test_profile_changes.py``.)
"""

from django.test import override_settings
from django.urls import reverse

import pytest

from directory.search import get_search_backend, run_search
from directory.search.base import SearchQuery
from tests.directory.factories import SkillFactory

from .factories import editor
from .test_profile_changes import profile_data


@pytest.mark.elasticsearch
def test_approved_skill_is_found_on_elasticsearch(
    request, owner_client, acme, django_capture_on_commit_callbacks
):
    from tests.directory.search.elasticsearch_support import (
        backend_config,
        elasticsearch_url,
        make_elasticsearch_backend,
    )

    prefix = make_elasticsearch_backend(request).index.prefix  # cleaned up after the test
    config = backend_config(elasticsearch_url(request))
    config["INDEX_PREFIX"] = prefix
    skill = SkillFactory(name="Claymation", slug="members-es-claymation")
    by_skill = SearchQuery(filters={"skill": (skill.slug,)})
    with override_settings(DIRECTORY_SEARCH_BACKEND=config):
        backend = get_search_backend()
        with django_capture_on_commit_callbacks(execute=True):
            backend.update_companies([acme.pk])
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(
                reverse("members:edit_profile", args=[acme.pk]),
                profile_data(acme, skills=[s.pk for s in acme.skills.all()] + [skill.pk]),
            )
        backend.refresh()
        pending = run_search(by_skill, backend)
        assert pending.backend == "elasticsearch"
        assert pending.total == 0  # submitted, not approved: not searchable yet

        acme.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            acme.current_workflow_state.current_task_state.approve(user=editor())
        backend.refresh()
        found = run_search(by_skill, backend)
        assert found.backend == "elasticsearch"
        assert [hit.title for hit in found.hits] == ["Acme Animation"]
