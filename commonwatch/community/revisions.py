"""When an author's edit of a published post needs a moderator, and what changed.

A typo fixed in a published post is applied at once: neighbors keep seeing the post.
An edit waits for a moderator only when something calls for it: a new category (it
changes who is alerted), a change larger than a fix (a post approved for one story
must not turn into another without a look), a person newly described by race or
origin (details or not, a moderator reads it first), a fix after several in a row
(nor turn into another one small fix at a time), or neighbors' open flags on the post.
The automatic text checks (checks.py) run on every edit before this and refuse
outright what no moderator could publish.
"""

from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .checks import race_mentions

# A fix: at most this many characters changed, over the title, the text and the photo
# descriptions together, whatever the post's size. A typo, a wrong time or street name
# is a few characters; a share of the text let a 3,900-character post take 287 new
# characters of accusation at once without a moderator (and ~1,100 over three fixes).
# Twenty characters still correct a misspelt word or two, or a time ("3pm" -> "5:30pm").
TYPO_CHARS = 20
# Fixes applied at once in a row; the next edit waits for a moderator (services).
MAX_QUICK_FIXES = 3


def changed_chars(before: str, after: str) -> int:
    """How many characters were removed or written anew between two texts."""
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    return sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def reasons_for_review(*, published: dict, edited: dict) -> list[str]:
    """Why this edit must wait for a moderator, in the author's words; empty if it may
    be applied now. Both dicts hold category, title, body and descriptions
    ({media id: text})."""
    reasons = []
    if edited["category"] != published["category"]:
        reasons.append(_("A new category is checked by a moderator first."))
    keys = set(published["descriptions"]) | set(edited["descriptions"])
    pairs = [
        (published["title"], edited["title"]),
        (published["body"], edited["body"]),
        *((published["descriptions"].get(k, ""), edited["descriptions"].get(k, "")) for k in keys),
    ]
    if sum(changed_chars(before, after) for before, after in pairs) > TYPO_CHARS:
        reasons.append(
            _("More than a small fix: a moderator checks the new text before neighbors see it.")
        )
    if _describes_someone_new(pairs):
        reasons.append(_("A person described by race or origin is checked by a moderator first."))
    return reasons


def _describes_someone_new(pairs: list[tuple[str, str]]) -> bool:
    """Whether the edit adds a description of someone by race or origin, as the checks
    read it (look-alike letters, letters spelled out): the anti-profiling check lets a
    post with details elsewhere pass, and what the fix adds was never in a moderator's
    view."""
    before = Counter(race_mentions("\n".join(before for before, _after in pairs)))
    after = Counter(race_mentions("\n".join(after for _before, after in pairs)))
    return bool(after - before)


def word_diff(before: str, after: str) -> SafeString:
    """The change as HTML, word by word: removed words in <del>, new ones in <ins>."""
    old, new = before.split(" "), after.split(" ")
    parts = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every piece is escaped above
