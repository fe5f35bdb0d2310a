"""Member uploads nobody uses any more: images left behind by rejected or replaced changes.

A member's upload becomes a Wagtail image in the "Member uploads" collection
as soon as the form is saved; the page only points at it in the revision sent
for approval. When editors reject that change, or the member replaces the
picture before approval, the image stays behind: unreferenced, but still a
file on the media storage. :func:`unused_member_uploads` finds them; the
``prune_member_uploads`` command deletes them, or with ``--queue`` hands the
deleting (slow and fallible on remote storage) to the background worker's
:data:`prune_member_uploads_task`.

An upload is kept while anything could still need it:

* a row points at it (a logo, poster, gallery row, hero or featured image,
  any model with a foreign key to images, live or draft);
* Wagtail's reference index knows a use of it (e.g. inside a StreamField);
* any page revision saved since the upload names it, so a pending change,
  or an older one an editor might revert to, keeps its pictures;
* it is younger than the grace period (a form being saved right now).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex, Revision

from django_tasks import task

from .models import PrivateUpload
from .uploads import existing_member_collection


@functools.cache
def _image_foreign_keys() -> tuple:
    """(model, field name, attname) of every foreign key that uses an image.

    Not renditions', nor the private-upload record's: those belong to the
    image rather than using it. The models do not change while the process
    runs, and every page publication asks (``image_ids_in``): computed once.
    """
    Image = get_image_model()
    return tuple(
        (rel.related_model, rel.field.name, rel.field.attname)
        for rel in Image._meta.get_fields(include_hidden=True)
        if rel.auto_created
        and not rel.concrete
        and rel.related_model not in (Image.get_rendition_model(), PrivateUpload)
    )


def _ids_in(content, keys: set[str]) -> Iterator[int]:
    """Integers stored under any of ``keys`` anywhere in a revision's JSON content."""
    if isinstance(content, dict):
        for key, value in content.items():
            if key in keys and isinstance(value, int):
                yield value
            else:
                yield from _ids_in(value, keys)
    elif isinstance(content, list):
        for item in content:
            yield from _ids_in(item, keys)


@functools.cache
def image_reference_keys() -> frozenset[str]:
    """The names under which a revision's JSON content stores an image id."""
    foreign_keys = _image_foreign_keys()
    return frozenset(
        {name for _model, name, _attname in foreign_keys}
        | {attname for _model, _name, attname in foreign_keys}
    )


def image_ids_in(content) -> set[int]:
    """The image ids a revision's JSON ``content`` names."""
    return set(_ids_in(content, image_reference_keys()))


def images_named_in(revisions, ids: set[int]) -> set[int]:
    """Which of the image ``ids`` the content of ``revisions`` (a Revision queryset) names."""
    if not ids:
        return set()
    keys = image_reference_keys()
    named: set[int] = set()
    for content in revisions.values_list("content", flat=True).iterator(chunk_size=500):
        named.update(i for i in _ids_in(content, keys) if i in ids)
    return named


def images_used_by_rows(ids: set[int]) -> set[int]:
    """Which of the image ``ids`` a row points at (any foreign key) or the reference index knows."""
    Image = get_image_model()
    used: set[int] = set()
    for model, name, attname in _image_foreign_keys():
        used.update(
            model._base_manager.filter(**{f"{name}__in": ids}).values_list(attname, flat=True)
        )
    used.update(
        int(pk)
        for pk in ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(Image),
            to_object_id__in=[str(i) for i in ids],
        ).values_list("to_object_id", flat=True)
    )
    return used


def unused_member_uploads(grace: datetime.timedelta = datetime.timedelta(days=7)):
    """The member uploads older than ``grace`` that nothing uses or may use again."""
    Image = get_image_model()
    collection = existing_member_collection()
    if collection is None:
        return Image.objects.none()
    candidates = Image.objects.filter(collection=collection, created_at__lt=timezone.now() - grace)
    ids = set(candidates.values_list("pk", flat=True))
    if not ids:
        return Image.objects.none()
    used = images_used_by_rows(ids)
    # Only revisions saved after the oldest candidate can name one of them.
    oldest = min(candidates.values_list("created_at", flat=True))
    used |= images_named_in(Revision.objects.filter(created_at__gte=oldest), ids)
    return candidates.exclude(pk__in=used).order_by("created_at")


def delete_member_uploads(images, *, report=None) -> int:
    """Delete ``images`` with their files and renditions; returns how many went.

    ``report(number, total, image)`` is told of each before it is deleted.
    """
    images = list(images)
    for number, image in enumerate(images, start=1):
        if report is not None:
            report(number, len(images), image)
        image.delete()
    return len(images)


@task()
def prune_member_uploads_task(days: int = 7) -> int:
    """The worker's clean-up run (``prune_member_uploads --queue``)."""
    return delete_member_uploads(unused_member_uploads(datetime.timedelta(days=days)))
