"""The directory API: search, one company, suggestions, schema and docs; 400 not 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import CompanyCredit, CompanyPage, Production
from tests.directory.factories import (
    PlaceFactory,
    PostcodeDistrictFactory,
    SectorFactory,
    SkillFactory,
    company,
)
from tests.directory.test_productions import productions_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    stoke = PlaceFactory(
        name="Stoke-on-Trent", slug="api-stoke", latitude=53.0027, longitude=-2.1794
    )
    stafford = PlaceFactory(
        name="Stafford", slug="api-stafford", latitude=52.8066, longitude=-2.1171
    )
    PostcodeDistrictFactory(code="ZQ1", place=stoke, latitude=53.0027, longitude=-2.1794)
    compositing = SkillFactory(name="Compositing", slug="api-compositing")
    animation = SkillFactory(name="2D animation", slug="api-2d")
    games = SectorFactory(name="Games", slug="api-games")
    film = SectorFactory(name="Film", slug="api-film")
    return {
        "kiln": company(
            "Kiln Animation",
            skills=[animation],
            sectors=[games],
            place=stoke,
            strapline="Characters that move",
            website="https://kiln.example",
            credits=2,
        ),
        "trent": company(
            "Trent VFX", skills=[compositing, animation], sectors=[film, games], place=stafford
        ),
        "lapsed": company("Lapsed Co", skills=[animation], place=stoke, membership_status="lapsed"),
        "draft": company("Draft Co", skills=[animation], place=stoke, live=False),
    }


def test_search_shape(client, companies):
    response = client.get(
        "/api/v1/directory/search",
        {
            "q": "animation",
            "sector": "api-games",
            "near": "zq1",
            "radius": "20",
            "sort": "distance",
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2
    assert (data["page"], data["pages"], data["page_size"]) == (1, 1, 20)
    assert data["backend"] == "database"
    assert data["took_ms"] >= 0
    first = data["results"][0]
    assert first["slug"] == "kiln-animation"
    assert first["name"] == "Kiln Animation"
    assert first["url"] == "http://testserver/directory/kiln-animation/"
    assert first["place"] == {"slug": "api-stoke", "label": "Stoke-on-Trent"}
    assert first["skills"] == [{"slug": "api-2d", "label": "2D animation"}]
    assert first["sectors"] == [{"slug": "api-games", "label": "Games"}]
    assert first["distance_miles"] == 0
    assert data["results"][1]["distance_miles"] == pytest.approx(13.8, abs=0.3)
    sector = {v["slug"]: v for v in data["facets"]["sector"]}
    assert sector["api-games"] == {
        "slug": "api-games",
        "label": "Games",
        "count": 2,
        "selected": True,
    }
    assert sector["api-film"]["count"] == 1 and not sector["api-film"]["selected"]
    assert set(data["facets"]) == {"department", "skill", "sector", "place"}
    assert data["total_is_exact"] is True  # the database counts every match


def test_did_you_mean_corrects_the_words_no_member_writes(client, companies):
    data = client.get("/api/v1/directory/search", {"q": "Animaton compsoiting"}).json()
    assert data["did_you_mean"] == "animation compositing"
    assert [hit["slug"] for hit in data["results"]] == ["trent-vfx"]
    data = client.get("/api/v1/directory/search", {"q": "animation"}).json()
    assert data["did_you_mean"] is None


def test_department_facet_and_verified_filter(client, companies):
    kiln, trent = companies["kiln"], companies["trent"]
    CompanyPage.objects.filter(pk=kiln.pk).update(verified=True)
    department = trent.skills.get(slug="api-compositing").group
    data = client.get(f"/api/v1/directory/search?department={department.slug}").json()
    assert [hit["slug"] for hit in data["results"]] == [trent.slug]
    counts = {v["slug"]: v["count"] for v in data["facets"]["department"]}
    assert counts[department.slug] == 1
    data = client.get("/api/v1/directory/search?verified=1").json()
    assert [hit["slug"] for hit in data["results"]] == [kiln.slug]
    data = client.get("/api/v1/directory/search?verified=0").json()
    assert data["total"] == 2


def test_a_verified_that_is_no_yes_or_no_is_400_naming_it(client, companies):
    response = client.get("/api/v1/directory/search?verified=banana")
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == "verified"
    assert "banana" in body["detail"]


def test_search_notes_unknown_slugs(client, companies):
    data = client.get("/api/v1/directory/search?skill=nope&skill=api-compositing").json()
    assert data["total"] == 1
    assert any("nope" in note for note in data["notes"])


@pytest.mark.parametrize(
    "query,param",
    [("page=x", "page"), ("page_size=0", "page_size"), ("near=api-stoke&radius=far", "radius")],
)
def test_bad_parameters_are_400_naming_the_parameter(client, companies, query, param):
    response = client.get(f"/api/v1/directory/search?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == param
    assert param.replace("_", " ") in body["detail"].lower()


def test_company_detail(client, companies):
    response = client.get("/api/v1/directory/companies/kiln-animation")
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Kiln Animation"
    assert data["website"] == "https://kiln.example"
    assert data["place"]["slug"] == "api-stoke"
    assert data["latitude"] == pytest.approx(53.0027)
    assert len(data["credits"]) == 2
    # Shown to signed-in commissioners by default (tests/directory/test_contact_privacy.py).
    assert data["email"] is None and data["phone"] is None


@pytest.mark.parametrize("slug", ["lapsed-co", "draft-co", "no-such-company"])
def test_company_detail_404_for_unlisted(client, companies, slug):
    response = client.get(f"/api/v1/directory/companies/{slug}")
    assert response.status_code == 404


def test_suggest(client, companies):
    data = client.get("/api/v1/directory/suggest?q=kil").json()
    assert data == [
        {"kind": "company", "label": "Kiln Animation", "url": "/directory/kiln-animation/"}
    ]
    data = client.get("/api/v1/directory/suggest?q=compos").json()
    assert {
        "kind": "skill",
        "label": "Compositing",
        "url": "/directory/?skill=api-compositing",
    } in data
    assert client.get("/api/v1/directory/suggest?q=l").json() == []
    assert client.get("/api/v1/directory/suggest?q=lapsed").json() == []


def test_suggest_sectors_and_places_despite_a_typo(client, companies):
    # The seeded gazetteer and sectors: a town leads to a search near it.
    data = client.get("/api/v1/directory/suggest?q=staford").json()
    assert {"kind": "place", "label": "Stafford", "url": "/directory/?near=stafford"} in data
    data = client.get("/api/v1/directory/suggest?q=documentry").json()
    assert {
        "kind": "sector",
        "label": "Documentary",
        "url": "/directory/?sector=documentary",
    } in data


def test_suggest_bad_limit_is_400(client, companies):
    response = client.get("/api/v1/directory/suggest?q=kil&limit=lots")
    assert response.status_code == 400
    assert response.json()["param"] == "limit"


def test_openapi_schema_and_docs_without_cdn(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/directory/search" in schema["paths"]
    assert "/api/v1/directory/companies/{slug}" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/directory/search"]["get"]["parameters"]}
    assert {
        "q",
        "department",
        "verified",
        "skill",
        "sector",
        "place",
        "near",
        "radius",
        "sort",
        "page",
        "page_size",
    } <= params
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_the_schema_types_and_bounds_every_number_and_documents_every_400(client):
    schema = client.get("/api/v1/openapi.json").json()

    def params(path):
        return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}

    def bounds(param):
        # Optional parameters are ``anyOf: [{type...}, {type: null}]``.
        typed = next((s for s in param.get("anyOf", [param]) if s.get("type") != "null"), param)
        return typed.get("type"), typed.get("minimum"), typed.get("maximum")

    search = params("/api/v1/directory/search")
    assert bounds(search["page"]) == ("integer", 1, 10_000)
    assert bounds(search["page_size"]) == ("integer", 1, 100)
    radius = next(s for s in search["radius"]["anyOf"] if s.get("type") == "number")
    assert radius["exclusiveMinimum"] == 0 and radius["maximum"] == 500
    assert bounds(params("/api/v1/directory/suggest")["limit"]) == ("integer", 1, 20)
    for path in ("/api/v1/directory/search", "/api/v1/directory/suggest"):
        assert "400" in schema["paths"][path]["get"]["responses"], path
    assert "404" in schema["paths"]["/api/v1/directory/companies/{slug}"]["get"]["responses"]
    out = schema["components"]["schemas"]
    assert out["SearchOut"]["properties"]["total_is_exact"]["type"] == "boolean"
    assert "department" in out["FacetsOut"]["required"]


def test_values_outside_the_schemas_bounds_are_refused_with_400(client, companies):
    for query in ("page_size=101", "page=0", "radius=501&near=api-stoke", "sort=cheapest"):
        response = client.get(f"/api/v1/directory/search?{query}")
        assert response.status_code == 400, query
        assert response.json()["param"] == query.split("=")[0], query


PARAM_NAMES = ["q", "skill", "sector", "place", "near", "radius", "sort", "page", "page_size", "x"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.lists(
        st.tuples(st.sampled_from(PARAM_NAMES), st.text(max_size=40)),
        max_size=6,
    )
)
def test_arbitrary_parameters_never_500(client, companies, params):
    response = client.get("/api/v1/directory/search", params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["param"] in PARAM_NAMES


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60), limit=st.text(max_size=5))
def test_arbitrary_suggest_never_500(client, companies, q, limit):
    response = client.get("/api/v1/directory/suggest", {"q": q, "limit": limit})
    assert response.status_code in (200, 400)


def test_client_filter_keeps_the_companies_credited_for_that_broadcaster(client, companies):
    kiln = companies["kiln"]  # credited twice for "Channel 4" (the factory's client)
    for written in ("Channel 4", "channel-4", "CHANNEL 4!"):
        data = client.get("/api/v1/directory/search", {"client": written}).json()
        assert [hit["slug"] for hit in data["results"]] == [kiln.slug], written
    assert client.get("/api/v1/directory/search?client=BBC+Three").json()["total"] == 0
    assert client.get("/api/v1/directory/search?client=").json()["total"] == 2  # no filter
    too_long = client.get("/api/v1/directory/search", {"client": "x" * 201})
    assert too_long.status_code == 400 and "client" in too_long.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/directory/search"]["get"]["parameters"]
    assert "broadcaster" in next(p for p in params if p["name"] == "client")["description"]


def test_each_credit_carries_its_production_with_the_url_of_its_page(client, companies):
    index = productions_page()
    kiln = companies["kiln"]
    first = Production.objects.get(title="Kiln Animation production 0")
    first.kind = Production.Kind.SERIES
    first.client = "BBC Three"
    first.save()
    # A credit that names no production (a title with no letters) has none.
    CompanyCredit.objects.create(company=kiln, production="!!!", year=2023, role="Titles")
    data = client.get("/api/v1/directory/companies/kiln-animation").json()
    by_title = {credit["production"]: credit for credit in data["credits"]}
    assert by_title["Kiln Animation production 0"]["work"] == {
        "title": "Kiln Animation production 0",
        "year": 2020,
        "kind": "series",
        "client": "BBC Three",
        "url": f"http://testserver/productions/{first.slug}/",
    }
    second = by_title["Kiln Animation production 1"]["work"]
    assert second["year"] == 2021 and second["kind"] == "other"
    assert second["url"] == "http://testserver" + index.production_url(
        Production.objects.get(title="Kiln Animation production 1")
    )
    assert by_title["!!!"]["work"] is None
    # The url leads to the production's page, which lists this company.
    page = client.get(f"/productions/{first.slug}/")
    assert page.status_code == 200 and "Kiln Animation" in page.content.decode()


def test_without_a_productions_page_a_credit_has_its_production_but_no_url(client, companies):
    data = client.get("/api/v1/directory/companies/kiln-animation").json()
    works = [credit["work"] for credit in data["credits"]]
    assert [work["title"] for work in works] == [
        "Kiln Animation production 0",
        "Kiln Animation production 1",
    ]
    assert all(work["url"] is None for work in works)


def test_the_schema_describes_each_credits_production(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    work = schemas["CreditOut"]["properties"]["work"]
    assert "ProductionOut" in str(work)
    assert set(schemas["ProductionOut"]["required"]) == {"title", "year", "kind", "client", "url"}
