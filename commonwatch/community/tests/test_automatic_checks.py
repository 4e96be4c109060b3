import csv
import time
from pathlib import Path

import pytest

from commonwatch.community.checks import (
    check_text,
    describes_person_by_race_alone,
    person_details_prompt,
)


def test_a_plain_report_passes():
    assert check_text(title="Package stolen", body="A parcel was taken from a porch today.") == []


def test_empty_text_is_refused():
    assert check_text(title="x", body="   ") == ["Write what happened: the text is empty."]


def test_an_empty_comment_is_asked_for_in_a_comments_words():
    assert check_text(title="", body=" \u200b ", comment=True) == [
        "Write your comment: it is empty."
    ]


def test_oversized_text_is_refused():
    assert "Keep the text under 4000 characters." in check_text(title="x", body="a" * 4001)


@pytest.mark.parametrize(
    "body,word",
    [
        ("Call me at (303) 555-0199 if you saw it.", "phone"),
        ("Call 303.555.0199 please", "phone"),
        ("Write to jane.doe@example.org", "e-mail"),
        ("The car was parked at 1234 Elm Street all night.", "street address"),
        ("It happened near 17 N Maple Ave.", "street address"),
    ],
)
def test_private_contact_details_are_refused_with_a_reason(body, word):
    reasons = check_text(title="Heads up", body=body)
    assert any(word in reason for reason in reasons)


@pytest.mark.parametrize(
    "body",
    [
        "A black man was walking around.",
        "Suspicious Hispanic guy in the neighborhood.",
        "Two Asian teens near the park",
    ],
)
def test_describing_a_person_by_race_alone_asks_for_details_naming_the_words(body):
    assert describes_person_by_race_alone(body)
    prompt = person_details_prompt(body)
    assert "clothing" in prompt and "send it as written" in prompt
    assert f"“{body.split()[1].lower()}”" in prompt
    assert check_text(title="Suspicious", body=body) == []


def test_a_description_with_clothing_and_behavior_passes():
    body = (
        "A tall white man in a red hoodie and gray jeans was trying car door handles, "
        "then left on a blue bike toward the park."
    )
    assert not describes_person_by_race_alone(body)
    assert person_details_prompt(body) == ""


def test_a_color_word_that_describes_no_person_passes():
    assert person_details_prompt("Black ice on the hill this morning.") == ""


ADVERSARIAL = {
    "one long word": "a",
    "at signs": "a@",
    "dots": "a.",
    "a long domain": "b",
    "digits and spaces": "1 ",
    "numbered words": "12 Elm ",
    "phone fragments": "(303) 555-01",
    "race words": "black man ",
    "pronoun predicates": "she's black ",
    "descriptors without nouns": "black and white and ",
    "person nouns": "guy, ",
    "hyphens": "middle-",
    "dashes": "-",
    "plus signs": "+1 ",
    "address parts": "x.y+z@",
    "apostrophes": "'",
    "letters spelled out": "b-",
    "single letters": "a ",
    "single digits": "3 ",
    "spelled addresses": "a at b dot ",
    "bracketed addresses": "a [at] b (dot) ",
    "look-alike letters": "bl\u0430ck \u0441",
    "combining marks": "a\u0301\u034f",
    "digit pairs": "30 ",
    "letters among digits": "3 O ",
    "bare at addresses": "bob at b.",
    "words split in two": "bl ack ",
}
# Ten times the text: linear takes ~10x the time, quadratic ~100x. The margin between
# absorbs a loaded machine (caches, other processes), which was seen to double a run.
GROWTH = 10
LINEAR_GROWTH = 40


def _time(check, text: str) -> float:
    """CPU seconds of this thread: what other processes do on the machine is not counted."""
    start = time.thread_time()
    check(text)
    return time.thread_time() - start


def _every_check(text: str) -> None:
    check_text(title="", body=text, max_body=len(text))
    person_details_prompt(text)


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_every_check_reads_megabytes_of_adversarial_text_in_linear_time(name):
    """A 2 MB post once held the server for minutes. Each check must grow linearly:
    10x the text well under 100x the time (a quadratic pattern fails here at 200 kB,
    before the megabyte), and a megabyte stays in seconds."""
    unit = ADVERSARIAL[name]
    prefix = "a@" if name == "a long domain" else ""

    def text(size: int) -> str:
        return prefix + unit * (size // len(unit))

    # The fastest of three runs, so that another process's burst never looks quadratic;
    # the larger text is timed again only if its first run looks too slow.
    small = max(min(_time(_every_check, text(20_000)) for _ in range(3)), 0.005)
    grown = _time(_every_check, text(20_000 * GROWTH))
    if grown >= LINEAR_GROWTH * small:
        grown = min(grown, *(_time(_every_check, text(20_000 * GROWTH)) for _ in range(2)))
    assert grown < LINEAR_GROWTH * small, f"{name}: {small:.3f}s -> {grown:.3f}s"
    assert _time(_every_check, text(1_000_000)) < 15


def test_text_over_its_limit_is_refused_before_any_pattern_reads_it(monkeypatch):
    from commonwatch.community import checks

    def must_not_run(text):
        raise AssertionError("a pattern read text over the limit")

    monkeypatch.setattr(checks, "_contact_details", must_not_run)
    monkeypatch.setattr(checks, "describes_person_by_race_alone", must_not_run)

    reasons = check_text(title="x", body="a@" * 1_000_000)

    assert reasons == ["Keep the text under 4000 characters."]


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Call me at 303\u200b-555-0142", "phone"),
        ("Call me at ３０３-５５５-０１４２", "phone"),
        ("Write to b\u200bo\u200bb@ex\u200bample.com", "e-mail"),
        ("He lives at 1234 Elm\u2060 Street", "street address"),
        # Shown right to left "303-555-0142"; kept without the override, ten digits in groups.
        ("Call me at \u202e2410-555-303\u202c", "phone"),
    ],
)
def test_characters_a_reader_does_not_see_hide_nothing_from_the_checks(body, word):
    assert any(word in reason for reason in check_text(title="Heads up", body=body))


def test_a_text_of_only_invisible_characters_is_empty():
    assert check_text(title="x", body="\u200b\u2060\u200d") == [
        "Write what happened: the text is empty."
    ]


def test_a_description_by_race_alone_split_by_a_zero_width_space_still_asks_for_details():
    assert describes_person_by_race_alone("a bl\u200back guy walking around looking at houses")


# --- Look-alikes (what a reader sees, not the characters typed) ---------------------------


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("Call me: 3 0 3 5 5 5 0 1 9 9", "phone"),
        ("Call me: 3.0.3.5.5.5.0.1.9.9", "phone"),
        ("Call me at 303 5 5 5 0 1 9 9", "phone"),
        ("Call me at \u0663\u0660\u0663-555-0199", "phone"),
        ("Write to bob at example dot com", "e-mail"),
        ("Write to bob (at) example (dot) org", "e-mail"),
        ("Write to bob[at]example.org", "e-mail"),
        ("Write to bob@example dot com", "e-mail"),
        ("Write to b\u043eb@\u0435xample.com", "e-mail"),
        ("He lives at 1234 \u0415lm Street", "street address"),
    ],
)
def test_contact_details_written_to_slip_past_a_pattern_are_refused(body, word):
    assert any(word in reason for reason in check_text(title="Heads up", body=body))


@pytest.mark.parametrize(
    "body",
    [
        "I bought the camera at amazon.com last week.",
        "Look at the dot com era buildings on Elm.",
        "It happened on 12-05-2024 at 10 30 in the evening.",
        "Final scores 2-1 3-0 4-2 at the park league.",
        "Units 4 and 5 had their packages taken around 3.",
        "Our U.S.A. flag was taken from the porch.",
    ],
)
def test_ordinary_words_and_numbers_are_not_read_as_contact_details(body):
    assert check_text(title="Heads up", body=body) == []


@pytest.mark.parametrize(
    "body",
    [
        "I saw a bl\u0430ck man near the cars",  # Cyrillic а
        "A bl\u034fack man near the cars",  # combining grapheme joiner
        "A bla\u0441k guy walking around",  # Cyrillic с
        "A \u0299\u029f\u1d00\u1d04\u1d0b guy walking around",  # small capitals
        "A bl\u00e1\u0300ck man walking around",  # accents
        "I saw a b-l-a-c-k man near the cars",
        "I saw a b l a c k man near the cars",
        "I saw an a s i a n man near the cars",
        "Two H-I-S-P-A-N-I-C guys on the corner",
    ],
)
def test_a_description_by_race_alone_in_look_alike_letters_still_asks_for_details(body):
    assert describes_person_by_race_alone(body)
    assert "send it as written" in person_details_prompt(body)


def test_a_description_in_look_alike_letters_with_details_passes():
    body = "A bl\u0430ck man in a red hoodie tried the car door handles on Elm."
    assert person_details_prompt(body) == ""


# --- Contact details regrouped, letters for digits, a bare "at" ---------------------

CONTACT_CORPUS = Path(__file__).parent / "corpus" / "contact-evasions.tsv"


def _contact_corpus() -> list[tuple[str, str]]:
    """(label, text): `phone` or `e-mail` for contact details written to slip past a
    pattern, `fine` for the ordinary text closest to them."""
    with open(CONTACT_CORPUS, newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["label"], row["text"]) for row in rows]


@pytest.mark.parametrize(("label", "body"), _contact_corpus())
def test_contact_details_however_written_are_refused_and_ordinary_text_is_not(label, body):
    reasons = check_text(title="Heads up", body=body)
    if label == "fine":
        assert reasons == []
    else:
        assert [reason for reason in reasons if label in reason] == reasons != []


def test_an_address_alone_on_its_line_is_one_and_a_sentence_there_is_not():
    assert check_text(title="Heads up", body="Saw it all.\nbob at example.com")
    assert check_text(title="Heads up", body="Streetlight fund.\nDetails at city.gov") == []


# --- A word split in two by one space ------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "I saw a bl ack man on Elm",
        "two hispan ic guys walking around the school",
        "BL ACK MALE LURKING ON ELM",
    ],
)
def test_a_descriptor_split_by_one_space_still_asks_for_details(body):
    assert "send it as written" in person_details_prompt(body)


@pytest.mark.parametrize(
    "body",
    [
        "my son had his panic attack at the bus stop again",
        "saw a bear cub an hour ago down by the creek",
        "same as Ian said, the streetlight is out",
        "My parents are from Pakistan, Pakistan is lovely in spring, the man said",
        "our bl ack lab got out again, she answers to Coco",
        "a bl ack man in a red hoodie tried the car door handles, then ran toward Oak",
    ],
)
def test_words_that_only_join_into_a_descriptor_and_split_ones_with_details_pass(body):
    assert person_details_prompt(body) == ""
