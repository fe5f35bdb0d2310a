"""A member's uploads stay private until an editor approves the change that uses them.

Each new image from a member form (``uploads.described_image``) is stored
under a private name (``cms.media``) with a :class:`~.models.PrivateUpload`
row saying whose it is. Until approval only that company's members and
people with admin access can read it, through ``/private-media/``
(:func:`may_read`, answering the ``can_read_private_media`` hook).

* **Approval publishes it.** When a page goes live (an editor approves the
  member's change, or publishes a version using the upload), every private
  upload its revision names is marked approved in the same transaction; from
  then on anyone may read it, and :func:`publish_approved_uploads`, on the
  worker, copies the file and its renditions to their public names. The old
  private URLs redirect to the public ones.
* **What nothing uses any more is deleted.** A private upload that no live
  row, no editor's draft and no change under review uses (replaced before
  approval, left behind when the member sent another version, or withdrawn
  with its change) is deleted by :func:`discard_unused_uploads`,
  on the worker, after each submission, withdrawal and publication.

An editor asking for changes does not delete anything: the member carries
on from the change they sent, uploads included, and the uploads they then
replace are deleted as soon as they send the new version.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Page, Revision, WorkflowState

from django_tasks import task

from cms import background
from cms.media import is_private, make_public

from .cleanup import image_ids_in, images_named_in, images_used_by_rows
from .models import PrivateUpload

logger = logging.getLogger(__name__)


def image_for_file(name: str):
    """The id of the image whose original or rendition is stored as ``name``, or None."""
    Image = get_image_model()
    image_id = Image.objects.filter(file=name).values_list("pk", flat=True).first()
    if image_id is None:
        image_id = (
            Image.get_rendition_model()
            .objects.filter(file=name)
            .values_list("image_id", flat=True)
            .first()
        )
    return image_id


def may_read(request, name: str) -> bool:
    """Members of the upload's company may read it; anyone, once it is approved."""
    image_id = image_for_file(name)
    if image_id is None:
        return False
    readers = Q(approved_at__isnull=False)
    if request.user.is_authenticated:
        readers |= Q(company__memberships__user=request.user)
    return PrivateUpload.objects.filter(readers, image_id=image_id).exists()


def approve_uploads_of(revision) -> int:
    """Mark the private uploads ``revision`` (now live) names as approved; the worker publishes.

    Called in the publishing transaction, so the page and its pictures go
    public together.
    """
    ids = image_ids_in(revision.content)
    if not ids:
        return 0
    approved = PrivateUpload.objects.filter(image_id__in=ids, approved_at__isnull=True).update(
        approved_at=timezone.now()
    )
    if approved:
        background.enqueue_on_commit(publish_approved_uploads)
    return approved


def uploads_in_use(ids: set[int]) -> set[int]:
    """Which private image ``ids`` a live row, a latest draft or a change under review uses."""
    used = images_used_by_rows(ids)
    # An editor's unpublished draft may carry a member's upload on; a member's
    # own latest revision counts only while its change is under review.
    drafts = Revision.objects.filter(
        pk__in=Page.objects.filter(has_unpublished_changes=True).values("latest_revision_id")
    ).exclude(user__company_memberships__isnull=False)
    under_review = Revision.objects.filter(
        pk__in=WorkflowState.objects.active()
        .filter(current_task_state__isnull=False)
        .values("current_task_state__revision_id")
    )
    used |= images_named_in(drafts, ids - used)
    used |= images_named_in(under_review, ids - used)
    return used


def schedule_discard():
    """After this transaction, have the worker delete private uploads nothing uses any more.

    Most saves carry no private upload at all; they cost one look-up in a small table
    here rather than a task for the worker.
    """
    if PrivateUpload.objects.filter(approved_at__isnull=True).exists():
        background.enqueue_on_commit(discard_unused_uploads, once=True)


@task()
def discard_unused_uploads() -> int:
    """Delete the unapproved private uploads that nothing uses (with files and renditions)."""
    ids = set(
        PrivateUpload.objects.filter(approved_at__isnull=True).values_list("image_id", flat=True)
    )
    unused = ids - uploads_in_use(ids) if ids else set()
    images = list(get_image_model().objects.filter(pk__in=unused))
    for image in images:
        # Wagtail deletes the files (and renditions) once this commits.
        image.delete()
    return len(images)


@task()
def publish_approved_uploads() -> int:
    """Copy the approved private uploads to their public names; retried with back-off."""
    published = 0
    attempts = 0
    for upload in PrivateUpload.objects.filter(approved_at__isnull=False).select_related("image"):
        try:
            publish(upload)
        except Exception:
            logger.exception("Could not make upload %s public; will retry", upload.image_id)
            PrivateUpload.objects.filter(pk=upload.pk).update(
                publish_attempts=upload.publish_attempts + 1
            )
            attempts = max(attempts, upload.publish_attempts + 1)
        else:
            published += 1
    if attempts:
        background.retry_later(
            publish_approved_uploads, background.backoff_seconds(attempts), once=True
        )
    return published


def publish(upload) -> None:
    """Give ``upload``'s image and renditions public files, then forget that it was private.

    Files are copied before the transaction (storage may be slow); the
    database then points at the copies and the private files go after the
    commit. A rendition made while copying is simply deleted: Wagtail makes
    it again, publicly, from the public original.
    """
    image = upload.image
    Rendition = get_image_model().get_rendition_model()
    objects = [image, *Rendition.objects.filter(image=image)]
    copies = {
        (type(obj), obj.pk): (obj.file.name, make_public(obj.file.storage, obj.file.name))
        for obj in objects
        if is_private(obj.file.name)
    }
    storage = image.file.storage
    with transaction.atomic():
        if not PrivateUpload.objects.select_for_update().filter(pk=upload.pk).exists():
            gone = [new for _old, new in copies.values()]  # deleted meanwhile
            transaction.on_commit(lambda: _delete_files(storage, gone))
            return
        for (model, pk), (_old, new) in copies.items():
            model.objects.filter(pk=pk).update(file=new)
        for rendition in objects[1:]:
            rendition.purge_from_cache()  # Wagtail caches renditions with their file names
        copied = [pk for model, pk in copies if model is Rendition]
        for rendition in Rendition.objects.filter(image=image).exclude(pk__in=copied):
            if is_private(rendition.file.name):
                rendition.delete()
        upload.delete()
        old = [old for old, _new in copies.values()]
        transaction.on_commit(lambda: _delete_files(storage, old))


def _delete_files(storage, names):
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete %s", name)
