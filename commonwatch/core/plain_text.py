"""What people write, as others will read it.

Unicode has characters that show nothing themselves but change what the text around
them shows. A right-to-left override displays "4321 mlE teertS" as "Street Elm 1234"
while a pattern reads the characters in the order they were typed, and an override
left open runs on into the text beside it on the page. A zero-width space between
the characters of an e-mail address hides it from a pattern and not from a reader.

Other characters show something else than they are. A Cyrillic "а" looks like a Latin
"a", a combining grapheme joiner is invisible inside a word, "b-l-a-c-k" and "bl ack"
read as a word to a person, "3O3 55 50 l99" as a phone number. What is stored keeps
what its author typed (as_stored); what the automatic checks read is the text as a
person reads it (as_read, spelled_out, split_words_joined, digits_joined).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they reorder
# what follows them. The marks LRM and RLM, which reorder nothing, stay for mixed scripts.
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Zero-width space, word joiner and byte order mark: nothing to see, nothing to keep. The
# zero-width joiners stay, which emoji sequences and several scripts need.
INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
# Tag characters show nothing, but carry text a pattern reads ("\U000e0041" is a hidden
# "A"). Their one use is a subdivision flag (a black flag, tags, a cancel tag: the flag
# of Scotland), which stays whole; every other tag goes.
TAG_FLAG = "\U0001f3f4[\U000e0020-\U000e007e]{1,32}\U000e007f"
TAGS = re.compile(f"({TAG_FLAG})|[\U000e0000-\U000e007f]")

# Combining marks stack: 110 accents on one letter draw a tower over the text around
# it. Written languages put at most three on one letter (Vietnamese two, pointed
# Hebrew or a Tibetan stack three); the ones past that are dropped. Spacing marks
# (category Mc, Indic vowel signs) take their own room and are not counted.
MAX_MARKS_PER_CHARACTER = 3
STACKING = frozenset({"Mn", "Me"})
NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def without_hidden(text):
    """The text without what reorders or hides; anything not a text left as it is, for
    its validation to refuse."""
    if not isinstance(text, str):
        return text
    text = INVISIBLE.sub("", REORDERING.sub("", text))
    return TAGS.sub(lambda match: match.group(1) or "", text)


def _marks_limited(match: re.Match) -> str:
    kept, marks = [], 0
    for char in match.group():
        if unicodedata.category(char) in STACKING:
            marks += 1
            if marks > MAX_MARKS_PER_CHARACTER:
                continue
        else:
            marks = 0
        kept.append(char)
    return "".join(kept)


def as_stored(text: str) -> str:
    """The text to keep and show: without what reorders or hides, at most three
    combining marks on a character, and trimmed."""
    return NOT_ASCII.sub(_marks_limited, without_hidden(text)).strip()


def as_one_line(text: str) -> str:
    """A title: stored as as_stored keeps it, on one line (each line break, and the
    spaces around it, becomes one space)."""
    return " ".join(line.strip() for line in as_stored(text).splitlines() if line.strip())


# Letters of other scripts that look like a Latin letter or a digit, and that a
# transliteration would turn into another one (Cyrillic "с" is "s" to anyascii, and a
# "c" to a reader). After Unicode's confusables list (UTS #39): Cyrillic, Greek,
# Armenian, Cherokee and Lisu look-alikes of Latin letters. Keys as NFKD leaves them.
# Each pair: the look-alike, then the Latin letter or digit it looks like.
LOOK_ALIKE_PAIRS = " ".join(
    (
        # Cyrillic
        "аa еe оo рp сc уy хx ѕs іi јj һh ԁd ԛq ԝw ӏl ьb ԍG бb",
        "АA ВB ЕE КK МM НH ОO РP СC ТT УY ХX ЅS ІI ЈJ ԚQ ԜW ҮY ҺH ӀI ЬB З3",
        # Greek
        "αa οo ρp νv υu ιi κk χx γy ωw ηn ςc ϳj",
        "ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX ͿJ",
        # Armenian
        "օo սu հh ոn զq ՏS ՕO ՍU",
        # Cherokee
        "ᎠD ᎡR ᎢT Ꭵi ᎩY ᎪA ᎫJ ᎬE ᏃZ ᎳW ᎷM ᎻH ᏀG ᏒR ᏔW ᏚS ᏞL ᏟC ᏢP ᏦK ᏴB Ꮟb Ꮒh",
        # Lisu
        "ꓐB ꓑP ꓒd ꓓD ꓔT ꓖG ꓗK ꓙJ ꓚC ꓜZ ꓝF ꓟM ꓠN ꓡL ꓢS ꓣR ꓦV ꓧH ꓪW ꓫX ꓬY ꓮA ꓰE ꓲI ꓳO ꓴU",
    )
)
LOOK_ALIKES = str.maketrans(dict(LOOK_ALIKE_PAIRS.split()))


def _read_letters(match: re.Match) -> str:
    """Non-ASCII characters as a reader takes them: marks and format characters out,
    look-alikes as the Latin letter they look like, other letters and digits
    transliterated (small capitals, "ł", "ı", other scripts' digits); symbols kept."""
    read = []
    for char in match.group().translate(LOOK_ALIKES):
        category = unicodedata.category(char)
        if category == "Cf" or category[0] == "M":
            continue
        read.append(anyascii(char) if category[0] in "LN" and not char.isascii() else char)
    return "".join(read)


def as_read(text: str) -> str:
    """The text as the automatic checks should read it: compatibility forms folded
    (full-width digits are digits), accents and every other combining mark off, every
    format character out (joiners included), and letters that look Latin read as the
    Latin letter they look like (a Cyrillic "а" is an "a"). Never what is stored."""
    return NOT_ASCII.sub(_read_letters, unicodedata.normalize("NFKD", text))


# One letter, then the same separator (one to three characters that are neither letters,
# digits nor line breaks) and one letter, at least twice: "b-l-a-c-k", "b l a c k",
# "b . l . a". Each step takes a whole letter or stops (possessive): linear.
SPELLED_OUT = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z](?P<sep>[^A-Za-z0-9\n]{1,3})[A-Za-z](?![A-Za-z0-9])"
    r"(?:(?P=sep)[A-Za-z](?![A-Za-z0-9]))++"
)
# "a" and "I" are words of their own: "a b l a c k man" is "a black man" as well.
SINGLE_LETTER_WORDS = frozenset("aAI")


def _joined(match: re.Match, *, keep_first_word: bool) -> str:
    letters = match.group()[:: len(match.group("sep")) + 1]
    if keep_first_word and match.group("sep").isspace() and letters[0] in SINGLE_LETTER_WORDS:
        return f"{letters[0]} {letters[1:]}"
    return letters


def spelled_out(text: str) -> list[str]:
    """The readings of a text read as_read whose letters may be spelled out one by one:
    the text itself, and the text with each run of single letters joined into a word
    ("b-l-a-c-k" is "black"), once with a leading "a" or "I" taken as the word it may
    be ("a b l a c k" is also "a black"). One reading when nothing is spelled out."""
    readings = [
        text,
        SPELLED_OUT.sub(lambda m: _joined(m, keep_first_word=False), text),
        SPELLED_OUT.sub(lambda m: _joined(m, keep_first_word=True), text),
    ]
    return list(dict.fromkeys(readings))


# Two runs of letters with one space between them: the halves of a word split in two.
LETTER_RUNS = re.compile(r"([A-Za-z]+)")


def _rejoins(first: str, second: str, words: frozenset[str], kept_apart: frozenset[str]) -> bool:
    if second[0].isupper() and not first[0].isupper():
        return False  # "as Ian", "in Dian": a name after a word
    pair = f"{first} {second}".lower()
    return pair.replace(" ", "") in words and pair not in kept_apart


def split_words_joined(text: str, words: frozenset[str], kept_apart: frozenset[str]) -> str:
    """A text read as_read with each word split in two by one space joined when the two
    parts make one of `words` (lower case): "a bl ack man" reads "a black man". Not when
    the second part is a name ("as Ian") or the two parts are words of their own in
    `kept_apart` ("his panic"): the checks that look for those words say which."""
    parts = LETTER_RUNS.split(text)  # odd places hold the runs of letters
    for i in range(1, len(parts) - 2, 2):
        if parts[i + 1] == " " and _rejoins(parts[i], parts[i + 2], words, kept_apart):
            parts[i : i + 3] = ["", "", parts[i] + parts[i + 2]]
    return "".join(parts)


# Letters drawn like digits, read as digits inside a number: "3O3-555-0l99". A number is
# a word of digits and such letters with at least one digit, or one such letter alone
# between digits ("303 555 O 1 9 9"); "lol", "I", "Ohio" are no number.
DIGIT_LOOK_ALIKES = str.maketrans("OoIl", "0011")
NUMBER_WITH_LETTERS = re.compile(
    r"(?<![A-Za-z0-9])(?=[OoIl]*+[0-9])[0-9OoIl]++(?![A-Za-z0-9])"
    r"|(?<=[0-9][ .-])[OoIl](?=[ .-][0-9])"
)
# Digits in three groups or more, each apart from the next by one to three spaces, dots,
# dashes or brackets: "30 35 55 01 99", "3 0 3 5 5 5 0 1 9 9", "(303) 55 50 199". A group
# touching a letter ("10pm", "5th") ends them. Possessive runs: linear.
DIGIT_GROUPS = re.compile(
    r"(?<![0-9])[0-9]++(?![A-Za-z])(?:[ .()-]{1,3}+[0-9]++(?![A-Za-z0-9])){2,}+"
)
# A year among the groups makes them a date, and a time after it, never one number:
# "12-05-2024 10 30".
YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
NOT_DIGITS = re.compile(r"[^0-9]")


def _one_number(match: re.Match) -> str:
    groups = match.group()
    return groups if YEAR.search(groups) else NOT_DIGITS.sub("", groups)


# Digits said as words, three or more in a row: "three oh three five five five ...".
# Two ("one or two", "oh one more thing") are speech, not a number. Each word is taken
# whole and its separator possessively: linear.
DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_DIGIT_WORD = rf"(?:{'|'.join(DIGIT_WORDS)})(?![A-Za-z])"
DIGIT_WORD_RUN = re.compile(
    rf"(?<![A-Za-z]){_DIGIT_WORD}(?:[ ,.-]++{_DIGIT_WORD}){{2,}}+", re.IGNORECASE
)
DIGIT_WORD = re.compile(_DIGIT_WORD, re.IGNORECASE)


def _digits_of_words(match: re.Match) -> str:
    return " ".join(DIGIT_WORDS[word.lower()] for word in DIGIT_WORD.findall(match.group()))


def digits_joined(text: str) -> str:
    """A text read as_read as a person reads a number out, for the phone number check:
    digits said as words as digits ("five five five" is "5 5 5"), letters drawn like
    digits inside a number as those digits ("3O3" is "303"), and digits in three groups
    or more, however grouped, as one number ("call 30 35 55 01 99", "3 0 3 5 5 5 0 1 9 9"
    and "3O3-555-0l99" read "3035550199"); groups holding a year stay apart, a date and
    its time."""
    spoken = DIGIT_WORD_RUN.sub(_digits_of_words, text)
    unmasked = NUMBER_WITH_LETTERS.sub(lambda m: m.group().translate(DIGIT_LOOK_ALIKES), spoken)
    return DIGIT_GROUPS.sub(_one_number, unmasked)
