"""The vocabulary typos are corrected to, and the corrections (``directory.search.spelling``).

The contract suite checks that both backends find what a corrected word
finds; here, that the vocabulary stays exact as members edit, how the
nearest word is chosen, and that a search reads the cache, not the table.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from directory.search.indexing import rebuild_database_entries
from directory.search.models import SearchWord, Synonym
from directory.search.spelling import correct, nearest, one_search
from tests.directory.factories import company

pytestmark = pytest.mark.django_db


def vocabulary() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "documents"))


def test_the_vocabulary_counts_the_companies_using_each_word_as_they_change():
    kiln = company("Kiln Animation", strapline="Stop-motion puppets")
    company("Glaze Animation", strapline="Puppets and models")
    words = vocabulary()
    assert words["animation"] == 2
    assert words["puppets"] == 2
    assert words["stopmotion"] == 1  # the joined form of a hyphenated word
    assert words["kiln"] == 1
    # An edit moves the counts: a word no company uses any more goes.
    kiln.strapline = "Clay models"
    kiln.save_revision().publish()
    words = vocabulary()
    assert words["puppets"] == 1
    assert words["models"] == 2
    assert "stopmotion" not in words and "clay" in words
    # A company that leaves the directory takes its words with it.
    kiln.unpublish()
    words = vocabulary()
    assert words["animation"] == 1
    assert "kiln" not in words and "clay" not in words


def test_a_count_that_drifted_never_fails_a_save():
    kiln = company("Kiln Animation", strapline="Clay puppets")
    SearchWord.objects.filter(word="puppets").update(documents=0)  # drifted
    kiln.strapline = "Clay models"
    kiln.save_revision().publish()  # would go below zero
    assert "puppets" not in vocabulary()


def test_a_rebuild_counts_the_same_vocabulary_as_the_edits_kept():
    company("Kiln Animation", strapline="Stop-motion puppets", about="<p>Puppets, sets.</p>")
    company("Glaze Grade", strapline="Colour grading for animation")
    kept = vocabulary()
    SearchWord.objects.all().delete()
    rebuild_database_entries(progress=False)
    assert vocabulary() == kept
    assert kept["animation"] == 2


ROWS = [
    ("animation", "anim", 40),
    ("animator", "anim", 3),
    ("animatic", "animat", 1),
    ("caption", "caption", 5),
    ("documentary", "documentari", 12),
    ("compositing", "composit", 7),
    ("composition", "composit", 9),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("animaton", "animation"),  # one edit from three words: the one most companies use
        ("animaiton", "animation"),  # two letters swapped: one edit
        ("documentry", "documentary"),
        ("captoin", "caption"),
        ("cartoon", None),  # seven letters: one edit, and "caption" is two
        ("xnimation", None),  # the first letter must be right
        ("anim", None),  # a word start the directory knows
        ("animations", None),  # known by its stem
        # The person for the work ("…ing"), before a word two typos away
        # ("composition") and though that one is more common.
        ("compositors", "compositing"),
        ("compositor", "compositing"),
        ("producers", None),  # nobody writes "producing"
    ],
)
def test_the_nearest_word_within_the_typos_a_word_may_have(typed, expected):
    assert nearest(typed, ROWS) == expected


def test_correct_keeps_the_text_as_typed_but_the_unknown_words():
    company("Kiln Animation", strapline="Documentary and animation studio")
    corrected = correct("Animaton STUDIO for a documentry")
    assert corrected.text == "animation STUDIO for a documentary"
    assert corrected.words == {"animaton": "animation", "documentry": "documentary"}
    assert correct("animation studio").text == ""
    # Nothing near enough: nothing to offer.
    assert correct("zzzzqqq").text == ""


def test_a_persons_word_is_corrected_to_the_work_the_directory_has():
    company("Kiln Animation", strapline="Compositing, and we sculpt models")
    assert correct("compositors").text == "compositing"
    assert correct("sculptors").text == "sculpt"  # the base, shorter than any typo reaches


def test_stop_words_and_the_editors_synonyms_are_never_corrected():
    company("Kiln Animation", strapline="Storyboards and animation")
    # "animatics" is two edits from "animation", which the directory knows.
    assert correct("animatics").text == "animation"
    Synonym.objects.create(terms="animatics, storyboards", one_way=True)
    # An editors' word means what they said it means: it is not corrected.
    assert correct("animatics").text == ""
    assert correct("with").text == ""


def test_a_search_reads_its_corrections_from_the_cache_until_the_vocabulary_changes():
    kiln = company("Kiln Animation", strapline="Animation studio")
    assert correct("animaton studoi").text == "animation studio"
    with CaptureQueriesContext(connection) as queries:
        assert correct("animaton studoi").text == "animation studio"
    assert [q["sql"] for q in queries if SearchWord._meta.db_table in q["sql"]] == []
    # A word a member now writes is known at once: the cached answer is not reused.
    kiln.strapline = "Animaton studio"  # the company's own spelling
    kiln.save_revision().publish()
    assert correct("animaton").text == ""


def test_one_search_corrects_each_text_once_and_forgets_it_after():
    kiln = company("Kiln Animation", strapline="Animation studio")
    with one_search():
        first = correct("animaton")
        with CaptureQueriesContext(connection) as queries, one_search():
            assert correct("animaton") is first  # nested: the same answers
        assert not queries.captured_queries
    kiln.strapline = "Animaton studio"
    kiln.save_revision().publish()
    assert correct("animaton").text == ""  # after it, asked afresh
