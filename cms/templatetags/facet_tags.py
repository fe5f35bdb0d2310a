"""The values of a faceted listing's facet (``components/facet_group.html``), written in Python.

A directory page lists well over a hundred facet values: written by the
template language, with a dozen variable lookups and three conditions each,
they took a third of an uncached directory page's rendering (4.5 ms of 14.5,
issue 15). The same markup from one function, every value escaped as the
template would, takes a fraction of that, and both lists of a facet (shown,
and behind "Show N more") share it.
"""

from django import template
from django.template.defaultfilters import pluralize
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def facet_values(values, param, multiple, counted):
    """Each value's ``<li>``: its checkbox (a radio if not ``multiple``), label and count.

    ``values``: ``directory.facets.FacetValue`` rows; ``param``: the query
    parameter they set; ``counted``: what the counts count, singular and
    plural ("company,companies"), said to screen readers after the number.
    """
    kind = "checkbox" if multiple else "radio"
    name = conditional_escape(param)
    items = []
    for value in values:
        slug = conditional_escape(value.slug)
        count = conditional_escape(localize(value.count))
        noun = conditional_escape(pluralize(value.count, counted))
        chosen = value.selected
        items.append(
            # The line breaks are the template's white space, which shows
            # (a space between the box and its label).
            f'<li class="facet__value{" is-selected" if chosen else ""}">\n'
            f'<input type="{kind}" name="{name}" value="{slug}" id="{name}-{slug}"'
            f"{' checked' if chosen else ''} data-autosubmit>\n"
            f'<label for="{name}-{slug}">{conditional_escape(value.label)} '
            f'<span class="facet__count">({count}<span class="visually-hidden"> {noun}</span>)'
            "</span></label>\n</li>"
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every part above is escaped
