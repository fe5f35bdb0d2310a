import pytest

from tests.directory.factories import company

from .factories import member


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def acme(db):
    return company("Acme Animation", skills=["Animation"], sectors=["Television"])


@pytest.fixture
def rival(db):
    return company("Rival Pictures", skills=["Colour grading"])


@pytest.fixture
def owner(acme):
    return member(acme, "owner@acme.example")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
