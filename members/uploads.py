"""Image uploads from members, judged by their content, never by their name.

Only JPEG, PNG and WebP are accepted. The header is read first so that a
picture claiming billions of pixels (a decompression bomb) is refused before
any pixel is decoded; then Pillow ``verify()`` checks the file's structure and
a full decode proves the data is really an image.

Every member image (logo, poster, gallery) goes through the same two steps:
``clean_described_upload`` in the form, ``described_image`` once it is valid.
"""

import os
import warnings

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from wagtail.images import get_image_model
from wagtail.models import Collection

from PIL import Image, UnidentifiedImageError

from cms.media import private_name

from .models import PrivateUpload

MEMBER_UPLOADS_COLLECTION = "Member uploads"

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000  # e.g. 5000 x 5000
MIN_SIDE = 32

ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
HELP_TEXT = (
    f"A PNG, JPEG or WebP image up to {filesizeformat(MAX_UPLOAD_BYTES)}, "
    f"at least {MIN_SIDE} pixels on each side."
)


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<?xml") or text.startswith(b"<svg") or b"<svg" in text[:1024]


def validate_image_upload(upload) -> str:
    """Check ``upload``; return the file extension its content deserves.

    Raises ValidationError with a message a member can act on.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(MAX_UPLOAD_BYTES)}. Please upload a smaller image.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if _looks_like_svg(head):
        raise ValidationError(
            "SVG files can't be used here. Please upload a PNG, JPEG or WebP image.",
            code="svg",
        )
    not_an_image = ValidationError(
        "This file isn't a PNG, JPEG or WebP image (whatever its name says). "
        "Please upload one of those.",
        code="not_image",
    )
    with warnings.catch_warnings():
        # Pillow warns, then errors, on huge images; we refuse them ourselves first.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in ALLOWED_FORMATS:
                    raise not_an_image
                _check_dimensions(width, height)
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:  # verify() leaves the image unusable
                image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
        finally:
            upload.seek(0)
    return ALLOWED_FORMATS[image_format]


def _too_many_pixels():
    return ValidationError(
        f"This image is too large in pixels: at most {MAX_PIXELS // 1_000_000} megapixels, please.",
        code="too_many_pixels",
    )


def _check_dimensions(width, height):
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    if width < MIN_SIDE or height < MIN_SIDE:
        raise ValidationError(
            f"This image is only {width}×{height} pixels; it needs at least "
            f"{MIN_SIDE} pixels on each side.",
            code="too_small",
        )


def clean_described_upload(form, upload_field, description_field, noun) -> str:
    """Check ``form``'s optional upload and insist on its description.

    Errors go on the form's own fields, so they show next to the upload the
    member chose. Returns the extension the content deserves, or "" when
    nothing usable was uploaded.
    """
    upload = form.cleaned_data.get(upload_field)
    if not upload:
        return ""
    try:
        extension = validate_image_upload(upload)
    except ValidationError as error:
        form.add_error(upload_field, error)
        return ""
    if not form.cleaned_data.get(description_field, "").strip():
        form.add_error(description_field, f"Describe the {noun} for people who can't see it.")
    return extension


def described_image(current, upload, *, extension, description, title, company, user):
    """The image a page should point at after a member's edit.

    A validated ``upload`` becomes a new Wagtail image in the "Member uploads"
    collection at once (the page only points at it in the revision sent for
    approval). Without one, ``current`` is kept; if the member changed its
    description, a copy carrying the new description takes its place, so the
    public page keeps the approved alt text until an editor approves.

    Either new image is private (see ``private_uploads``): stored under an
    unguessable private name, readable by ``company``'s members and by
    editors only, until an editor approves the change that uses it.
    """
    description = (description or "").strip()
    if upload:
        return _stored_image(upload, extension, title, description, user, company)
    if current and description and description != current.description:
        extension = os.path.splitext(current.file.name)[1].lstrip(".").lower() or "png"
        with current.open_file() as existing:
            return _stored_image(existing, extension, current.title, description, user, company)
    return current


def _stored_image(content, extension, title, description, user, company):
    name = default_storage.save(private_name("original_images", extension), content)
    image = get_image_model()(
        title=title,
        description=description,
        uploaded_by_user=user,
        collection=member_collection(),
        file=name,
    )
    image._set_image_file_metadata()
    image.save()
    PrivateUpload.objects.create(image=image, company=company)
    return image


def existing_member_collection():
    """The "Member uploads" collection, or None before the first upload."""
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=MEMBER_UPLOADS_COLLECTION).first()


def member_collection():
    return existing_member_collection() or Collection.get_first_root_node().add_child(
        name=MEMBER_UPLOADS_COLLECTION
    )
