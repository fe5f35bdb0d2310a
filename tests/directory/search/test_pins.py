"""Editors' picks (``directory.search.pins``), run against every backend on the contract data.

A pin is applied in ``run_search``, above the backends, so the database and
Elasticsearch backends must answer a pinned search alike: the pick first,
on page 1 only, not counted in the total nor repeated among the hits, and
ignored while its company is not listed.
"""

from __future__ import annotations

from django.core.cache import cache

import pytest

from directory.search.models import SearchPin
from directory.search.pins import PINS_KEY

from .test_contract import search, titles


def picks(results) -> list[str]:
    return [hit.title for hit in results.picks]


def test_a_pin_puts_the_company_first_for_that_text_only(contract_data):
    c = contract_data.company
    assert search(contract_data, "q=drone").total == 0
    SearchPin.objects.create(text="  Drone ", company=c.moorlands)
    results = search(contract_data, "q=DRONE")
    assert (picks(results), results.total, titles(results)) == (["Moorlands Sound"], 0, [])
    # Another search is untouched.
    assert picks(search(contract_data, "q=drones+aerial")) == []
    assert picks(search(contract_data, "")) == []


def test_a_pick_among_the_hits_comes_first_and_only_once(contract_data):
    c = contract_data.company
    unpinned = search(contract_data, "q=animation&page_size=50")
    assert "Bottle Oven Post" in titles(unpinned)
    SearchPin.objects.create(text="animation", company=c.bottle)
    SearchPin.objects.create(text="animation", company=c.brewery)
    results = search(contract_data, "q=animation&page_size=50")
    assert picks(results) == ["Bottle Oven Post", "Brewery Pictures"]
    assert titles(results) == [t for t in titles(unpinned) if t != "Bottle Oven Post"]
    assert results.total == unpinned.total
    # Later pages are the backend's own.
    second = search(contract_data, "q=animation&page_size=1&page=2")
    assert picks(second) == []


def test_pins_for_companies_no_longer_listed_are_ignored(contract_data):
    c = contract_data.company
    SearchPin.objects.create(text="drone", company=c.lapsed)
    SearchPin.objects.create(text="drone", company=c.draft)
    assert picks(search(contract_data, "q=drone")) == []
    SearchPin.objects.create(text="drone", company=c.kiln)
    assert picks(search(contract_data, "q=drone")) == ["Kiln Animation"]


def test_a_pin_change_applies_to_the_next_search(contract_data):
    pin = SearchPin.objects.create(text="drone", company=contract_data.company.trent)
    assert picks(search(contract_data, "q=drone")) == ["Trent VFX"]
    assert cache.get(PINS_KEY) == {"drone": [contract_data.company.trent.pk]}
    pin.company = contract_data.company.saggar
    pin.save()
    assert picks(search(contract_data, "q=drone")) == ["Saggar Games Studio"]
    pin.delete()
    assert picks(search(contract_data, "q=drone")) == []


@pytest.mark.parametrize("text", ["", "   "])
def test_a_pin_needs_words(db, text):
    from django.core.exceptions import ValidationError

    from tests.directory.factories import company

    with pytest.raises(ValidationError):
        SearchPin(text=text, company=company("Anyone")).full_clean()


def test_a_pin_change_forgets_the_cached_directory_pages(contract_data):
    from cms.page_cache import generation

    before = generation()
    pin = SearchPin.objects.create(text="drone", company=contract_data.company.kiln)
    after_save = generation()
    pin.delete()
    assert len({before, after_save, generation()}) == 3
