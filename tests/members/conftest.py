import pytest

from tests.directory.factories import company

from .factories import member


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


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


@pytest.fixture(autouse=True)
def _company_page_template(settings):
    """Fall back to a bare company template if the directory's own is not there yet."""
    from pathlib import Path

    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        get_template("directory/company_page.html")
    except TemplateDoesNotExist:
        templates = [dict(engine) for engine in settings.TEMPLATES]
        templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
        settings.TEMPLATES = templates
