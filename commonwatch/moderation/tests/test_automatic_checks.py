import pytest

from commonwatch.moderation.checks import PERSON_RULE, check_text, describes_person_by_race_alone


def test_a_plain_report_passes():
    assert check_text(title="Package stolen", body="A parcel was taken from a porch today.") == []


def test_empty_text_is_refused():
    assert check_text(title="x", body="   ") == ["Write what happened: the text is empty."]


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
def test_describing_a_person_by_race_alone_is_refused_with_the_rule(body):
    assert describes_person_by_race_alone(body)
    assert PERSON_RULE in check_text(title="Suspicious", body=body)


def test_a_description_with_clothing_and_behavior_passes():
    body = (
        "A tall white man in a red hoodie and gray jeans was trying car door handles, "
        "then left on a blue bike toward the park."
    )
    assert not describes_person_by_race_alone(body)
    assert check_text(title="Car break-in attempt", body=body) == []


def test_a_color_word_that_describes_no_person_passes():
    assert check_text(title="Black ice", body="Black ice on the hill this morning.") == []
