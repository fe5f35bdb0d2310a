"""Media with a private side: files only some people may read (uploads not yet approved).

A file is private when its name's last part starts with ``~``
(:data:`PRIVATE_MARKER`): ``original_images/~Xy3….png``. The site's storage
(:class:`MediaStorage`, Django's ``default``) sends such names to the
``private_media`` storage, which the web server never serves, and every
other name to ``public_media``, served at ``MEDIA_URL`` as before. A private
file's URL is :func:`private_media`'s view, which checks who is asking.

Why the name carries the mark: Wagtail names an image's renditions after
the original (``images/~Xy3….fill-96x96.png``), so a private original's
renditions are private too, wherever a template asks for them. Nobody else
can make such a name: Django's ``get_valid_name`` drops ``~`` from uploaded
file names, and only :class:`RenditionStorage` (Wagtail's rendition storage
here) keeps a leading one, which it can only have inherited from a private
original. Private originals are saved under :func:`private_name`, whose
random part makes the name unguessable.

Making a file public (:func:`make_public`) copies it to the same name without
the mark; the private URL then redirects there, so a page or feed rendered
in between keeps its pictures.

Who may read a private file is asked of the ``can_read_private_media`` hook
(``fn(request, name) -> bool``; the members app answers for its uploads);
people with Wagtail admin access may always.
"""

from __future__ import annotations

import mimetypes
import os
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from wagtail import hooks

PRIVATE_MARKER = "~"
# What a private file may be served as; anything else is a download.
SERVED_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"}


def is_private(name: str) -> bool:
    return os.path.basename(name).startswith(PRIVATE_MARKER)


def private_name(folder: str, extension: str) -> str:
    """A new, unguessable private file name in ``folder``."""
    return f"{folder}/{PRIVATE_MARKER}{secrets.token_urlsafe(16)}.{extension}"


def public_name(name: str) -> str:
    """``name`` without its private mark."""
    folder, base = os.path.split(name)
    return os.path.join(folder, base.removeprefix(PRIVATE_MARKER))


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT``, which has no URL of its own."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        return reverse("private_media", args=[name])

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":  # tests move it, as they do MEDIA_ROOT
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def _by_name(method: str):
    """A storage method that the backend of its ``name`` argument answers."""

    def call(self, name, *args, **kwargs):
        return getattr(self.backend(name), method)(name, *args, **kwargs)

    call.__name__ = method
    return call


@deconstructible(path="cms.media.MediaStorage")
class MediaStorage(Storage):
    """The default storage: private names go to ``private_media``, the rest to ``public_media``."""

    def backend(self, name: str) -> Storage:
        return storages["private_media" if is_private(name) else "public_media"]

    save = _by_name("save")
    _open = _by_name("open")
    delete = _by_name("delete")
    exists = _by_name("exists")
    size = _by_name("size")
    path = _by_name("path")
    get_accessed_time = _by_name("get_accessed_time")
    get_created_time = _by_name("get_created_time")
    get_modified_time = _by_name("get_modified_time")
    get_available_name = _by_name("get_available_name")

    def url(self, name):
        if is_private(name):
            return reverse("private_media", args=[name])
        return self.backend(name).url(name)

    def listdir(self, path):
        return storages["public_media"].listdir(path)


@deconstructible(path="cms.media.RenditionStorage")
class RenditionStorage(MediaStorage):
    """Wagtail's rendition storage: a private original's renditions keep its mark."""

    def get_valid_name(self, name):
        if name.startswith(PRIVATE_MARKER):
            return PRIVATE_MARKER + super().get_valid_name(name[len(PRIVATE_MARKER) :])
        return super().get_valid_name(name)


def make_public(storage: Storage, name: str) -> str:
    """Copy private file ``name`` to its public name; returns the name it got.

    The private file stays (delete it once the database points at the copy).
    """
    with storage.open(name, "rb") as source:
        return storage.save(public_name(name), source)


def may_read(request, name: str) -> bool:
    if request.user.has_perm("wagtailadmin.access_admin"):
        return True
    return any(reader(request, name) for reader in hooks.get_hooks("can_read_private_media"))


@require_safe
def private_media(request, name):
    """A private file, for those allowed to read it; a 404 for everyone else.

    Once the file has been made public, its old private URL redirects to the
    public one, for anybody.
    """
    if not is_private(name) or ".." in name.split("/"):
        raise Http404
    storage = storages["default"]
    if not storage.exists(name):
        published = public_name(name)
        if storage.exists(published):
            return HttpResponsePermanentRedirect(storage.url(published))
        raise Http404
    if not may_read(request, name):
        raise Http404  # not 403: who may not read it does not learn that it exists
    content_type, _encoding = mimetypes.guess_type(name)
    served = content_type in SERVED_TYPES
    response = FileResponse(
        storage.open(name, "rb"),
        content_type=content_type if served else "application/octet-stream",
        as_attachment=not served,
    )
    response["Cache-Control"] = "private, max-age=600"
    response["Vary"] = "Cookie"
    response["X-Robots-Tag"] = "noindex"
    return response
