"""What people write, as others will read it.

Unicode has characters that show nothing themselves but change what the text around
them shows. A right-to-left override displays "4321 mlE teertS" as "Street Elm 1234"
while a pattern reads the characters in the order they were typed, and an override
left open runs on into the text beside it on the page. A zero-width space between
the characters of an e-mail address hides it from a pattern and not from a reader.
"""

from __future__ import annotations

import re
import unicodedata

# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they reorder
# what follows them. The marks LRM and RLM, which reorder nothing, stay for mixed scripts.
REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Zero-width space, word joiner and byte order mark: nothing to see, nothing to keep. The
# zero-width joiners stay, which emoji sequences and several scripts need.
INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


def without_hidden(text):
    """The text without what reorders or hides; anything not a text left as it is, for
    its validation to refuse."""
    return INVISIBLE.sub("", REORDERING.sub("", text)) if isinstance(text, str) else text


def as_stored(text: str) -> str:
    """The text to keep and show: without what reorders or hides, and trimmed."""
    return without_hidden(text).strip()


def as_read(text: str) -> str:
    """The text as the automatic checks should read it: compatibility forms folded
    (full-width digits are digits) and every format character out, joiners included."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")
