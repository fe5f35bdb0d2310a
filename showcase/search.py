"""Directory search finds companies by the work in their projects.

A company whose project is tagged "stop-motion" is found by "stop-motion":
``project_text()`` is registered as a text contributor of the directory's
search documents (``directory.search.documents``), so both backends index it.
Only live projects count, and each company gets its projects' titles, client,
tags, skills and sectors and its own role in them.

When a project changes (published, unpublished, deleted, its companies
changed) the companies it names — before and after — are brought up to date
through ``directory.search.sync.companies_changed``, which writes the database
entries in the transaction and tells the search engine after commit.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_published, page_unpublished

from directory.search.documents import register_text_contributor
from directory.search.sync import companies_changed

from .models import ProjectCompany, ProjectPage


def project_text(company_ids: list[int]) -> dict[int, list[str]]:
    """{company_id: [text, ...]} from the live projects of these companies (5 queries)."""
    roles = list(
        ProjectCompany.objects.filter(company_id__in=company_ids, project__live=True).values_list(
            "company_id", "project_id", "project__title", "project__client", "role"
        )
    )
    if not roles:
        return {}
    project_ids = {project_id for _c, project_id, *_rest in roles}
    words: dict[int, list[str]] = defaultdict(list)
    for project_id, name in ProjectPage.skills.through.objects.filter(
        projectpage_id__in=project_ids
    ).values_list("projectpage_id", "skill__name"):
        words[project_id].append(name)
    for project_id, name in ProjectPage.sectors.through.objects.filter(
        projectpage_id__in=project_ids
    ).values_list("projectpage_id", "sector__name"):
        words[project_id].append(name)
    for project_id, name in ProjectPage.tags.through.objects.filter(
        content_object_id__in=project_ids
    ).values_list("content_object_id", "tag__name"):
        words[project_id].append(name)

    texts: dict[int, list[str]] = defaultdict(list)
    for company_id, project_id, title, client, role in roles:
        texts[company_id].extend(t for t in (title, client, role, *words[project_id]) if t)
    return dict(texts)


def project_company_ids(project) -> list[int]:
    return list(
        ProjectCompany.objects.filter(project_id=project.pk).values_list("company_id", flat=True)
    )


def _changed(company_ids) -> None:
    companies_changed(company_ids)


def _project_published_or_unpublished(sender, instance, **kwargs):
    _changed(project_company_ids(instance))


def _role_saved(sender, instance, raw=False, **kwargs):
    # Publishing commits the project's companies: added or changed roles land here.
    if not raw:
        _changed([instance.company_id])


def _role_deleted(sender, instance, **kwargs):
    # A company taken off a project (or the project deleted): it loses the text.
    _changed([instance.company_id])


def connect() -> None:

    register_text_contributor(project_text)
    page_published.connect(
        _project_published_or_unpublished,
        sender=ProjectPage,
        dispatch_uid="showcase-search-published",
    )
    page_unpublished.connect(
        _project_published_or_unpublished,
        sender=ProjectPage,
        dispatch_uid="showcase-search-unpublished",
    )
    post_save.connect(_role_saved, sender=ProjectCompany, dispatch_uid="showcase-search-role-saved")
    post_delete.connect(
        _role_deleted, sender=ProjectCompany, dispatch_uid="showcase-search-role-deleted"
    )
