"""Automatic checks every post and comment passes before a moderator sees it.

Each check returns the reasons its author is shown, in plain words. The
person-description rule follows Nextdoor's: a description of someone by race or
ethnicity alone asks its author for clothing, vehicle or behavior that would tell
that person apart, and goes to a moderator if they have none (docs/moderation-checks.md).

Every check runs in time linear in the text, and only on text already within its
length limit: a pattern may start matching only at a token's first character and
its runs are possessive (``++``), so no input makes the engine retry a long run
from each of its characters (a 60,000-character body once took 9 s).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from commonwatch.core.plain_text import as_read, digits_joined

from . import profiling

MAX_TITLE_CHARS = 120
MAX_BODY_CHARS = 4000
MAX_COMMENT_CHARS = 1000

# A North American number, or an international one after "+" (at most 15 digits, E.164),
# read with its groups joined (core.plain_text.digits_joined).
PHONE = re.compile(
    r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
    r"|(?<![\d+])\+\d{8,15}(?!\d)"
)
# A seven-digit local number is one only where the text hands it over ("call me at
# 555-0199", "my cell: 555 0199"): alone, seven digits are as often a case or an order
# number. The words between are bounded: linear.
LOCAL_PHONE = re.compile(
    r"\b(?:call|text|txt|phone|cell|ring|dial|tel|sms|whatsapp)\b[^\d\n]{0,12}+"
    r"(?<!\d)\d{3}[\s.-]?\d{4}(?!\d)",
    re.IGNORECASE,
)
# Starts only where the address's first character does (the lookbehind), then takes
# whole runs: linear, where [\w.+-]+@ retried every suffix of a long word.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
# An address spelled out so that no pattern sees one: "bob at example dot com", "bob
# (at) example (dot) org", "bob[at]example.org", "bob@example dot com". A "dot" said
# as a word or an "at" in brackets is what only a hidden address needs: "bought it at
# amazon.com" is not one, nor, with a domain ending people write and no pronoun for a
# domain, "look at the dot com era". Each part starts where its word does and takes it
# whole (possessive): linear.
_BRACKETED = r"\s*+[(\[{<]\s*+{word}\s*+[)\]}>]\s*+"
_AT_WORD = r"\s++at\s++"
_DOT_WORD = r"\s++dot\s++"
BRACKETED_AT = _BRACKETED.replace("{word}", "at")
SPELLED_AT = rf"(?:\s*+@\s*+|{BRACKETED_AT}|{_AT_WORD})"
SPELLED_DOT = rf"(?:{_BRACKETED.replace('{word}', 'dot')}|{_DOT_WORD})"
ANY_DOT = rf"(?:\.|{SPELLED_DOT})"
DOMAIN_ENDINGS = "com|net|org|edu|gov|us|io|co|info|biz|me|uk|ca|de|fr|app|dev|email"
NOT_A_DOMAIN = r"(?!(?:the|a|an|my|your|his|her|our|their|this|that|home|work)\b)"
_LABEL = rf"{NOT_A_DOMAIN}[\w-]++"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]++(?:"
    rf"{SPELLED_AT}{_LABEL}(?:{ANY_DOT}[\w-]++)*?{SPELLED_DOT}"
    rf"|{BRACKETED_AT}{_LABEL}(?:{ANY_DOT}[\w-]++)*?{ANY_DOT}"
    rf")(?:{DOMAIN_ENDINGS})\b",
    re.IGNORECASE,
)
# "bob at example.com": "at" said as a word before a domain with its dot. "Bought it at
# amazon.com" and "talk to someone at city.gov" say where, not who: the name before a
# bare "at" is read as an address only when only an address has such a name
# ("jane.doe", "bob_smith"), the domain is a mail provider's, or the name is handed over:
# after a colon or a word that gives an address ("Contact: bob at", "e-mail bob at",
# "write to bob at"), or alone on its line in small letters.
BARE_AT_EMAIL = re.compile(
    rf"(?<![\w.+-])(?P<user>[\w.+-]++){_AT_WORD}(?P<domain>{_LABEL})"
    rf"(?:\.[\w-]++)*?\.(?:{DOMAIN_ENDINGS})\b",
    re.IGNORECASE,
)
USER_NAME = re.compile(r"[^\W_][._+][^\W_]{2}")
MAIL_PROVIDERS = frozenset(
    {"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "icloud", "aol"}
    | {"protonmail", "proton", "gmx", "fastmail", "comcast"}
)
NOT_A_USER = frozenset(
    {"me", "us", "you", "him", "her", "them", "it", "this", "that", "one", "people"}
    | {"someone", "somebody", "anyone", "anybody", "everyone", "everybody", "staff", "folks"}
)
ADDRESS_CUES = frozenset(
    {"email", "e-mail", "mail", "emailing", "contact", "write", "message", "reach"}
)
# How far around a bare "at" the words that hand over an address are looked for.
LOOK_AROUND = 40
STREET_SUFFIXES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    "way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy"
)
# A number then a word that says where or how much is a speed or a count on a street,
# not an address: "doing 70 on Shady Lane", "5 minutes down Elm St".
NOT_AN_ADDRESS = (
    r"(?!(?:on|at|in|near|by|down|up|along|off|onto|past|from|to|mph|km|kph|miles?|"
    r"minutes?|mins?|times?|feet|ft|yards?|blocks?|houses?|doors?)\b)"
)
STREET_ADDRESS = re.compile(
    rf"\b\d{{1,6}}\s++{NOT_AN_ADDRESS}(?:[NSEW]\.?\s++)?(?:[A-Z0-9][\w'-]*+\s++){{1,4}}"
    rf"(?:{STREET_SUFFIXES})\b",
    re.IGNORECASE,
)


def _handed_over(text: str, start: int, end: int) -> bool:
    """The name before a bare "at" follows a colon or a word that gives an address, or
    the address is alone on its line in small letters ("bob at example.com"; a line
    "Details at city.gov" is a sentence)."""
    before = ("\n" if start <= LOOK_AROUND else "") + text[max(0, start - LOOK_AROUND) : start]
    words = before.rsplit("\n", 1)[-1].lower().split()
    if words[-1:] == ["to"]:
        words.pop()  # "write to bob at"
    if words:
        return words[-1].endswith(":") or words[-1] in ADDRESS_CUES
    rest_of_line = text[end : end + LOOK_AROUND].split("\n", 1)[0]
    alone = "\n" in before and not rest_of_line.strip(" .,;!?)")
    return alone and text[start:end].islower()


def _address_with_a_bare_at(text: str) -> bool:
    for match in BARE_AT_EMAIL.finditer(text):
        user = match.group("user")
        if user.lower() in NOT_A_USER:
            continue
        if USER_NAME.search(user) or match.group("domain").lower() in MAIL_PROVIDERS:
            return True
        if _handed_over(text, *match.span()):
            return True
    return False


def _contact_details(text: str) -> list[str]:
    """Read as a person reads it (core.plain_text): look-alike letters and digits folded,
    letters drawn like digits inside a number read as digits ("3O3"), and digits in
    groups however grouped ("30 35 55 01 99") read as one number."""
    text = digits_joined(as_read(text))
    reasons = []
    if PHONE.search(text) or LOCAL_PHONE.search(text):
        reasons.append(_("Remove the phone number: posts must not share private contact details."))
    if EMAIL.search(text) or SPELLED_EMAIL.search(text) or _address_with_a_bare_at(text):
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
    """True when a person is described by race or origin without details that tell
    them apart (community.profiling reads the words; docs/moderation-checks.md)."""
    return profiling.read_as_written(text).by_race_alone


def race_mentions(text: str) -> list[str]:
    """The words by which the text describes someone by race or origin, details or not
    ("black" in "a black man in a red hoodie"); empty when it describes nobody so."""
    return profiling.read_as_written(text).mentions


NEEDS_DETAILS = "needs_specific_details"
# The automatic check a post or comment was sent past "as written", kept on it so the
# moderator who reads it first knows why (Post.held_by_check, Comment.held_by_check).
PROFILING_CHECK = "profiling"

PERSON_PROMPT = _(
    "You describe someone by race or origin (%(words)s) without details that would tell "
    "them apart from anyone else. Add what they wore (clothing and its colours), their "
    "vehicle (colour, make, plate), marks such as a tattoo, or what they did beyond "
    "walking or looking around. If you have no more details, you can send it as written: "
    "a moderator reads it before anyone else sees it."
)


def person_details_prompt(*texts: str) -> str:
    """What the author is asked to add when the texts, read as one (a post's title, body
    and photo descriptions), describe someone by race alone; empty when they do not.
    Run it only on text within its length limit."""
    reading = profiling.read_as_written("\n".join(texts))
    if not reading.by_race_alone:
        return ""
    words = ", ".join(f"“{words}”" for words in dict.fromkeys(reading.mentions))
    return PERSON_PROMPT % {"words": words}


def check_text(
    *, title: str, body: str, max_body: int = MAX_BODY_CHARS, comment: bool = False
) -> list[str]:
    """Every reason the text cannot be sent, in the author's words; empty if fine.

    Lengths come first: text over its limit is refused before any pattern reads it. A
    description by race alone is not a refusal but a question (person_details_prompt).
    """
    reasons = []
    if len(title) > MAX_TITLE_CHARS:
        reasons.append(_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE_CHARS})
    if len(body) > max_body:
        reasons.append(_("Keep the text under %(n)d characters.") % {"n": max_body})
    if reasons:
        return reasons
    if not as_read(body).strip():
        reasons.append(
            _("Write your comment: it is empty.")
            if comment
            else _("Write what happened: the text is empty.")
        )
    reasons += _contact_details(f"{title}\n{body}")
    return reasons


def rules_broken(*texts: str) -> set[str]:
    """The community rules (moderation's Rule codes) a stopped text broke, for the
    public log's count of what the checks stopped; lengths and empty text are form
    errors, not rules. The texts (a post's title, body and photo descriptions) are
    read as one."""
    text = "\n".join(texts)
    rules = set()
    if _contact_details(text):
        rules.add("private_info")
    if describes_person_by_race_alone(text):
        rules.add("profiling")
    return rules
