"""Automatic checks every post and comment passes before a moderator sees it.

Each check returns the reasons its author is shown, in plain words. The
person-description rule follows Nextdoor's: describing someone by race or
ethnicity alone is refused; a description must give clothing, behavior or other
details that would tell that person apart.

Every check runs in time linear in the text, and only on text already within its
length limit: a pattern may start matching only at a token's first character and
its runs are possessive (``++``), so no input makes the engine retry a long run
from each of its characters (a 60,000-character body once took 9 s).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 4000
MAX_COMMENT_CHARS = 1000

PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
# Starts only where the address's first character does (the lookbehind), then takes
# whole runs: linear, where [\w.+-]+@ retried every suffix of a long word.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
STREET_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    "way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy"
)
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s++(?:[NSEW]\.?\s++)?(?:[A-Z0-9][\w'-]*+\s++){{1,4}}(?:{STREET_SUFFIXES})\b",
    re.IGNORECASE,
)

RACE_TERMS = re.compile(
    r"\b(black|white|asian|hispanic|latino|latina|latinx|mexican|african[- ]american|"
    r"arab|middle[- ]eastern|indian|native american|caucasian|chinese|"
    r"dark[- ]skinned|light[- ]skinned|brown[- ]skinned)\b",
    re.IGNORECASE,
)
PERSON_TERMS = re.compile(
    r"\b(man|men|woman|women|guy|guys|girl|girls|boy|boys|person|people|male|female|"
    r"teen|teens|teenager|kid|kids|individual|suspect|someone|dude|lady|gentleman)\b",
    re.IGNORECASE,
)
DETAIL_TERMS = re.compile(
    r"\b(wearing|wore|shirt|t-shirt|hoodie|hooded|jacket|coat|pants|jeans|shorts|"
    r"dress|skirt|hat|cap|beanie|mask|shoes|sneakers|boots|backpack|bag|glasses|"
    r"tattoo|beard|mustache|hair|tall|short|height|build|carrying|holding|"
    r"driving|car|truck|van|bike|bicycle|scooter|walked|walking|ran|running|"
    r"knocked|tried|trying|looked|looking|took|grabbed|broke|climbed|entered|left|"
    r"red|blue|green|yellow|gray|grey|orange|purple|pink|brown)\b",
    re.IGNORECASE,
)
MIN_DETAILS = 2


def _contact_details(text: str) -> list[str]:
    reasons = []
    if PHONE.search(text):
        reasons.append(_("Remove the phone number: posts must not share private contact details."))
    if EMAIL.search(text):
        reasons.append(
            _("Remove the e-mail address: posts must not share private contact details.")
        )
    if STREET_ADDRESS.search(text):
        reasons.append(
            _(
                "Remove the street address: the map already shows the approximate area, "
                "and a private person's address must not be published."
            )
        )
    return reasons


def describes_person_by_race_alone(text: str) -> bool:
    """True when a person is described by race or ethnicity without other details."""
    if not (RACE_TERMS.search(text) and PERSON_TERMS.search(text)):
        return False
    without_race = RACE_TERMS.sub(" ", text)
    details = {match.lower() for match in DETAIL_TERMS.findall(without_race)}
    return len(details) < MIN_DETAILS


PERSON_RULE = _(
    "If you describe a person, describe what they wore and did (clothing, hair, "
    "build, vehicle, direction) — not only their race or ethnicity. A description "
    "by race alone could match anyone and leads to profiling."
)


def check_text(*, title: str, body: str, max_body: int = MAX_BODY_CHARS) -> list[str]:
    """Every reason the text cannot be published, in the author's words; empty if fine.

    Lengths come first: text over its limit is refused before any pattern reads it.
    """
    reasons = []
    if len(title) > MAX_TITLE_CHARS:
        reasons.append(_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE_CHARS})
    if len(body) > max_body:
        reasons.append(_("Keep the text under %(n)d characters.") % {"n": max_body})
    if reasons:
        return reasons
    if not body.strip():
        reasons.append(_("Write what happened: the text is empty."))
    text = f"{title}\n{body}"
    reasons += _contact_details(text)
    if describes_person_by_race_alone(text):
        reasons.append(PERSON_RULE)
    return reasons


def rules_broken(*, title: str, body: str) -> set[str]:
    """The community rules (moderation's Rule codes) a stopped text broke, for the
    public log's count of what the checks stopped; lengths and empty text are form
    errors, not rules."""
    text = f"{title}\n{body}"
    rules = set()
    if _contact_details(text):
        rules.add("private_info")
    if describes_person_by_race_alone(text):
        rules.add("profiling")
    return rules
