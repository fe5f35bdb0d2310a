"""Showcase pieces used on other apps' pages: company profiles, the home page, news.

Each tag costs a fixed number of queries whatever the number of projects.
"""

from __future__ import annotations

from django import template
from django.apps import apps
from django.db.models import F

from cms.page_cache import first_live, kept_for_types
from directory.models import company_summaries, with_current_taxonomy
from showcase.models import ProjectCompany, ProjectPage, ShowcaseIndexPage, card_list

register = template.Library()


@register.simple_tag
def company_projects(company, limit=24):
    """The live projects a company took part in, newest first.

    Each carries ``.company_role`` (what this company did) and ``.partners``
    (the other listed companies credited), so its card on the company's own
    page doesn't say "By" the company whose page it is.
    """
    if company is None or not getattr(company, "pk", None):
        return []
    # The projects and who else each credits: kept until a project changes
    # (the credits are its own rows). The partners are kept per company
    # (company_summaries): a member's publish rebuilds its own alone, and
    # whether each is still listed is read from it. A taxonomy edit forgets
    # neither: the projects' sectors, as the partners' places, are swapped
    # for the current rows (with_current_taxonomy).
    name = f"company-projects-partner-ids:{company.pk}:{limit}"  # a new shape, a new name
    projects = kept_for_types(name, lambda: _company_projects(company.pk, limit), ProjectPage)
    with_current_taxonomy(projects)
    cards = company_summaries(pk for project in projects for pk in project.partner_ids)
    for project in projects:
        partners = (cards.get(pk) for pk in project.partner_ids)
        project.partners = [partner for partner in partners if partner and partner.is_listed]
    return projects


def _company_projects(company_id: int, limit: int) -> list:
    # The role comes with the project: a company is credited once per project
    # (ProjectPage.clean), so the join gives one row for each.
    projects = card_list(
        ProjectPage.objects.live()
        .filter(project_companies__company_id=company_id)
        .annotate(company_role=F("project_companies__role"))
        .for_cards(credits=ProjectCompany.objects.all())
        .order_by("-year", "-first_published_at")[:limit]
    )
    for project in projects:
        project.partner_ids = [
            credit.company_id
            for credit in project.project_companies.all()
            if credit.company_id != company_id
        ]
    return projects


@register.simple_tag
def featured_projects(limit=6):
    """Featured live projects for the home page, newest first."""
    return card_list(
        ProjectPage.objects.live()
        .filter(featured=True)
        .for_cards()
        .order_by("-year", "-first_published_at")[:limit]
    )


@register.simple_tag
def showcase_page():
    """The showcase's index page (the live one, first in the tree), or None."""
    return first_live(ShowcaseIndexPage)


@register.simple_tag
def news_mentioning(page, limit=5):
    """Live news articles that feature ``page`` (a company or a project), newest first.

    The news app owns ``NewsPageFeature``; until it exists there is simply no news.
    """
    if page is None or not getattr(page, "pk", None):
        return []
    try:
        Feature = apps.get_model("cms", "NewsPageFeature")
    except LookupError:
        return []
    news_page = Feature._meta.get_field("news_page").related_model

    def build():
        features = (
            Feature.objects.filter(page_id=page.pk, news_page__live=True)
            .select_related("news_page")
            .order_by("-news_page__date", "-news_page__pk")
        )
        articles, seen = [], set()
        for feature in features[: limit * 2]:
            if feature.news_page_id not in seen:
                seen.add(feature.news_page_id)
                articles.append(feature.news_page)
        return articles[:limit]

    # The features are the articles' own rows: kept until an article changes.
    return kept_for_types(f"news-mentioning:{page.pk}:{limit}", build, news_page)
