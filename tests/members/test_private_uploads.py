"""A member's upload is private until an editor approves it; approval publishes it.

Until then the picture (and every rendition of it) is readable by the
company's members and by editors only, under a name nobody can guess;
approval makes it public, and what nothing uses any more is deleted by the
worker.
"""

import io
import os

from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from wagtail.images import get_image_model
from wagtail.models import WorkflowState

import pytest

from cms.media import PRIVATE_MARKER, public_name
from directory.models import CompanyPage
from members.models import PrivateUpload
from tests.directory.factories import company
from tests.worker import committed

from .factories import editor, image_bytes, member, upload
from .test_profile_changes import edit_url, profile_data

Image = get_image_model()


def send_logo(client, company, *, colour=(200, 30, 30), description="Acme logo"):
    picture = upload(content=image_bytes(color=colour))
    response = client.post(
        edit_url(company), profile_data(company, logo_upload=picture, logo_description=description)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return CompanyPage.objects.get(pk=company.pk).get_latest_revision_as_object().logo


def fetch(client, url):
    """GET ``url``, with a streamed file's bytes read into ``response.body``."""
    response = client.get(url)
    if response.status_code == 200 and hasattr(response, "streaming_content"):
        response.body = b"".join(response.streaming_content)
    return response


def stored_publicly(name):
    return os.path.exists(os.path.join(default_storage.backend(public_name(name)).location, name))


def stored_privately(name):
    return os.path.exists(os.path.join(default_storage.backend(name).location, name))


@pytest.fixture
def visitor():
    """Somebody not signed in (``client`` is ``owner_client``'s browser)."""
    return Client()


@pytest.fixture
def colleague(acme):
    return member(acme, "colleague@acme.example")


@pytest.fixture
def reviewer(db):
    return editor()


def test_an_upload_is_stored_privately_under_an_unguessable_name(owner_client, acme):
    logo = send_logo(owner_client, acme)

    folder, name = os.path.split(logo.file.name)
    assert folder == "original_images"
    assert name.startswith(PRIVATE_MARKER)
    assert acme.slug not in name and "logo" not in name  # nothing to guess it from
    assert len(name.split(".")[0]) >= 20
    assert stored_privately(logo.file.name)
    assert not stored_publicly(logo.file.name)
    assert not stored_publicly(public_name(logo.file.name))
    assert logo.file.url.startswith("/private-media/")
    assert PrivateUpload.objects.get(image=logo).company_id == acme.pk


def test_only_the_companys_members_and_editors_can_see_it_and_its_renditions(
    visitor, owner_client, acme, rival, colleague, reviewer
):
    logo = send_logo(owner_client, acme)
    rendition = logo.get_rendition("fill-96x96")
    assert rendition.file.name.startswith(f"images/{PRIVATE_MARKER}")
    assert stored_privately(rendition.file.name)
    assert not stored_publicly(rendition.file.name)

    other = Client()
    other.force_login(member(rival, "owner@rival.example"))
    for url in (logo.file.url, rendition.url):
        assert fetch(visitor, url).status_code == 404  # anonymous visitors
        assert fetch(other, url).status_code == 404  # another company's member
        for reader in (colleague, reviewer):
            browser = Client()
            browser.force_login(reader)
            response = fetch(browser, url)
            assert response.status_code == 200, reader
            assert response["Content-Type"] == "image/png"
            assert response["Cache-Control"] == "private, max-age=600"
            with default_storage.open(url.removeprefix("/private-media/")) as stored:
                assert response.body == stored.read()


def test_the_members_preview_shows_the_pending_logo_and_the_public_page_does_not(
    visitor, owner_client, acme
):
    logo = send_logo(owner_client, acme)
    preview = owner_client.get(reverse("members:preview", args=[acme.pk])).content.decode()
    shown = [part.split('"')[0] for part in preview.split('src="')[1:]]
    private = [src for src in shown if src.startswith("/private-media/")]
    assert private, "the preview shows the new logo"
    assert all(fetch(owner_client, src).status_code == 200 for src in private)
    public_page = visitor.get(acme.url).content.decode()
    assert "/private-media/" not in public_page
    assert logo.file.name not in public_page


def test_the_view_refuses_what_is_not_a_private_file(reviewer, owner_client, acme):
    logo = send_logo(owner_client, acme)
    client = Client()
    client.force_login(reviewer)
    folder, name = os.path.split(logo.file.name)
    for path in (
        f"{folder}/{name.removeprefix(PRIVATE_MARKER)}",  # a public name
        f"{folder}/{PRIVATE_MARKER}nothing-here.png",  # no such file
        f"../{folder}/{name}",
        f"{folder}/../../{name}",
    ):
        assert client.get(f"/private-media/{path}").status_code == 404, path
    assert client.post(logo.file.url).status_code == 405
    assert client.head(logo.file.url).status_code == 200


def test_approval_publishes_the_upload_and_its_renditions_and_old_links_redirect(
    visitor, owner_client, acme, reviewer, django_capture_on_commit_callbacks
):
    logo = send_logo(owner_client, acme)
    private_original = logo.file.name
    private_rendition = logo.get_rendition("fill-96x96").file.name
    old_url = reverse("private_media", args=[private_rendition])

    with django_capture_on_commit_callbacks(execute=True):
        CompanyPage.objects.get(pk=acme.pk).current_workflow_state.current_task_state.approve(
            user=reviewer
        )

    logo.refresh_from_db()
    assert logo.file.name == public_name(private_original)
    assert stored_publicly(logo.file.name)
    assert not stored_privately(private_original)
    [rendition] = logo.renditions.all()
    assert rendition.file.name == public_name(private_rendition)
    assert stored_publicly(rendition.file.name)
    assert not stored_privately(private_rendition)
    assert not PrivateUpload.objects.exists()
    redirect = visitor.get(old_url)  # a page or feed rendered before the worker ran
    assert redirect.status_code == 301
    assert redirect["Location"] == rendition.url

    page = visitor.get(CompanyPage.objects.get(pk=acme.pk).url).content.decode()
    assert "/private-media/" not in page
    shown = [r.url for r in logo.renditions.all() if r.url in page]
    assert shown and all(url.startswith("/media/images/") for url in shown)


def test_between_approval_and_the_worker_anyone_can_see_the_approved_upload(
    visitor, owner_client, acme, reviewer
):
    logo = send_logo(owner_client, acme)
    # The worker has not run yet: on_commit callbacks are not executed here.
    CompanyPage.objects.get(pk=acme.pk).current_workflow_state.current_task_state.approve(
        user=reviewer
    )
    assert PrivateUpload.objects.get(image=logo).approved_at is not None
    logo.refresh_from_db()
    assert logo.file.name.split("/")[-1].startswith(PRIVATE_MARKER)
    page = visitor.get(CompanyPage.objects.get(pk=acme.pk).url).content.decode()
    [src] = [part.split('"')[0] for part in page.split('src="/private-media/')[1:]]
    assert fetch(visitor, f"/private-media/{src}").status_code == 200


def test_a_replaced_upload_is_deleted_and_the_new_one_stays_private(
    owner_client, acme, reviewer, django_capture_on_commit_callbacks
):
    first = send_logo(owner_client, acme, colour=(10, 10, 200))
    first_name = first.file.name
    first_rendition = first.get_rendition("fill-96x96").file.name
    with django_capture_on_commit_callbacks(execute=True):
        CompanyPage.objects.get(pk=acme.pk).current_workflow_state.current_task_state.reject(
            user=reviewer, comment="A clearer logo, please."
        )
    # Asked for changes: the member carries on from the change, upload included.
    assert Image.objects.filter(pk=first.pk).exists()
    assert fetch(owner_client, first.file.url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        second = send_logo(owner_client, acme, colour=(10, 200, 10))

    assert not Image.objects.filter(pk=first.pk).exists()
    assert not stored_privately(first_name)
    assert not stored_privately(first_rendition)
    assert PrivateUpload.objects.filter(image=second, approved_at__isnull=True).exists()
    assert stored_privately(second.file.name)


def test_a_withdrawn_change_takes_its_uploads_with_it(
    owner_client, acme, reviewer, django_capture_on_commit_callbacks
):
    logo = send_logo(owner_client, acme)
    page = CompanyPage.objects.get(pk=acme.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page.current_workflow_state.cancel(user=reviewer)
    assert page.current_workflow_state is None
    assert not Image.objects.filter(pk=logo.pk).exists()
    assert not stored_privately(logo.file.name)


def test_an_editors_draft_keeps_the_upload_it_uses(
    owner_client, acme, reviewer, django_capture_on_commit_callbacks
):
    logo = send_logo(owner_client, acme)
    page = CompanyPage.objects.get(pk=acme.pk)
    draft = page.get_latest_revision_as_object()
    draft.strapline = "Edited by the editor"
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision(user=reviewer)  # the editor's draft carries the member's logo
        page.current_workflow_state.cancel(user=reviewer)
    assert WorkflowState.objects.active().count() == 0
    assert Image.objects.filter(pk=logo.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish(user=reviewer)
    logo.refresh_from_db()
    assert stored_publicly(logo.file.name) and not PrivateUpload.objects.exists()


def test_a_file_named_like_a_private_one_by_an_editor_stays_public(db):
    picture = Image(title="Editor's upload")
    picture.file = ImageFile(io.BytesIO(image_bytes()), name=f"{PRIVATE_MARKER}poster.png")
    picture.save()
    assert picture.file.name == "original_images/poster.png"
    assert picture.file.url == "/media/original_images/poster.png"
    assert picture.get_rendition("fill-96x96").url.startswith("/media/images/poster.")


@committed
def test_a_failed_publication_is_retried_by_the_worker_and_the_picture_stays_readable(
    task_worker, client, monkeypatch
):
    acme = company("Acme Animation")
    owner = member(acme, "owner@acme.example")
    client.force_login(owner)
    logo = send_logo(client, acme)
    private_url = logo.file.url
    task_worker.run()

    def storage_down(storage, name):
        raise OSError("the media storage is unreachable")

    monkeypatch.setattr("members.private_uploads.make_public", storage_down)
    CompanyPage.objects.get(pk=acme.pk).current_workflow_state.current_task_state.approve(
        user=editor()
    )
    task_worker.run()
    upload_row = PrivateUpload.objects.get(image=logo)
    assert upload_row.publish_attempts == 1
    assert task_worker.queued("publish_approved_uploads").exists()  # a retry, deferred
    assert fetch(Client(), private_url).status_code == 200  # approved: anyone may see it

    monkeypatch.undo()
    task_worker.run(including_deferred=True)
    logo.refresh_from_db()
    assert not logo.file.name.split("/")[-1].startswith(PRIVATE_MARKER)
    assert not PrivateUpload.objects.exists()
    assert Client().get(private_url)["Location"] == logo.file.url


@committed
def test_a_save_without_uploads_gives_the_worker_no_clean_up_and_one_with_them_does(
    task_worker, client
):
    acme = company("Acme Animation")
    client.force_login(member(acme, "owner@acme.example"))
    response = client.post(edit_url(acme), profile_data(acme, strapline="Frame by frame"))
    assert response.status_code == 302
    assert not task_worker.queued("discard_unused_uploads").exists()

    send_logo(client, acme)  # a second change, with a private upload
    assert task_worker.queued("discard_unused_uploads").count() == 1


def test_a_new_projects_poster_and_gallery_go_public_when_the_project_is_approved(
    visitor, owner_client, acme, reviewer, django_capture_on_commit_callbacks
):
    from showcase.models import ProjectPage
    from tests.showcase.factories import showcase_index

    from .test_profile_changes import formset_data
    from .test_projects import project_data

    showcase_index()
    still = upload("still.jpg", image_bytes("JPEG", (640, 360)), "image/jpeg")
    response = owner_client.post(
        reverse("members:project_new", args=[acme.pk]),
        project_data(
            title="Puppet Pier",
            company_role="Puppet making",
            poster_upload=still,
            poster_description="A puppet on the pier",
            **formset_data(
                "gallery_images",
                {"upload": upload(), "description": "The workshop", "ORDER": "1"},
            ),
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    film = ProjectPage.objects.get(title="Puppet Pier")
    pending = film.get_latest_revision_as_object()
    pictures = [pending.poster, *(row.image for row in pending.gallery_images.all())]
    assert len(pictures) == 2
    for picture in pictures:
        assert picture.file.url.startswith("/private-media/")
        assert visitor.get(picture.file.url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        film.current_workflow_state.current_task_state.approve(user=reviewer)
    for picture in pictures:
        picture.refresh_from_db()
        assert picture.file.url.startswith("/media/original_images/")
        assert stored_publicly(picture.file.name)
    assert not PrivateUpload.objects.exists()


def test_the_prune_sweep_finishes_what_the_worker_did_not(owner_client, acme, rival, reviewer):
    from .test_cleanup import prune

    # Neither runs its worker task here (on-commit callbacks are not executed).
    approved = send_logo(owner_client, acme)
    CompanyPage.objects.get(pk=acme.pk).current_workflow_state.current_task_state.approve(
        user=reviewer
    )
    rivals = Client()
    rivals.force_login(member(rival, "owner@rival.example"))
    withdrawn = send_logo(rivals, rival)
    CompanyPage.objects.get(pk=rival.pk).current_workflow_state.cancel(user=reviewer)
    assert PrivateUpload.objects.count() == 2

    out = prune()
    assert "Private uploads: published 1 approved, deleted 1 that nothing uses." in out
    approved.refresh_from_db()
    assert stored_publicly(approved.file.name)
    assert not Image.objects.filter(pk=withdrawn.pk).exists()
    assert not PrivateUpload.objects.exists()
