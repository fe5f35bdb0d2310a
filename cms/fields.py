"""Model fields the site's pages share."""

from __future__ import annotations

import re

from django.utils.html import strip_tags

from wagtail import fields as wagtail_fields

# Markup that is content even without text.
_CONTENT_TAGS = re.compile(r"<(img|embed|hr)\b", re.IGNORECASE)
# The admin's editor numbers every block afresh (for comments); the number is
# not content, so comparing versions ignores it.
_BLOCK_KEYS = re.compile(r'\sdata-block-key="[^"]*"')


def without_block_keys(html: str) -> str:
    return _BLOCK_KEYS.sub("", html or "")


def is_blank_rich_text(html: str) -> bool:
    """True for rich text with nothing a reader would see ("<p data-block-key=x></p>")."""
    return not strip_tags(html).replace("&nbsp;", " ").strip() and not _CONTENT_TAGS.search(html)


class RichTextField(wagtail_fields.RichTextField):
    """Wagtail's rich text, with an editor left empty stored as "".

    The admin's editor turns "" into an empty paragraph on every save, so the
    moderation compare view showed a change to "About" that nobody made (and
    an empty paragraph would look filled in to anything that checks for text).
    Normalised in ``to_python``, which every model form's validation runs.
    Migrations see Wagtail's own field: nothing about the column changes.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return "" if isinstance(value, str) and is_blank_rich_text(value) else value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "wagtail.fields.RichTextField", args, kwargs
