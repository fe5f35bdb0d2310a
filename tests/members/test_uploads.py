"""Logo uploads are judged by content: formats, size, pixels, bombs, SVG."""

import io
import struct
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from members import uploads
from members.uploads import validate_image_upload

from .factories import image_bytes
from .test_profile_changes import profile_data


def as_upload(content, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


def png_header_claiming(width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: a decompression bomb."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_png_jpeg_and_webp_are_accepted_by_content(fmt, ext):
    # The name lies on purpose: the extension comes from the content.
    assert validate_image_upload(as_upload(image_bytes(fmt), name="logo.gif")) == ext


@pytest.mark.parametrize(
    "content,code",
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "svg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "svg"),
        (b"\xef\xbb\xbf  <svg></svg>", "svg"),
        (b"%PDF-1.7 not an image", "not_image"),
        (b"MZ\x90\x00 an executable renamed logo.png", "not_image"),
        (b"", "not_image"),
    ],
)
def test_svg_and_non_images_are_refused_with_a_clear_message(content, code):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(content))
    assert error.value.code == code
    assert "PNG, JPEG or WebP" in error.value.message


def test_gif_is_refused_even_though_pillow_reads_it():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(image_bytes("GIF"), name="logo.png"))
    assert error.value.code == "not_image"


def test_truncated_image_is_refused():
    content = image_bytes("PNG", size=(400, 400), color=(1, 2, 3))
    with pytest.raises(ValidationError):
        validate_image_upload(as_upload(content[: len(content) // 2]))


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(png_header_claiming(60_000, 60_000)))
    assert error.value.code == "too_many_pixels"


def test_real_image_over_the_pixel_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(image_bytes("PNG", size=(101, 100))))
    assert error.value.code == "too_many_pixels"


def test_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(buffer, "PNG")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(buffer.getvalue()))
    assert error.value.code == "too_large"


def test_tiny_image_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(as_upload(image_bytes("PNG", size=(8, 8))))
    assert error.value.code == "too_small"


def test_the_form_shows_the_message_and_creates_no_image(owner_client, acme):
    from wagtail.images import get_image_model

    svg = as_upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg", "image/svg+xml")
    response = owner_client.post(
        reverse("members:edit_profile", args=[acme.pk]),
        profile_data(acme, logo_upload=svg, logo_description="Logo"),
    )
    assert response.status_code == 200
    assert "SVG files can&#x27;t be used here" in response.content.decode()
    assert get_image_model().objects.count() == 0
