"""The anti-profiling check, measured on the hand-written corpus beside this file.

Issue 16's targets: it stops at least 95% of descriptions by race alone and wrongly
stops at most 2% of legitimate posts. bench/profiling_check.py prints the full matrix.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from commonwatch.community.profiling import read, read_as_written

CORPUS = Path(__file__).parent / "corpus"
PARTS = ("dev", "heldout", "blind", "blind2", "blind3", "blind4", "evasions")
MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.02


def corpus(part: str) -> list[tuple[bool, str]]:
    """(is a description by race alone, text) for each sentence of one part."""
    with open(CORPUS / f"profiling-{part}.tsv", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["label"] == "profiling", row["text"]) for row in rows]


def test_the_corpus_is_large_and_balanced():
    rows = [row for part in PARTS for row in corpus(part)]
    profiling = sum(label for label, _ in rows)
    assert len(rows) >= 400
    assert len({text for _, text in rows}) == len(rows), "no sentence twice"
    assert abs(profiling - (len(rows) - profiling)) <= len(rows) * 0.05


def test_the_check_meets_its_targets_on_the_whole_corpus():
    rows = [row for part in PARTS for row in corpus(part)]
    stopped = [(label, read_as_written(text).by_race_alone, text) for label, text in rows]
    race_alone = [s for s in stopped if s[0]]
    legitimate = [s for s in stopped if not s[0]]
    missed = [text for _, got, text in race_alone if not got]
    wrongly = [text for _, got, text in legitimate if got]

    assert 1 - len(missed) / len(race_alone) >= MIN_RECALL, missed
    assert len(wrongly) / len(legitimate) <= MAX_FALSE_POSITIVE_RATE, wrongly


@pytest.mark.parametrize(
    "text,race_alone",
    [
        ("our black lab slipped her leash", False),
        ("a white pickup idled by the park", False),
        ("a black guy walking around looking at houses", True),
    ],
)
def test_the_three_sentences_of_the_issue_are_judged_right(text, race_alone):
    assert read(text).by_race_alone is race_alone


@pytest.mark.parametrize(
    "text",
    [
        "a hispanic was standing outside",
        "some blacks were hanging out by the dumpsters",
        "he looked arab and kept walking past",
        "a man of middle eastern descent was watching the school",
        "Suspect: male, black, thin build",
        "two African-American teens lurking",
        "a dark-skinned guy knocking on doors",
        "SUSPICIOUS HISPANIC MALE",
        "the man who knocked was black",
        "SUSPICIOUS BLACK HOODED MALE ON ELM",
        "urban youths hanging around the corner store",
        "some ghetto-looking girls at the bus stop",
        "guy with dark skin walking around the cul de sac",
        "a black bald guy sitting in a car",
        "two black high school kids walking around the block",
        "Suspect described as a black male, medium build",
    ],
)
def test_a_person_is_found_however_the_descriptor_is_used(text):
    assert read(text).mentions


@pytest.mark.parametrize(
    "text",
    [
        "Mr. White on Cedar fixed our fence",
        "Black Friday traffic is awful",
        "the Mexican restaurant on Main was robbed",
        "white-haired lady fell on the ice",
        "I'm Korean and my grandma is missing",
        "asian lady beetles are everywhere",
        "guy in a black hoodie was here",
        "hateful graffiti about Asians on the wall",
        "our new car is white",
        "Lost cat: Luna. She's black with white paws and a pink collar.",
        "Found a dog near Elm, he is brown and white, very friendly",
        "They're black labs, brother and sister, answer to Max and Ruby",
        "She's a black and brindle boxer, 60 lbs, slipped out when the gate blew open",
        "She was white as a sheet after the car nearly hit her",
        "white Rivian driver keeps speeding down Maple",
        "the guy with the black pit bull never picks up after it",
        "As a Black mom, I worry about the speeding on Birch",
        "We're a Hispanic family new to the block, hi everyone!",
        "he's a native of Ohio and just moved in next door",
        "Free ESL classes, Latino families welcome",
        "the Korean church youth group is washing cars Saturday",
        "the Chinese takeout guy left the food on the wrong porch again",
    ],
)
def test_names_places_hair_the_author_and_groups_spoken_of_are_no_description(text):
    assert read(text).mentions == []


def test_details_must_include_how_the_person_looks():
    acts_only = read("a black man broke a car window and ran toward Oak")
    looks_and_acts = read("a black man in a red hoodie broke a car window and ran toward Oak")

    assert acts_only.by_race_alone
    assert not looks_and_acts.by_race_alone
    assert looks_and_acts.appearance == ["hoodie"]
    assert set(looks_and_acts.actions) == {"break", "direction"}


def test_an_act_is_read_whatever_its_ending_and_a_team_or_brand_makes_a_garment_specific():
    reading = read("A black male in a Seahawks cap was checking car doors, then grabbed a bag")

    assert not reading.by_race_alone
    assert reading.appearance == ["cap"]
    assert set(reading.actions) == {"check", "grab"}


def test_nouns_that_are_also_acts_are_no_act():
    reading = read("black guy with a phone in his hand, my Ring camera got him at one point")
    assert reading.actions == []


def test_plain_clothing_hair_and_build_are_generic():
    reading = read("black male, tall, thin, short dreads, wearing a hoodie and jeans, walking")
    assert reading.by_race_alone
    assert reading.details == 0
