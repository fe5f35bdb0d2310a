"""Editors: the Projects listing and the project editor work in the Wagtail admin."""

from django.urls import reverse

import pytest

from tests.directory.factories import company
from tests.showcase.factories import project, showcase_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("showcase-editor", "e@example.com", "pw")
    client.force_login(user)
    return client


def test_projects_listing_filters_featured(editor_client):
    kiln = company("Kiln Light")
    project("Star Turn", companies=[kiln], featured=True)
    project("Also Ran", companies=[kiln])
    html = editor_client.get(reverse("projects:index")).content.decode()
    assert "Star Turn" in html and "Also Ran" in html
    html = editor_client.get(reverse("projects:index") + "?featured=true").content.decode()
    assert "Star Turn" in html and "Also Ran" not in html


def test_project_editor_forms_render(editor_client):
    index = showcase_index()
    response = editor_client.get(f"/admin/pages/add/showcase/projectpage/{index.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Member companies", "Awards and festivals", "Credits", "Gallery", "Video URL"):
        assert label in html
    page = project("Clay Hearts", companies=[company("Kiln Light")])
    assert editor_client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200


def test_publishing_a_project_in_the_admin_needs_a_company(editor_client):
    index = showcase_index()
    kiln = company("Kiln Light")
    url = f"/admin/pages/add/showcase/projectpage/{index.pk}/"
    data = {
        "title": "Clay Hearts",
        "slug": "clay-hearts",
        "kind": "production",
        "year": "2024",
        "client": "",
        "video_url": "",
        "tags": "stop-motion",
        "project_companies-TOTAL_FORMS": "0",
        "project_companies-INITIAL_FORMS": "0",
        "project_companies-MIN_NUM_FORMS": "1",
        "project_companies-MAX_NUM_FORMS": "1000",
        "awards-TOTAL_FORMS": "0",
        "awards-INITIAL_FORMS": "0",
        "awards-MIN_NUM_FORMS": "0",
        "awards-MAX_NUM_FORMS": "1000",
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
        "gallery_images-TOTAL_FORMS": "0",
        "gallery_images-INITIAL_FORMS": "0",
        "gallery_images-MIN_NUM_FORMS": "0",
        "gallery_images-MAX_NUM_FORMS": "1000",
        "action-publish": "publish",
    }
    response = editor_client.post(url, data)
    # Publishing without a company is refused; the form comes back with the error.
    assert response.status_code == 200
    assert not index.get_children().exists()

    data.update(
        {
            "project_companies-TOTAL_FORMS": "1",
            "project_companies-0-company": str(kiln.pk),
            "project_companies-0-role": "Animation",
            "project_companies-0-ORDER": "1",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    index.refresh_from_db()  # treebeard reads numchild from the instance
    created = index.get_children().get().specific
    assert created.live and [r.role for r in created.project_companies.all()] == ["Animation"]
    assert list(created.tags.names()) == ["stop-motion"]
