"""schema.org structured data (JSON-LD) for search engines: one builder, one escaper.

Pages describe themselves with ``schema("Organization", name=..., ...)``;
``json_ld`` turns that into text that is safe inside a ``<script>`` element
and ``json_ld_script`` wraps it in one. Every page's data goes through here,
so no page can forget the escaping.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

SCHEMA_CONTEXT = "https://schema.org"

# What could close the <script> element early or start markup inside it,
# escaped as Django's json_script does (JSON parsers read them back unchanged).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def schema(type_: str, *, context: bool = False, **properties) -> dict:
    """A schema.org object of ``type_``; properties given as None are left out.

    ``context=True`` marks the top-level object (it names the vocabulary).
    """
    data = {"@context": SCHEMA_CONTEXT} if context else {}
    data["@type"] = type_
    data.update((key, value) for key, value in properties.items() if value is not None)
    return data


def json_ld(data: dict) -> SafeString:
    """``data`` as JSON that no value can break out of, for a ``<script>`` element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above


def json_ld_script(data: dict) -> SafeString:
    """The whole ``<script type="application/ld+json">`` element for ``data``."""
    return format_html('<script type="application/ld+json">{}</script>', json_ld(data))
