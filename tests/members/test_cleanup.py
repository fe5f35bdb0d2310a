"""Pruning member uploads that nothing uses any more, and only those."""

import datetime
import io
import os

from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Collection, Revision

import pytest

from directory.models import CompanyGalleryImage
from members.uploads import member_collection
from tests.worker import committed

from .factories import image_bytes

Image = get_image_model()


def stored_image(title, *, days_old=30, collection=None):
    image = Image(title=title, collection=collection or member_collection())
    image.file = ImageFile(io.BytesIO(image_bytes()), name=f"{title}.png")
    image._set_image_file_metadata()
    image.save()
    Image.objects.filter(pk=image.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return image


def prune(*args):
    out = io.StringIO()
    call_command("prune_member_uploads", *args, stdout=out)
    return out.getvalue()


def surviving(*images):
    return {i.title for i in Image.objects.filter(pk__in=[i.pk for i in images])}


def test_only_uploads_nothing_uses_are_deleted_with_their_files(
    acme, rival, django_capture_on_commit_callbacks
):
    orphan = stored_image("orphan")
    live_logo = stored_image("live-logo")
    rival.logo = live_logo
    rival.save_revision().publish()
    pending_logo = stored_image("pending-logo")
    pending_gallery = stored_image("pending-gallery")
    acme.logo = pending_logo
    acme.gallery_images = [CompanyGalleryImage(image=pending_gallery, caption="Set")]
    acme.save_revision()  # waiting for approval: nothing live points at them
    fresh = stored_image("fresh", days_old=0)  # a form may be saving it right now
    editors_own = stored_image("editors-own", collection=Collection.get_first_root_node())
    everything = (orphan, live_logo, pending_logo, pending_gallery, fresh, editors_own)
    orphan_file = orphan.file.path

    out = prune("--dry-run")
    assert "Would delete 1 unused member upload(s)" in out and "orphan" in out
    assert len(surviving(*everything)) == 6

    assert os.path.exists(orphan_file)
    with django_capture_on_commit_callbacks(execute=True):  # files go after the commit
        out = prune()
    assert "[1/1]" in out and "Deleted 1." in out
    assert surviving(*everything) == {t.title for t in everything} - {"orphan"}
    assert not os.path.exists(orphan_file)

    # Once revisions are purged (Wagtail's purge_revisions), their uploads go too.
    Revision.objects.filter(object_id=str(acme.pk)).delete()
    prune()
    assert surviving(*everything) == {"live-logo", "fresh", "editors-own"}


def test_days_sets_the_grace_period_and_must_not_be_negative(db):
    stored_image("last-week", days_old=6)
    assert "Would delete 0" in prune("--dry-run")
    assert "Would delete 1" in prune("--dry-run", "--days", "5")
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        prune("--days", "-1")


def test_nothing_to_do_without_a_member_uploads_collection(db):
    assert "0 unused member upload(s)" in prune()


@committed
def test_queue_hands_the_clean_up_to_the_worker(task_worker):
    orphan = stored_image("queued-orphan")
    out = prune("--queue")
    assert "Queued the clean-up" in out
    assert surviving(orphan) == {"queued-orphan"}  # nothing deleted by the command itself
    assert task_worker.queued("prune_member_uploads_task").count() == 1
    task_worker.run()  # Wagtail's own tasks for the image are stored too
    assert not task_worker.queued("prune_member_uploads_task").exists()
    assert surviving(orphan) == set()
