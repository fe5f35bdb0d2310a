"""Members keep their company's and projects' galleries: uploads held for approval."""

from django.urls import reverse

from wagtail.images import get_image_model

import pytest

from directory.models import CompanyGalleryImage, CompanyPage
from showcase.models import ProjectPage
from tests.cms.factories import image
from tests.showcase.factories import project

from .factories import editor, image_bytes, upload
from .test_profile_changes import edit_url, formset_data, profile_data
from .test_projects import project_data
from .test_uploads import png_header_claiming

DESCRIPTION = "Puppet maker painting a clay face"


def still(name="still.png", colour=(200, 30, 30)):
    return upload(name, image_bytes("PNG", (640, 400), colour))


def new_row(caption="", description=DESCRIPTION, order="1", **fields):
    return {"upload": still(), "description": description, "caption": caption, "ORDER": order}


def gallery_data(*rows, initial=0):
    return formset_data("gallery_images", *rows, initial=initial)


def gallery_row_errors(response):
    return [row.errors for row in response.context["form"].formsets["gallery_images"].forms]


def save_gallery(client, company, *rows, initial=0):
    data = profile_data(company, **gallery_data(*rows, initial=initial))
    response = client.post(edit_url(company), data)
    assert response.status_code == 302, gallery_row_errors(response)


def add_images(client, company, *captions):
    rows = [new_row(caption, order=str(i)) for i, caption in enumerate(captions, start=1)]
    save_gallery(client, company, *rows)


def pending_rows(page):
    """The gallery rows of ``page``'s latest revision: what the editors are asked to approve."""
    page.refresh_from_db()
    return list(page.get_latest_revision_as_object().gallery_images.all())


def approve(page):
    page.refresh_from_db()
    page.current_workflow_state.current_task_state.approve(user=editor())
    page.refresh_from_db()


def test_a_gallery_image_waits_for_approval_in_member_uploads(owner_client, owner, acme):
    add_images(owner_client, acme, "Our stage in Longton")
    assert not CompanyGalleryImage.objects.filter(company=acme).exists()  # not live yet
    [row] = pending_rows(acme)
    assert row.caption == "Our stage in Longton"
    assert row.image.description == DESCRIPTION
    assert row.image.collection.name == "Member uploads"
    assert row.image.uploaded_by_user == owner
    assert row.image.file.name.endswith(".png")
    assert b"Our stage in Longton" not in owner_client.get(acme.url).content

    preview = owner_client.get(reverse("members:preview", args=[acme.pk])).content.decode()
    assert "Our stage in Longton" in preview and f'alt="{DESCRIPTION}"' in preview

    approve(acme)
    [live] = CompanyPage.objects.get(pk=acme.pk).gallery_images.all()
    assert live.image == row.image
    public = owner_client.get(acme.url).content.decode()
    assert "Our stage in Longton" in public and f'alt="{DESCRIPTION}"' in public


def test_the_form_shows_each_image_as_a_described_thumbnail(owner_client, acme):
    add_images(owner_client, acme, "First stage")
    page = owner_client.get(edit_url(acme)).content.decode()
    assert f'alt="{DESCRIPTION}"' in page  # the pending version's image
    assert "<legend>Image 1</legend>" in page and "<legend>Gallery</legend>" in page
    assert 'name="gallery_images-0-upload"' in page and 'enctype="multipart/form-data"' in page


def test_rows_are_reordered_and_removed_keeping_their_images(owner_client, acme):
    add_images(owner_client, acme, "One", "Two", "Three")
    approve(acme)
    one, two, three = acme.gallery_images.all()
    images_before = get_image_model().objects.count()
    rows = [
        {"id": one.pk, "caption": "One", "ORDER": "2"},
        {"id": two.pk, "caption": "Two", "ORDER": "3", "DELETE": "on"},
        {"id": three.pk, "caption": "Three, retitled", "ORDER": "1"},
        {"caption": "", "description": "", "ORDER": "4"},  # the blank row is ignored
    ]
    save_gallery(owner_client, acme, *rows, initial=3)
    assert [(r.caption, r.image_id) for r in pending_rows(acme)] == [
        ("Three, retitled", three.image_id),
        ("One", one.image_id),
    ]
    assert get_image_model().objects.count() == images_before  # nothing re-uploaded
    approve(acme)
    assert [r.image_id for r in acme.gallery_images.all()] == [three.image_id, one.image_id]


def test_pending_rows_keep_their_images_when_edited_again(owner_client, acme):
    # Rows of a version still in review have no id yet: they name their image instead.
    add_images(owner_client, acme, "One", "Two")
    one, two = pending_rows(acme)
    rows = [
        {"id": "", "current_image": two.image_id, "caption": "Two first", "ORDER": "1"},
        {"id": "", "current_image": one.image_id, "caption": "One", "ORDER": "2"},
    ]
    save_gallery(owner_client, acme, *rows, initial=2)
    assert [(r.caption, r.image_id) for r in pending_rows(acme)] == [
        ("Two first", two.image_id),
        ("One", one.image_id),
    ]


def test_a_new_row_needs_an_image_but_a_blank_one_is_ignored(owner_client, acme):
    row = {"caption": "A caption without a picture", "description": "", "ORDER": "1"}
    response = owner_client.post(edit_url(acme), profile_data(acme, **gallery_data(row)))
    assert response.status_code == 200
    assert gallery_row_errors(response)[0]["upload"] == ["Choose an image for this row."]

    blank = {"caption": "", "description": "", "ORDER": "1"}
    response = owner_client.post(edit_url(acme), profile_data(acme, **gallery_data(blank)))
    assert response.status_code == 302


def test_a_new_image_needs_a_description(owner_client, acme):
    response = owner_client.post(
        edit_url(acme), profile_data(acme, **gallery_data(new_row(description="")))
    )
    assert response.status_code == 200
    assert "Describe the image" in gallery_row_errors(response)[0]["description"][0]
    assert get_image_model().objects.count() == 0


@pytest.mark.parametrize(
    "bad,message",
    [
        (
            upload("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
            "SVG files can&#x27;t be used here",
        ),
        (upload("notes.png", b"Meeting notes, not a picture."), "isn&#x27;t a PNG, JPEG or WebP"),
        (upload("huge.png", png_header_claiming(60_000, 60_000)), "too large in pixels"),
    ],
    ids=["svg", "text-renamed-png", "too-many-pixels"],
)
def test_a_refused_upload_is_explained_on_its_row_and_nothing_typed_is_lost(
    owner_client, acme, bad, message
):
    rows = [
        new_row("A good still", order="1"),
        {"upload": bad, "description": "Our studio", "caption": "The bad one", "ORDER": "2"},
    ]
    response = owner_client.post(
        edit_url(acme), profile_data(acme, strapline="Typed before saving", **gallery_data(*rows))
    )
    assert response.status_code == 200
    good, refused = gallery_row_errors(response)
    assert not good and list(refused) == ["upload"]
    # The message sits in the second row's fieldset, after its legend.
    html = response.content.decode()
    assert html.index("<legend>Image 1</legend>") < html.index("<legend>Image 2</legend>")
    assert html.index("<legend>Image 2</legend>") < html.index(message)
    form = response.context["form"]
    assert form["strapline"].value() == "Typed before saving"
    second = form.formsets["gallery_images"].forms[1]
    assert (second["caption"].value(), second["description"].value()) == (
        "The bad one",
        "Our studio",
    )
    assert get_image_model().objects.count() == 0  # not even the good one
    assert CompanyPage.objects.get(pk=acme.pk).current_workflow_state is None


def test_the_gallery_is_capped(owner_client, acme):
    rows = [new_row(str(n), order=str(n)) for n in range(1, 14)]
    response = owner_client.post(edit_url(acme), profile_data(acme, **gallery_data(*rows)))
    assert response.status_code == 200
    gallery = response.context["form"].formsets["gallery_images"]
    assert "at most 12 images" in gallery.non_form_errors()[0]
    assert "at most 12 images" in response.content.decode()
    assert get_image_model().objects.count() == 0


def test_the_cap_counts_saved_rows_a_post_leaves_out(owner_client, acme):
    for n in range(12):
        CompanyGalleryImage.objects.create(company=acme, image=image(f"Still {n}"))
    images_before = get_image_model().objects.count()
    revision_before = CompanyPage.objects.get(pk=acme.pk).latest_revision_id
    # A hand-made post naming only a new row: the twelve saved rows would stay.
    response = owner_client.post(
        edit_url(acme), profile_data(acme, **gallery_data(new_row("Thirteenth")))
    )
    assert response.status_code == 200
    gallery = response.context["form"].formsets["gallery_images"]
    assert "at most 12 images" in gallery.non_form_errors()[0]
    assert get_image_model().objects.count() == images_before
    assert CompanyPage.objects.get(pk=acme.pk).latest_revision_id == revision_before


def test_rows_cannot_take_another_companys_images(owner_client, acme, rival):
    theirs = CompanyGalleryImage.objects.create(
        company=rival, image=image("Rival still"), caption="Their still"
    )
    add_images(owner_client, acme, "Ours")
    [ours] = pending_rows(acme)
    attempts = [
        # Their row's id, and their image named as the one kept.
        {"id": theirs.pk, "current_image": theirs.image_id, "caption": "Hijacked", "ORDER": "1"},
        # A row of our pending version claiming their image.
        {"id": "", "current_image": theirs.image_id, "caption": "Hijacked", "ORDER": "1"},
    ]
    for attempt in attempts:
        response = owner_client.post(
            edit_url(acme), profile_data(acme, **gallery_data(attempt, initial=1))
        )
        assert response.status_code == 200
        assert gallery_row_errors(response)[0]
    theirs.refresh_from_db()
    assert (theirs.company_id, theirs.caption) == (rival.pk, "Their still")
    assert [r.image_id for r in pending_rows(acme)] == [ours.image_id]


def test_member_adds_a_gallery_image_to_a_project(owner_client, acme):
    film = project("Kiln Nights", companies=[(acme, "Animation")])
    url = reverse("members:project_edit", args=[acme.pk, film.pk])
    response = owner_client.post(
        url, project_data(film, **gallery_data(new_row("Behind the scenes")))
    )
    assert response.status_code == 302, gallery_row_errors(response)
    assert not ProjectPage.objects.get(pk=film.pk).gallery_images.exists()
    [row] = pending_rows(film)
    assert row.image.description == DESCRIPTION
    assert row.image.collection.name == "Member uploads"
    preview = owner_client.get(reverse("members:project_preview", args=[acme.pk, film.pk]))
    assert b"Behind the scenes" in preview.content
    assert f'alt="{DESCRIPTION}"' in owner_client.get(url).content.decode()

    approve(film)
    assert [r.image_id for r in ProjectPage.objects.get(pk=film.pk).gallery_images.all()] == [
        row.image_id
    ]
    public = owner_client.get(film.url).content.decode()
    assert "Behind the scenes" in public and f'alt="{DESCRIPTION}"' in public
