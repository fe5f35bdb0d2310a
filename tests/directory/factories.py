"""Factories for the directory: taxonomies, the page tree and company pages.

Taxonomy factories get-or-create by slug, so they coexist with the gazetteer and
skills loaded by the data migrations. ``company()`` builds a real page in the
tree and publishes it through a revision, exactly as an editor would.
"""

from __future__ import annotations

from wagtail.models import Page, Site

import factory
from factory.django import DjangoModelFactory

from cms.models import HomePage
from directory.models import (
    CompanyCredit,
    CompanyPage,
    DirectoryIndexPage,
    Place,
    PostcodeDistrict,
    Sector,
    Skill,
    SkillGroup,
)

# Stoke-on-Trent's centre: the default point for places made up by tests.
STOKE = (53.0027, -2.1794)


class SkillGroupFactory(DjangoModelFactory):
    class Meta:
        model = SkillGroup
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Discipline {n}")
    slug = factory.LazyAttribute(lambda o: _slug(o.name))


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.LazyAttribute(lambda o: _slug(o.name))
    group = factory.SubFactory(SkillGroupFactory)


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.LazyAttribute(lambda o: _slug(o.name))


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.LazyAttribute(lambda o: _slug(o.name))
    county = "Staffordshire"
    latitude = STOKE[0]
    longitude = STOKE[1]


class PostcodeDistrictFactory(DjangoModelFactory):
    class Meta:
        model = PostcodeDistrict
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ZZ{n}")
    place = factory.SubFactory(PlaceFactory)
    latitude = factory.LazyAttribute(lambda o: o.place.latitude)
    longitude = factory.LazyAttribute(lambda o: o.place.longitude)


class CreditFactory(DjangoModelFactory):
    class Meta:
        model = CompanyCredit

    production = factory.Sequence(lambda n: f"Production {n}")
    client = "BBC Three"
    year = 2024
    role = "Animation"


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name)[:100]


def home_page() -> HomePage:
    """The HomePage, made the default site's root (replacing Wagtail's welcome page)."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Platform", slug="platform-home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        return home
    welcome = site.root_page
    site.root_page = home
    site.save()
    if welcome.specific_class is Page:
        welcome.delete()
    return home


def directory_index() -> DirectoryIndexPage:
    """The DirectoryIndexPage at /directory/ (created once)."""
    existing = DirectoryIndexPage.objects.first()
    if existing is not None:
        return existing
    return home_page().add_child(instance=DirectoryIndexPage(title="Directory", slug="directory"))


def company(
    title: str,
    *,
    skills=(),
    sectors=(),
    place: Place | None = None,
    live: bool = True,
    credits: int = 0,
    **fields,
) -> CompanyPage:
    """A company page under the directory index, published through a revision when ``live``.

    ``skills``/``sectors`` accept model instances or names (made with the
    factories above); any other ``CompanyPage`` field may be passed.
    """
    fields.setdefault("slug", _slug(title))
    page = CompanyPage(title=title, place=place, live=False, **fields)
    page.skills = [s if isinstance(s, Skill) else SkillFactory(name=s) for s in skills]
    page.sectors = [s if isinstance(s, Sector) else SectorFactory(name=s) for s in sectors]
    page.credits = [
        CompanyCredit(production=f"{title} production {n}", client="Channel 4", year=2020 + n)
        for n in range(credits)
    ]
    directory_index().add_child(instance=page)
    if live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page
