"""Profile markup details found with axe on the demo data (no browser needed here)."""

from __future__ import annotations

import re

from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

import pytest

from directory.models import CompanyGalleryImage
from tests.directory.factories import company

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_credits_table_scrolls_in_a_focusable_named_region(client):
    page = company("Kiln Light", credits=3)
    html = client.get(page.url).content.decode()
    wrapper = re.search(r'<div class="company-credits__wrap"[^>]*>', html).group(0)
    assert 'tabindex="0"' in wrapper and 'role="region"' in wrapper
    # Named differently from its section, so the two landmarks stay distinct.
    assert 'aria-label="Credits table"' in wrapper


def test_a_captioned_gallery_image_is_not_announced_twice(client):
    Image = get_image_model()
    described = Image.objects.create(
        title="a.png", file=get_test_image_file(), description="Crew on set"
    )
    plain = Image.objects.create(title="b.png", file=get_test_image_file())
    page = company("Kiln Light", live=False)
    page.gallery_images = [
        CompanyGalleryImage(image=described, caption="Day one"),
        CompanyGalleryImage(image=plain, caption="The grading suite"),
    ]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    figures = re.findall(r"<figure>.*?</figure>", html, flags=re.S)
    assert len(figures) == 2
    assert 'alt="Crew on set"' in figures[0]
    assert 'alt=""' in figures[1] and "The grading suite</figcaption>" in figures[1]
