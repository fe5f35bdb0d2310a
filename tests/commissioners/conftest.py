import pytest

from tests.directory.factories import company

from .factories import commissioner


@pytest.fixture
def studios(db):
    return [
        company("Kiln Light Animation", email="hello@kilnlight.example"),
        company("Glaze Grade Post", email="hello@glazegrade.example"),
        company("Saggar Sound", email="hello@saggar.example"),
    ]


@pytest.fixture
def buyer(db):
    return commissioner()


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def rival_buyer(db):
    return commissioner("rival@agency.example", organisation="Rival Agency")
