"""Showcase factories: the showcase index and published projects, built like an editor would."""

from __future__ import annotations

from directory.models import Sector, Skill
from showcase.models import ProjectCompany, ProjectPage, ShowcaseIndexPage
from tests.directory.factories import SectorFactory, SkillFactory, _slug, home_page


def showcase_index() -> ShowcaseIndexPage:
    existing = ShowcaseIndexPage.objects.first()
    if existing is not None:
        return existing
    return home_page().add_child(instance=ShowcaseIndexPage(title="Showcase", slug="showcase"))


def project(
    title: str,
    *,
    companies=(),
    sectors=(),
    skills=(),
    tags=(),
    live: bool = True,
    **fields,
) -> ProjectPage:
    """A project under the showcase; ``companies`` holds companies or (company, role) pairs."""
    fields.setdefault("slug", _slug(title))
    fields.setdefault("year", 2024)
    page = ProjectPage(title=title, live=False, **fields)
    page.project_companies = [
        ProjectCompany(company=c[0], role=c[1])
        if isinstance(c, tuple)
        else ProjectCompany(company=c)
        for c in companies
    ]
    page.sectors = [s if isinstance(s, Sector) else SectorFactory(name=s) for s in sectors]
    page.skills = [s if isinstance(s, Skill) else SkillFactory(name=s) for s in skills]
    if tags:
        page.tags.add(*tags)
    showcase_index().add_child(instance=page)
    if live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page
