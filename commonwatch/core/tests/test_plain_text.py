"""Text as the checks read it (as_read, spelled_out, digits_joined): what the reader
sees, never less, never more."""

from __future__ import annotations

import pytest

from commonwatch.core.plain_text import as_read, as_stored, digits_joined, spelled_out

# --- What the checks read --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("I saw a bl\u0430ck man", "I saw a black man"),  # Cyrillic а
        ("bla\u0441k", "black"),  # Cyrillic с, which a transliteration reads "s"
        ("A bl\u034fack man", "A black man"),  # a combining grapheme joiner
        ("\u0299\u029f\u1d00\u1d04\u1d0b guy", "black guy"),  # small capitals
        ("\u0391\u03a3\u0399\u0391\u039d", "ASIAN"),  # Greek capitals
        ("h\u0456sp\u0430n\u0456c", "hispanic"),
        ("Caf\u00e9 na\u00efve", "Cafe naive"),
        ("\uff13\uff10\uff13", "303"),  # full-width digits
        ("\u0663\u0660\u0663", "303"),  # Arabic-Indic digits
        ("b\u200bo\u200db\u2060", "bob"),  # zero-width space, joiner, word joiner
        ("👍🏿 ok", "👍🏿 ok"),  # symbols are not letters: nothing is made of them
    ],
)
def test_the_checks_read_look_alikes_as_the_letters_they_look_like(written, read):
    assert as_read(written) == read


def test_reading_never_changes_what_is_stored():
    assert as_stored("I saw a bl\u0430ck man") == "I saw a bl\u0430ck man"


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("a b-l-a-c-k man", "a black man"),
        ("a b l a c k man", "a black man"),  # "a" is a word of its own…
        ("an a s i a n man", "an asian man"),  # …and a letter of one
        ("B . L . A . C . K guy", "BLACK guy"),
        ("b_l_a_c_k", "black"),
    ],
)
def test_letters_spelled_out_one_by_one_are_also_read_as_their_word(text, reading):
    readings = spelled_out(text)
    assert readings[0] == text and reading in readings


def test_a_text_with_no_spelled_out_letters_has_one_reading():
    assert spelled_out("A plain report of a theft on Elm, e.g. a bike.") == [
        "A plain report of a theft on Elm, e.g. a bike."
    ]


def test_single_digits_spaced_apart_are_read_as_one_number():
    assert digits_joined("call 3 0 3 5 5 5 0 1 9 9") == "call 3035550199"
    assert digits_joined("call 3.0.3-5.5.5-0.1.9.9") == "call 3035550199"
    assert digits_joined("303 5 5 5 0199") == "303 555 0199"
    # Numbers of several digits, a time, a score: left as they are.
    for text in ("It happened 12-05-2024 10 30", "Final score 2-1", "units 4 and 5"):
        assert digits_joined(text) == text
