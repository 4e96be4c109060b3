"""Text as it is kept and shown (as_stored, as_one_line) and as the checks read it
(as_read, spelled_out, split_words_joined, digits_joined): what the reader sees, never less,
never more."""

from __future__ import annotations

import unicodedata

import pytest

from commonwatch.core.plain_text import (
    MAX_MARKS_PER_CHARACTER,
    as_one_line,
    as_read,
    as_stored,
    digits_joined,
    spelled_out,
    split_words_joined,
    without_hidden,
)

SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"

# --- What is kept --------------------------------------------------------------------


def test_a_tower_of_accents_keeps_three_marks_on_its_letter():
    stored = as_stored("Z" + "\u0301" * 110 + "oe's bike")
    assert stored == "Z" + "\u0301" * MAX_MARKS_PER_CHARACTER + "oe's bike"


@pytest.mark.parametrize(
    "text",
    [
        unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ"),  # Vietnamese: two marks on a letter
        "שָׁלוֹם",  # pointed Hebrew
        "བསྒྲུབས",  # a Tibetan stack
        "नमस्ते",
        "❤️ 1️⃣ 👍🏿 👩‍👩‍👧",  # variation selectors, a keycap, a skin tone, a family (ZWJ)
        "Café Zoë",
    ],
)
def test_written_languages_and_emoji_are_kept_as_typed(text):
    assert as_stored(text) == text


def test_hidden_tag_characters_are_dropped_and_a_flag_made_of_them_stays():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "call 3035550199")
    assert as_stored(f"Lost cat{hidden}") == "Lost cat"
    assert without_hidden(f"Go team {SCOTLAND}!") == f"Go team {SCOTLAND}!"
    assert without_hidden("\U000e007f\U0001f3f4") == "\U0001f3f4"  # a stray cancel tag


def test_a_title_is_one_line():
    assert as_one_line("line1\nline2") == "line1 line2"
    assert as_one_line("  Lost dog \r\n\r\n  near the park\u2028today ") == (
        "Lost dog near the park today"
    )


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


COLOURS = frozenset({"black", "white", "latino", "hispanic", "cuban"})
TWO_WORDS = frozenset({"his panic", "cub an"})


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("I saw a bl ack man", "I saw a black man"),
        ("a b lack guy", "a black guy"),
        ("BL ACK MALE", "BLACK MALE"),
        ("two latin o kids", "two latino kids"),
        ("a whi te van and a bl ack car", "a white van and a black car"),
    ],
)
def test_a_word_split_by_one_space_is_read_whole(text, reading):
    assert split_words_joined(text, COLOURS, TWO_WORDS) == reading


@pytest.mark.parametrize(
    "text",
    [
        "he had his panic attack at the stop",  # two words of their own
        "a cub an hour ago",
        "same as Ian said",  # a name after a word
        "a bl  ack man",  # two spaces: not one word split
        "the bl-ack man",
        "a black man",  # nothing split
    ],
)
def test_two_words_names_and_other_gaps_stay_as_written(text):
    assert split_words_joined(text, COLOURS | {"asian"}, TWO_WORDS) == text


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("call 3 0 3 5 5 5 0 1 9 9", "call 3035550199"),
        ("call 3.0.3-5.5.5-0.1.9.9", "call 3035550199"),
        ("303 5 5 5 0199", "3035550199"),
        ("call 30 35 55 01 99", "call 3035550199"),
        ("303 55 50 199 anytime", "3035550199 anytime"),
        ("(303) 55-50-199", "(3035550199"),
        ("303 - 555 - 0199", "3035550199"),
    ],
)
def test_digits_in_groups_however_grouped_are_read_as_one_number(text, reading):
    assert digits_joined(text) == reading


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("303 555 O199", "3035550199"),
        ("3O3-555-0l99", "3035550199"),
        ("3o3.555.0I99", "3035550199"),
        ("303 555 O 1 9 9", "3035550199"),
    ],
)
def test_letters_drawn_like_digits_inside_a_number_are_read_as_digits(text, reading):
    assert digits_joined(text) == reading


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("call three oh three five five five oh one nine nine", "call 3035550199"),
        ("Three-Zero-Three 555 zero one nine nine", "3035550199"),
        ("text five five five, oh one nine nine", "text 5550199"),
    ],
)
def test_digits_said_as_words_are_read_as_digits(text, reading):
    assert digits_joined(text) == reading


@pytest.mark.parametrize(
    "text",
    [
        "It happened 12-05-2024 10 30",  # a date and its time
        "one or two cars, oh, and a van",  # two digit words are speech
        "someone phoned, then gone at nine",
        "on 2024-12-05 10 30 the alarm",
        "Final score 2-1",  # two groups: a score, a case number
        "case 2024-123456",
        "units 4 and 5",
        "at 10 30pm near the 5th 12 14",  # a group touching a letter ends the run
        "Ohio plates, lol, I saw 2",  # letters with no digit are words
        "Take I 25 north",
    ],
)
def test_dates_scores_and_words_are_left_as_they_are(text):
    assert digits_joined(text) == text
