"""Factories for site content: news index and articles, standard and contact pages, images."""

from __future__ import annotations

import datetime
import io

from django.core.files.images import ImageFile

from wagtail.images import get_image_model

from PIL import Image as PILImage

from cms.models import (
    ContactFormField,
    ContactPage,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)
from tests.directory.factories import home_page


def image(title="Test image", colour=(176, 32, 58), size=(800, 450)):
    """A real (Pillow-made) Wagtail image."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    )


def news_index() -> NewsIndexPage:
    existing = NewsIndexPage.objects.first()
    if existing is not None:
        return existing
    page = NewsIndexPage(title="News", slug="news")
    home_page().add_child(instance=page)
    page.save_revision().publish()
    return NewsIndexPage.objects.get(pk=page.pk)


def category(name="Announcements") -> NewsCategory:
    return NewsCategory.objects.get_or_create(name=name)[0]


def news_page(title, *, date=None, tags=(), category=None, live=True, **fields) -> NewsPage:
    fields.setdefault("intro", f"Summary of {title}.")
    page = NewsPage(
        title=title,
        date=date or datetime.date.today(),
        category=category,
        live=False,
        **fields,
    )
    news_index().add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    revision = page.save_revision()
    if live:
        revision.publish()
    return NewsPage.objects.get(pk=page.pk)


def standard_page(title="About", parent=None, **fields) -> StandardPage:
    page = StandardPage(title=title, **fields)
    (parent or home_page()).add_child(instance=page)
    page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)


def contact_page(**fields) -> ContactPage:
    fields.setdefault("to_address", "team@platform.example")
    fields.setdefault("from_address", "site@platform.example")
    fields.setdefault("subject", "Website enquiry")
    page = ContactPage(title="Contact", slug="contact", **fields)
    page.form_fields = [
        ContactFormField(label="Your name", field_type="singleline", required=True),
        ContactFormField(label="Email", field_type="email", required=True),
        ContactFormField(label="Message", field_type="multiline", required=True),
    ]
    home_page().add_child(instance=page)
    page.save_revision().publish()
    return ContactPage.objects.get(pk=page.pk)


def outbound_email(subject="Hello", *, to=("someone@example.com",), **fields):
    """An outbox row as the site would store it (queued, unless ``status`` says otherwise)."""
    from cms.outbox.models import OutboundEmail

    fields.setdefault("body", "Body")
    fields.setdefault("from_email", "site@platform.example")
    return OutboundEmail.objects.create(subject=subject, to=list(to), **fields)


def failed_email(subject, *, error, about=None, **fields):
    """An outbox row the worker gave up on after 8 attempts, with ``error`` its last."""
    from cms.outbox.models import OutboundEmail

    fields.update(status=OutboundEmail.Status.FAILED, attempts=8, last_error=error, about=about)
    return outbound_email(subject, **fields)
