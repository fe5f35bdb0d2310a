"""The one text analysis (directory/search/analysis.py), without a database or server."""

from __future__ import annotations

import pytest

from directory.search.analysis import (
    Equivalence,
    Phrase,
    WordMatcher,
    analyse,
    clean,
    compound_equivalence,
    compounds,
    query_clauses,
    required_matches,
    spelling,
    term,
    without_stop_words,
)


def test_html_is_cleaned_entities_decoded_and_paragraphs_kept_apart():
    assert clean("<p>Children&#x27;s TV &amp; film</p><p>Grading</p>") == (
        "Children's TV & film Grading"
    )
    assert clean("double &amp;#x27; escaped") == "double ' escaped"
    assert "x27" not in analyse("<p>Children&#x27;s</p>").words


@pytest.mark.parametrize(
    "british,american",
    [
        ("colour", "color"),
        ("colourist", "colorist"),
        ("colourists", "colorists"),
        ("behaviour", "behavior"),
        ("organise", "organize"),
        ("organisation", "organization"),
        ("digitised", "digitized"),
        ("analyse", "analyze"),
        ("centre", "center"),
        ("theatres", "theaters"),
        ("programme", "program"),
        ("programmes", "programs"),
        ("catalogue", "catalog"),
        ("modelling", "modeling"),
        ("travelled", "traveled"),
        ("licence", "license"),
        ("defence", "defense"),
        ("grey", "gray"),
    ],
)
def test_british_spellings_become_american_by_rule(british, american):
    assert spelling(british) == american
    assert term(british) == term(american)


@pytest.mark.parametrize(
    "word",
    [
        "four",
        "hour",
        "tour",
        "flour",
        "detour",
        "contour",
        "noise",
        "raise",
        "advertise",
        "advertising",
        "promise",
        "exercise",
        "surprise",
        "genre",
        "acre",
        "timbre",
        "selling",
        "filling",
        "calling",
        "programmer",
        "dialog",
    ],
)
def test_words_that_only_look_british_are_left_alone(word):
    assert spelling(word) == word


def test_stems_join_forms_of_a_word_but_not_neighbouring_trades():
    assert term("animations") == term("animation") == term("animated")
    assert term("animal") != term("animation")
    assert term("product") != term("production")
    assert term("Children's".lower().replace("'s", "")) == "children"


def test_a_field_keeps_words_as_written_and_terms_stemmed_with_compounds_last():
    analysed = analyse("Stop-motion Animations", "Café colour")
    assert analysed.words == "stop motion animations cafe colour | stopmotion"
    assert analysed.terms == "stop motion anim cafe color | stopmot"
    assert compounds("Post-production and stop-motion") == {
        "postproduction": ("post", "production"),
        "stopmotion": ("stop", "motion"),
    }


def test_query_clauses_apply_synonyms_compounds_and_stems():
    vfx = Equivalence.of(["VFX", "visual effects"])
    clay = Equivalence.of(["claymation", "stop motion"])
    stop = compound_equivalence("stopmotion", ["stop", "motion"])
    clauses = query_clauses("Visual effect studios", [vfx, clay, stop])
    assert [[p.text for p in c] for c in clauses] == [["visual effect", "vfx"], ["studios"]]
    # The compound's split form brings the synonyms of that form with it.
    (clause,) = query_clauses("stopmotion", [vfx, clay, stop])
    assert {p.text for p in clause} == {"stopmotion", "stop motion", "claymation"}
    # A hyphenated query word is a compound of its own.
    (clause,) = query_clauses("post-production", [])
    assert {p.text for p in clause} == {"post production", "postproduction"}


def test_one_way_synonyms_expand_from_the_first_term_only():
    factual = Equivalence.of(["factual", "documentary"], one_way=True)
    assert [p.text for p in query_clauses("factual", [factual])[0]] == [
        "factual",
        "documentary",
    ]
    assert [p.text for p in query_clauses("documentary", [factual])[0]] == ["documentary"]


def test_the_word_matcher_marks_terms_and_word_starts():
    matcher = WordMatcher([Phrase.of(["colourist"]), Phrase.of(["anim"])])
    assert [
        w
        for w in ("Colorists", "Animation", "animals", "colour", "stop-motion")
        if matcher.matches(w)
    ] == ["Colorists", "Animation", "animals"]


@pytest.mark.parametrize("count,needed", [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4)])
def test_short_queries_need_every_word_longer_ones_most(count, needed):
    assert required_matches(count) == needed


def test_stop_words_are_not_words_to_match_unless_nothing_else_is_left():
    clauses = without_stop_words(query_clauses("a studio for the animation in Leek"))
    assert [c[0].words for c in clauses] == [("studio",), ("animation",), ("leek",)]
    assert [c[0].words for c in without_stop_words(query_clauses("the"))] == [("the",)]
