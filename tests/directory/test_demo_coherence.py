"""The demo reads like a real directory: each company, curated or synthetic, is one trade.

Checked by rules over what was seeded, never against a list of names: a
company's skills come from few related groups, companies of one trade agree
with each other, the text names the company's own skills and town, and
showcase projects give each company the part its trade plays.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest

from directory import demo
from directory.models import CompanyPage, DirectoryIndexPage, Place
from showcase import demo as showcase_demo
from showcase.models import ProjectCompany, ProjectPage
from tests.directory.factories import home_page

pytestmark = pytest.mark.django_db

MAX_GROUPS = 3  # skill groups one company may draw on (a trade and its neighbours)
SYNTHETIC = 150


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_demo_company_is_one_believable_trade():
    """60 curated companies, 150 synthetic ones and the showcase, seeded once, every rule."""
    home_page().save_revision().publish()
    demo.seed(StringIO(), {"companies": len(demo.CURATED) + SYNTHETIC})
    showcase_demo.seed(StringIO(), {})
    seen = companies()
    assert len(seen) == len(demo.CURATED) + SYNTHETIC
    skills_come_from_few_groups_with_one_main_one(seen)
    companies_that_describe_themselves_alike_work_alike(seen)
    text_names_the_companys_own_skills_and_town(seen)
    most_write_british_english_and_some_do_not(seen)
    credits_fit_the_trade_and_projects_give_each_company_its_part(seen)


def companies():
    index = DirectoryIndexPage.objects.get()
    return list(
        CompanyPage.objects.child_of(index)
        .select_related("place")
        .prefetch_related("skills__group", "sectors", "credits")
        .order_by("path")
    )


def groups_of(company) -> Counter:
    return Counter(skill.group.name for skill in company.skills.all())


def skills_come_from_few_groups_with_one_main_one(seen):
    for company in seen:
        groups = groups_of(company)
        assert 3 <= sum(groups.values()) <= 6, company.slug
        assert len(groups) <= MAX_GROUPS, (company.slug, groups)
        main = groups.most_common(1)[0][1]
        assert main * 2 >= sum(groups.values()), (company.slug, groups)


def companies_that_describe_themselves_alike_work_alike(seen):
    """Same strapline (once spelling is set aside) means same trade: same groups and sectors."""
    by_strapline = defaultdict(list)
    for company in seen:
        key = re.sub(r"[^a-z]", "", company.strapline.lower().replace("color", "colour"))
        by_strapline[key].append(company)
    assert len(by_strapline) >= 15  # many trades, not one blurb for all
    for key, members in by_strapline.items():
        skill_groups = {g for c in members for g in groups_of(c)}
        sectors = {s.slug for c in members for s in c.sectors.all()}
        assert len(skill_groups) <= MAX_GROUPS, (key, skill_groups)
        assert len(sectors) <= 5, (key, sectors)
        # Every company of a trade holds that trade's defining skills.
        common = set.intersection(*({s.slug for s in c.skills.all()} for c in members))
        assert len(common) >= 2, key


def text_names_the_companys_own_skills_and_town(seen):
    places = list(Place.objects.values_list("name", flat=True))
    for company in seen:
        about = company.about.lower()
        named = [s for s in company.skills.all() if s.name.lower() in about]
        assert len(named) >= 2, (company.slug, company.about)
        assert company.place.name.lower() in about, company.slug
        # A company named after a town is based there.
        for place in places:
            if re.search(rf"\b{re.escape(place)}\b", company.title):
                assert company.place.name == place, company.slug


def most_write_british_english_and_some_do_not(seen):
    texts = " ".join(f"{c.strapline} {c.about}" for c in seen).lower()
    british = len(re.findall(r"\bcolour", texts))
    american = len(re.findall(r"\bcolor", texts))
    assert british > american > 0
    assert re.search(r"\bpostproduction\b", texts)
    assert re.search(r"\bstopmotion\b", texts) and re.search(r"\bstop-motion\b", texts)


def credits_fit_the_trade_and_projects_give_each_company_its_part(seen):
    roles_by_strapline = defaultdict(set)
    for company in seen:
        if company.slug.startswith(demo.SYNTHETIC_PREFIX):
            continue
        assert company.credits.all(), company.slug
        roles_by_strapline[company.strapline].update(c.role for c in company.credits.all())
    for strapline, roles in roles_by_strapline.items():
        assert len(roles) <= 3, (strapline, roles)  # a trade credits itself for few things

    parts = defaultdict(set)
    for link in ProjectCompany.objects.select_related("company"):
        parts[link.company_id].add(link.role)
    assert parts and all(len(roles) == 1 for roles in parts.values())  # one company, one part
    for project in ProjectPage.objects.prefetch_related("skills", "project_companies__company"):
        team = [link.company.specific for link in project.project_companies.all()]
        team_skills = {s.pk for c in team for s in c.skills.all()}
        assert {s.pk for s in project.skills.all()} <= team_skills, project.slug
        assert team[0].title in project.synopsis, project.slug
