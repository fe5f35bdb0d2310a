"""The API against its own OpenAPI schema: schemathesis, every check, the live test server.

Schemathesis generates requests from ``/api/v1/openapi.json`` (valid ones and,
for ``negative_data_rejection``, invalid ones) and checks every answer: no
5xx, only documented status codes and content types, bodies that match the
schema, invalid input refused and valid input accepted.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from commissioners.api import OPERATIONS as SHORTLIST_OPERATIONS
from commissioners.api import SAVED_SEARCH_OPERATIONS
from tests.directory.factories import PlaceFactory, SectorFactory, SkillFactory, company
from tests.worker import committed

pytestmark = committed


@pytest.fixture
def api_schema(live_server):
    stoke = PlaceFactory(name="Stoke", slug="stoke", latitude=53.0, longitude=-2.18)
    animation = SkillFactory(name="Animation", slug="animation")
    games = SectorFactory(name="Games", slug="games")
    company("Kiln Light", skills=[animation], sectors=[games], place=stoke, credits=1)
    company("Glaze Grade", place=stoke)
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")


OPERATIONS = [
    "GET /api/v1/directory/search",
    "GET /api/v1/directory/companies/{slug}",
    "GET /api/v1/directory/suggest",
]


def test_the_schema_names_every_operation_tested_here(api_schema):
    found = {result.ok().label for result in api_schema.get_all_operations()}
    # A commissioner's shortlists need a signed-in session and CSRF: they are
    # tested in tests/commissioners/test_api.py, against this same schema.
    assert found == set(OPERATIONS) | set(SHORTLIST_OPERATIONS) | set(SAVED_SEARCH_OPERATIONS)


@pytest.mark.parametrize(
    ("label", "mode"),
    [
        *((label, GenerationMode.POSITIVE) for label in OPERATIONS),
        # Invalid input, refused: only where the schema constrains something
        # (a slug is any string, so nothing sent there is invalid).
        ("GET /api/v1/directory/search", GenerationMode.NEGATIVE),
        ("GET /api/v1/directory/suggest", GenerationMode.NEGATIVE),
    ],
)
def test_every_operation_conforms_to_the_schema(api_schema, label, mode):
    operation = api_schema.find_operation_by_label(label)
    checks = CHECKS.get_all()

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=25,
        deadline=None,
        derandomize=True,  # the same requests every run: a failure can be replayed
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def conforms(case):
        case.call_and_validate(checks=checks)

    conforms()


def test_the_schema_says_when_each_profile_was_updated(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("CompanyOut", "CompanyHitOut"):
        updated = schemas[name]["properties"]["updated_at"]
        assert "updated_at" in schemas[name]["required"]
        assert "confirmed still accurate" in updated["description"]
