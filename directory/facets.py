"""Faceted listings: how a facet is declared, how its values are shown and undone.

The directory page (``directory.search.page``) and the showcase
(``showcase.listing``) are both lists narrowed by facets, drawn by the same
templates (``templates/components/facet_group.html`` and
``active_filters.html``). Each declares its facets once, as a tuple of
:class:`FacetDefinition`; each finds its values and counts its own way (a
search backend, the projects' queries) as :class:`FacetValue` lists; both
present them here, so a facet group and an active filter mean and look the
same in both lists.

A new facet: a ``FacetDefinition`` in the listing's tuple, its counts where
that listing counts (both search backends for the directory), and nothing
else: the groups, the chips and the links that remove them follow.

This module imports no models (labels are looked up by the model's name), so
every layer above the models may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class FacetDefinition:
    """One filterable facet of a listing, declared once for parsing, counting and display.

    ``param`` is the GET parameter and the facet's key in results; ``label``
    the group's heading ("Skills"); ``name`` what one value is, in the chip
    that removes it ("Skill: Compositing"). A value's label is the
    ``label_field`` of the ``model`` row with its slug (no ``model``: the value
    is its own label, as a year is). ``field`` is the attribute of the listed
    thing that links it to values, and ``many`` whether it holds several (a
    many-to-many) or one (a foreign key); a path (``skills__group``) reaches
    values through a many-to-many's rows (a company's skills' groups).
    ``multiple``: visitors may tick several values (checkboxes; values
    combine with OR) or choose one (radios).
    """

    param: str
    label: str
    name: str
    model: str = ""  # "app_label.ModelName"
    label_field: str = "name"
    field: str = ""
    many: bool = True
    multiple: bool = True

    def labels(self, slugs: Iterable[str]) -> dict[str, str]:
        """{slug: label} for those of ``slugs`` that exist (one query; none without a model)."""
        slugs = list(slugs)
        if not slugs:
            return {}
        if not self.model:
            return {slug: slug for slug in slugs}
        rows = apps.get_model(self.model)._default_manager.filter(slug__in=slugs)
        return dict(rows.values_list("slug", self.label_field))


@dataclass
class FacetValue:
    """One value of a facet as a listing found it: how many it has, and whether it is chosen."""

    slug: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetGroup:
    """A facet with its values, as ``components/facet_group.html`` draws it.

    ``values`` show; ``more`` (if any) sit behind a "Show N more" disclosure.
    """

    facet: FacetDefinition
    values: list[FacetValue] = field(default_factory=list)
    more: list[FacetValue] = field(default_factory=list)

    @property
    def param(self) -> str:
        return self.facet.param

    @property
    def label(self) -> str:
        return self.facet.label

    @property
    def multiple(self) -> bool:
        return self.facet.multiple

    @property
    def selected_count(self) -> int:
        return sum(1 for v in self.values + self.more if v.selected)


@dataclass(frozen=True)
class ActiveFilter:
    """One thing narrowing the listing, with the URL that removes just it."""

    label: str
    remove_url: str


def facet_groups(
    facets: Sequence[FacetDefinition],
    values: Mapping[str, list[FacetValue]],
    *,
    visible: int | None = None,
) -> list[FacetGroup]:
    """A group per facet, in declared order, from ``{param: values}``.

    With ``visible``, values past that many go behind "Show N more", except
    that a selected value always shows (listings put them first).
    """
    groups = []
    for facet in facets:
        found = list(values.get(facet.param, []))
        if visible is None:
            groups.append(FacetGroup(facet, found))
            continue
        shown = max(visible, sum(1 for v in found if v.selected))
        groups.append(FacetGroup(facet, found[:shown], found[shown:]))
    return groups


def active_filters(
    groups: Sequence[FacetGroup],
    selected: Mapping[str, Sequence[str]],
    remove_url: Callable[[FacetDefinition, str], str],
) -> list[ActiveFilter]:
    """A chip for each selected value (``{param: slugs}``, in the request's order).

    The chip reads "<name>: <label>" and links to ``remove_url(facet, slug)``,
    the listing without that one value; a value the groups do not know is
    named by its slug.
    """
    chips = []
    for group in groups:
        labels = {v.slug: v.label for v in group.values + group.more}
        for slug in selected.get(group.param, ()):
            chips.append(
                ActiveFilter(
                    f"{group.facet.name}: {labels.get(slug, slug)}", remove_url(group.facet, slug)
                )
            )
    return chips
