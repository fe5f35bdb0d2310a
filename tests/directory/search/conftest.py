"""Fixtures for the search tests: the backend under test and one fixed dataset.

``search_backend`` is parametrised by backend name; the contract suite
(``test_contract.py``) runs once per name on exactly the same data, built by
``contract_data``. Every backend gets the data through ``update_companies(ids)``
and ``refresh()`` (no-ops where a backend has no separate index).
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from directory.search.database import DatabaseBackend
from tests.directory.factories import (
    PlaceFactory,
    PostcodeDistrictFactory,
    SectorFactory,
    SkillFactory,
    SkillGroupFactory,
    company,
)

SEARCH_BACKENDS = ["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


def make_backend(name: str, request):
    if name == "database":
        return DatabaseBackend()
    if name == "elasticsearch":
        from tests.directory.search.elasticsearch_support import make_elasticsearch_backend

        return make_elasticsearch_backend(request)
    raise LookupError(f"no test backend called {name!r}")


@pytest.fixture(params=SEARCH_BACKENDS)
def search_backend(request, db):
    backend = make_backend(request.param, request)
    yield backend
    backend.close()


def _when(year: int) -> datetime.datetime:
    return datetime.datetime(year, 6, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def contract_data(search_backend):
    """Nine companies: seven listed, one lapsed, one unpublished.

    Places (distances from the Stoke centre): stoke 0, newcastle ~2.1 mi,
    leek ~8.6 mi, stafford ~13.9 mi, burton ~25.6 mi. Slugs are prefixed
    ``ct-`` so they never meet the real gazetteer or skills list.
    """
    animation = SkillGroupFactory(name="Animation", slug="ct-animation")
    post = SkillGroupFactory(name="Post-production", slug="ct-post-production")
    production = SkillGroupFactory(name="Production", slug="ct-production")
    sound = SkillGroupFactory(name="Sound", slug="ct-sound")
    skill = SimpleNamespace(
        two_d=SkillFactory(name="2D animation", slug="ct-2d", group=animation),
        three_d=SkillFactory(name="3D animation", slug="ct-3d", group=animation),
        grading=SkillFactory(name="Colour grading", slug="ct-grading", group=post),
        compositing=SkillFactory(name="Compositing", slug="ct-compositing", group=post),
        line=SkillFactory(name="Line production", slug="ct-line", group=production),
        dubbing=SkillFactory(name="Dubbing mixing", slug="ct-dubbing", group=sound),
    )
    sector = SimpleNamespace(
        games=SectorFactory(name="Games", slug="ct-games"),
        tv=SectorFactory(name="TV drama", slug="ct-tv"),
        film=SectorFactory(name="Film", slug="ct-film"),
        ads=SectorFactory(name="Advertising", slug="ct-ads"),
        corporate=SectorFactory(name="Corporate", slug="ct-corporate"),
    )
    place = SimpleNamespace(
        stoke=PlaceFactory(name="Stoke", slug="ct-stoke", latitude=53.0027, longitude=-2.1794),
        newcastle=PlaceFactory(
            name="Newcastle", slug="ct-newcastle", latitude=53.0109, longitude=-2.2278
        ),
        leek=PlaceFactory(name="Leek", slug="ct-leek", latitude=53.1000, longitude=-2.0500),
        stafford=PlaceFactory(
            name="Stafford", slug="ct-stafford", latitude=52.8066, longitude=-2.1171
        ),
        burton=PlaceFactory(name="Burton", slug="ct-burton", latitude=52.8020, longitude=-1.6290),
    )
    PostcodeDistrictFactory(code="ZT1", place=place.stoke, latitude=53.0027, longitude=-2.1794)

    c = SimpleNamespace()
    c.kiln = company(
        "Kiln Animation",
        skills=[skill.two_d, skill.three_d],
        sectors=[sector.games, sector.tv],
        place=place.stoke,
        strapline="Character work for games and television",
        verified=True,
        joined_at=_when(2020),
    )
    c.bottle = company(
        "Bottle Oven Post",
        skills=[skill.grading, skill.compositing],
        sectors=[sector.film, sector.tv],
        place=place.newcastle,
        strapline="Finishing for film and television",
        about="<p>We grade animation features and do visual effects clean-up.</p>",
        joined_at=_when(2021),
    )
    c.trent = company(
        "Trent VFX",
        skills=[skill.compositing, skill.three_d],
        sectors=[sector.film, sector.games],
        place=place.stafford,
        strapline="Invisible effects for drama",
        joined_at=_when(2022),
    )
    c.moorlands = company(
        "Moorlands Sound",
        skills=[skill.dubbing],
        sectors=[sector.tv, sector.ads],
        place=place.leek,
        strapline="Audio post for broadcast",
        joined_at=_when(2019),
    )
    c.brewery = company(
        "Brewery Pictures",
        skills=[skill.line],
        sectors=[sector.ads, sector.film],
        place=place.burton,
        strapline="Commercials produced in the Midlands",
        joined_at=_when(2023),
    )
    c.saggar = company(
        "Saggar Games Studio",
        skills=[skill.three_d],
        sectors=[sector.games],
        place=place.stoke,
        latitude=53.0100,
        longitude=-2.1794,
        strapline="Real-time worlds",
        joined_at=_when(2024),
    )
    c.nowhere = company(
        "Nowhere Animation",
        skills=[skill.two_d],
        sectors=[sector.corporate],
        place=None,
        strapline="Explainer films",
        joined_at=_when(2018),
    )
    c.lapsed = company(
        "Lapsed Animation Ltd",
        skills=[skill.two_d],
        sectors=[sector.games],
        place=place.stoke,
        membership_status="lapsed",
        joined_at=_when(2017),
    )
    c.draft = company(
        "Draft Animation Co",
        skills=[skill.two_d],
        sectors=[sector.games],
        place=place.stoke,
        live=False,
        joined_at=_when(2016),
    )
    ids = [page.pk for page in vars(c).values()]
    search_backend.update_companies(ids)
    search_backend.refresh()
    return SimpleNamespace(
        backend=search_backend, company=c, skill=skill, sector=sector, place=place
    )
