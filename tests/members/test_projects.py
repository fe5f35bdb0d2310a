"""Members edit and add their company's showcase projects, through moderation."""

from django.urls import reverse

from wagtail.models import WorkflowState

from showcase.models import ProjectCompany, ProjectPage
from tests.showcase.factories import project, showcase_index

from .factories import editor, image_bytes, upload
from .test_profile_changes import formset_data


def project_data(page=None, **overrides):
    data = {
        "title": page.title if page else "",
        "kind": page.kind if page else "production",
        "year": page.year if page else 2025,
        "client": page.client if page else "",
        "video_url": "",
        "synopsis_text": "",
        "skills": [],
        "sectors": [],
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "awards-TOTAL_FORMS": "0",
        "awards-INITIAL_FORMS": "0",
        "gallery_images-TOTAL_FORMS": "0",
        "gallery_images-INITIAL_FORMS": "0",
        "base_revision": ProjectPage.objects.get(pk=page.pk).latest_revision_id if page else "",
    }
    data.update(overrides)
    return data


def test_member_lists_and_edits_their_companys_project(owner_client, owner, acme):
    film = project("The Clay Detectives", companies=[(acme, "Animation")])
    listing = owner_client.get(reverse("members:projects", args=[acme.pk]))
    assert b"The Clay Detectives" in listing.content
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        project_data(
            film,
            client="CBBC",
            synopsis_text="Two detectives made of clay.",
            **{
                "credits-TOTAL_FORMS": "1",
                "credits-0-role": "Director",
                "credits-0-name": "Sam Lee",
                "credits-0-ORDER": "1",
            },
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    film.refresh_from_db()
    assert film.client == ""  # live version unchanged until approval
    assert film.get_latest_revision().user == owner
    assert film.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    film.current_workflow_state.current_task_state.approve(user=editor())
    film.refresh_from_db()
    assert film.client == "CBBC"
    assert film.synopsis == "<p>Two detectives made of clay.</p>"
    assert [(c.role, c.name) for c in film.credits.all()] == [("Director", "Sam Lee")]
    # The companies credited stay as the editors set them.
    assert list(film.project_companies.values_list("company", "role")) == [(acme.pk, "Animation")]


def test_member_adds_a_project_as_a_draft_for_moderation(owner_client, owner, acme):
    showcase_index()
    response = owner_client.post(
        reverse("members:project_new", args=[acme.pk]),
        project_data(title="Puppet Pier", company_role="Puppet making"),
    )
    assert response.status_code == 302, response.context["form"].errors
    created = ProjectPage.objects.get(title="Puppet Pier")
    assert not created.live
    assert created.slug == "puppet-pier"
    assert ProjectCompany.objects.filter(project=created, company=acme, role="Puppet making")
    assert created.current_workflow_state.requested_by == owner
    preview = owner_client.get(reverse("members:project_preview", args=[acme.pk, created.pk]))
    assert preview.status_code == 200 and b"Puppet Pier" in preview.content


def test_projects_of_other_companies_are_404(owner_client, acme, rival):
    theirs = project("Their Film", companies=[rival])
    for name in ("project_edit", "project_preview"):
        url = reverse(f"members:{name}", args=[acme.pk, theirs.pk])
        assert owner_client.get(url).status_code == 404
    hijack = owner_client.post(
        reverse("members:project_edit", args=[acme.pk, theirs.pk]),
        project_data(theirs, title="Hijacked"),
    )
    assert hijack.status_code == 404
    # Nor through another company's id in the URL.
    assert owner_client.get(reverse("members:projects", args=[rival.pk])).status_code == 404
    assert owner_client.get(reverse("members:project_new", args=[rival.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Their Film" and theirs.latest_revision.user is None


def test_invalid_project_redisplays(owner_client, acme):
    showcase_index()
    response = owner_client.post(
        reverse("members:project_new", args=[acme.pk]), project_data(title="", year="1800")
    )
    assert response.status_code == 200
    assert {"title", "year"} <= set(response.context["form"].errors)
    assert not ProjectPage.objects.exists()


def test_member_uploads_a_described_poster_that_waits_for_approval(owner_client, acme):
    film = project("Kiln Nights", companies=[(acme, "Animation")])
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    response = owner_client.post(
        url,
        project_data(
            film,
            poster_upload=upload("still.jpg", image_bytes("JPEG", (640, 360)), "image/jpeg"),
            poster_description="Two clay detectives under a street lamp",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    film.refresh_from_db()
    assert film.poster_id is None  # the public page keeps the approved version
    pending = film.get_latest_revision_as_object()
    assert pending.poster.description == "Two clay detectives under a street lamp"
    assert pending.poster.file.name.endswith(".jpg")  # named from the content
    assert pending.poster.collection.name == "Member uploads"
    film.current_workflow_state.current_task_state.approve(user=editor())
    film.refresh_from_db()
    assert film.poster == pending.poster


def test_poster_must_be_a_real_image_and_described(owner_client, acme):
    film = project("Glaze Days", companies=[(acme, "Animation")])
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    svg = upload("poster.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
    response = owner_client.post(url, project_data(film, poster_upload=svg))
    assert response.status_code == 200
    assert response.context["form"].errors["poster_upload"]
    assert ProjectPage.objects.get(pk=film.pk).current_workflow_state is None  # nothing sent

    png = upload("poster.png", image_bytes("PNG", (640, 360)))
    response = owner_client.post(url, project_data(film, poster_upload=png))
    assert response.status_code == 200
    assert "Describe the poster" in response.context["form"].errors["poster_description"][0]


def test_member_adds_reorders_and_removes_awards_shown_after_approval(owner_client, acme):
    film = project("Kiln Nights", companies=[(acme, "Animation")])
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    page = owner_client.get(url).content.decode()
    assert "<legend>Awards and festival selections</legend>" in page
    assert ">Festival or award</label>" in page and ">Result</label>" in page
    rows = [
        {"kind": "selection", "name": "Annecy", "category": "", "year": "2025", "ORDER": "2"},
        {"kind": "win", "name": "BAFTA Craft", "category": "Animation", "year": "", "ORDER": "1"},
        {"kind": "selection", "name": "", "category": "", "year": "", "ORDER": "3"},  # blank
    ]
    response = owner_client.post(url, project_data(film, **formset_data("awards", *rows)))
    assert response.status_code == 302, response.context["form"].formsets["awards"].errors
    assert not film.awards.exists()  # live version unchanged until approval
    film.refresh_from_db()
    film.current_workflow_state.current_task_state.approve(user=editor())
    assert [str(a) for a in film.awards.all()] == [
        "Winner: BAFTA Craft",
        "Official selection: Annecy",
    ]
    public = owner_client.get(film.url).content.decode()
    assert public.index("BAFTA Craft") < public.index("Annecy")
    assert "BAFTA Craft, Animation" in public and "Annecy (2025)" in public

    bafta, annecy = film.awards.all()
    rows = [
        {"id": bafta.pk, "kind": "win", "name": "BAFTA Craft", "ORDER": "1", "DELETE": "on"},
        {"id": annecy.pk, "kind": "nomination", "name": "Annecy", "year": "2025", "ORDER": "2"},
    ]
    response = owner_client.post(
        url, project_data(film, **formset_data("awards", *rows, initial=2))
    )
    assert response.status_code == 302, response.context["form"].formsets["awards"].errors
    film.refresh_from_db()
    film.current_workflow_state.current_task_state.approve(user=editor())
    assert [str(a) for a in film.awards.all()] == ["Nominated: Annecy"]
    public = owner_client.get(film.url).content.decode()
    assert "Nominated</strong> — Annecy (2025)" in public and "BAFTA" not in public


def test_an_award_needs_its_name(owner_client, acme):
    film = project("Glaze Days", companies=[(acme, "Animation")])
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    row = {"kind": "win", "name": "", "category": "Best Short", "year": "2024", "ORDER": "1"}
    response = owner_client.post(url, project_data(film, **formset_data("awards", row)))
    assert response.status_code == 200
    assert "name" in response.context["form"].formsets["awards"].forms[0].errors
    assert b"Please correct the highlighted fields." in response.content
