"""The faceted-listing presenter the directory page and the showcase share (directory.facets)."""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

import pytest

from cms.pagination import page_links, paginate
from directory.facets import (
    ActiveFilter,
    FacetDefinition,
    FacetGroup,
    FacetValue,
    active_filters,
    facet_groups,
)
from directory.filter_urls import filter_url
from directory.presenters import presented_context, presented_view
from directory.search import base as search_base
from showcase import listing as showcase_listing
from tests.directory.factories import SkillFactory, company, directory_index

SKILL = FacetDefinition("skill", "Skills", "Skill", model="directory.Skill")
YEAR = FacetDefinition("year", "Year", "Year")
KIND = FacetDefinition("kind", "Kind", "Kind", multiple=False)


def values(*specs) -> list[FacetValue]:
    return [FacetValue(slug, slug.title(), count, selected) for slug, count, selected in specs]


def test_the_directory_and_the_showcase_share_one_facet_value_and_definition():
    assert search_base.FacetValue is FacetValue is showcase_listing.FacetValue
    assert all(isinstance(f, FacetDefinition) for f in search_base.FACETS + showcase_listing.FACETS)


def test_groups_keep_the_declared_order_and_fold_values_past_the_visible_count():
    found = {
        "year": values(("2024", 3, False)),
        "skill": values(*[(f"s{n}", 9 - n, False) for n in range(5)]),
    }
    skill, year = facet_groups([SKILL, YEAR], found, visible=3)
    assert (skill.param, year.param) == ("skill", "year")
    assert [v.slug for v in skill.values] == ["s0", "s1", "s2"]
    assert [v.slug for v in skill.more] == ["s3", "s4"]
    assert year.more == []
    # Without a visible count everything shows.
    (everything,) = facet_groups([SKILL], found)
    assert len(everything.values) == 5 and everything.more == []


def test_every_selected_value_shows_even_past_the_visible_count():
    found = {"skill": values(("a", 1, True), ("b", 1, True), ("c", 1, True), ("d", 5, False))}
    (group,) = facet_groups([SKILL], found, visible=2)
    assert [v.slug for v in group.values] == ["a", "b", "c"]
    assert group.selected_count == 3


def test_a_facet_with_no_values_is_still_a_group():
    (group,) = facet_groups([SKILL], {})
    assert group.values == [] and group.label == "Skills"


def test_active_filters_name_each_value_and_link_to_the_listing_without_it():
    groups = facet_groups(
        [SKILL, YEAR],
        {"skill": values(("compositing", 2, True)), "year": values(("2024", 1, True))},
    )
    selected = {"skill": ["compositing", "gone"], "year": ["2024"]}
    pairs = [(p, v) for p, slugs in selected.items() for v in slugs]

    def without(facet, slug):
        return filter_url("/list/", [pair for pair in pairs if pair != (facet.param, slug)])

    chips = active_filters(groups, selected, without)
    assert chips == [
        ActiveFilter("Skill: Compositing", "/list/?skill=gone&year=2024"),
        # A value the groups do not know is named by its slug.
        ActiveFilter("Skill: gone", "/list/?skill=compositing&year=2024"),
        ActiveFilter("Year: 2024", "/list/?skill=compositing&skill=gone"),
    ]


@pytest.mark.django_db
def test_labels_come_from_the_model_or_are_the_value_itself():
    SkillFactory(name="Stop motion", slug="fc-stop-motion")
    assert SKILL.labels(["fc-stop-motion", "fc-unknown"]) == {"fc-stop-motion": "Stop motion"}
    assert SKILL.labels([]) == {}
    assert YEAR.labels(["2024"]) == {"2024": "2024"}


def render_group(group: FacetGroup) -> str:
    return render_to_string(
        "components/facet_group.html",
        {"group": group, "counted": "company,companies", "empty": "None here."},
    )


def test_the_component_draws_checkboxes_for_a_multiple_choice_facet_and_radios_for_one():
    found = {"skill": values(("a", 1, True), ("b", 2, False)), "kind": values(("film", 1, False))}
    skill, kind = facet_groups([SKILL, KIND], found)
    html = render_group(skill)
    assert html.count('type="checkbox"') == 2 and 'type="radio"' not in html
    assert 'name="skill" value="a" id="skill-a" checked' in html
    assert "(1 selected)" in html
    assert re.search(r"\(2<span class=\"visually-hidden\"> companies</span>\)", html)
    assert re.search(r"\(1<span class=\"visually-hidden\"> company</span>\)", html)
    html = render_group(kind)
    assert 'type="radio"' in html and 'type="checkbox"' not in html


def test_the_component_escapes_what_editors_and_visitors_can_write():
    # Labels are editors' names; a slug or parameter can come from a visitor's URL.
    found = {"skill": [FacetValue('a"><script>', "Sound & <b>vision</b>", 1234, False)]}
    (skill,) = facet_groups([SKILL], found)
    html = render_group(skill)
    assert "<script>" not in html and "<b>" not in html
    assert 'value="a&quot;&gt;&lt;script&gt;"' in html
    assert "Sound &amp; &lt;b&gt;vision&lt;/b&gt; " in html
    assert '(1234<span class="visually-hidden"> companies</span>)' in html


def test_the_component_says_so_when_a_facet_has_no_values_and_folds_the_rest():
    (empty,) = facet_groups([SKILL], {})
    assert "None here." in render_group(empty)
    (folded,) = facet_groups(
        [SKILL], {"skill": values(("a", 3, False), ("b", 2, False))}, visible=1
    )
    html = render_group(folded)
    assert "Show 1 more skills" in html and html.index("skill-a") < html.index("<details")


def test_active_filters_component_offers_clear_all_only_for_several():
    one = [ActiveFilter("Skill: A", "/x/")]
    html = render_to_string(
        "components/active_filters.html", {"active_filters": one, "clear_url": "/list/"}
    )
    assert 'href="/x/"' in html and "Clear all" not in html
    html = render_to_string(
        "components/active_filters.html", {"active_filters": one * 2, "clear_url": "/list/"}
    )
    assert 'href="/list/">Clear all' in html
    assert render_to_string("components/active_filters.html", {"active_filters": []}).strip() == ""


@pytest.mark.django_db
def test_directory_pagination_is_the_site_helper_over_the_search_total(client):
    """Page 5 of 12: the directory draws what cms.pagination gives for that page of its total."""
    directory_index()
    skill = SkillFactory(name="Pottery", slug="fc-pottery")
    for n in range(12):
        company(f"Pot {n:02}", skills=[skill])
    response = client.get("/directory/?skill=fc-pottery&page_size=1&page=5&sort=name")
    assert response.status_code == 200
    drawn = response.context["pagination"]

    def url(number):
        params = [("skill", "fc-pottery"), ("sort", "name")]
        params += [("page", str(number))] if number > 1 else []
        return filter_url("/directory/", params + [("page_size", "1")])

    assert drawn == page_links(paginate(range(12), 1, 5), url)
    assert {"gap": True} in drawn["items"]  # long enough to be elided
    assert drawn["previous_url"] == url(4) and drawn["next_url"] == url(6)


@pytest.mark.django_db
def test_a_page_class_nobody_presents_says_so():
    class Unpresented:
        pass

    with pytest.raises(ImproperlyConfigured, match="Nothing presents Unpresented"):
        presented_context(Unpresented(), None)
    with pytest.raises(ImproperlyConfigured):
        presented_view(Unpresented(), "enquiry", None)
