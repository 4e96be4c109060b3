"""When an author's edit of a published post needs a moderator, and what changed.

A typo fixed in a published post is applied at once: neighbors keep seeing the post.
An edit waits for a moderator only when something calls for it: a new category (it
changes who is alerted), a change larger than a fix (a post approved for one story
must not turn into another without a look), a fix after several in a row (nor turn
into another one small fix at a time), or neighbors' open flags on the post.
The automatic text checks (checks.py) run on every edit before this and refuse
outright what no moderator could publish.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# A fix: at most this many characters changed, or this share of the published text.
TYPO_CHARS = 20
TYPO_SHARE = 0.10
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
    changed = sum(changed_chars(before, after) for before, after in pairs)
    size = sum(len(before) for before, _after in pairs)
    if changed > max(TYPO_CHARS, int(size * TYPO_SHARE)):
        reasons.append(
            _("More than a small fix: a moderator checks the new text before neighbors see it.")
        )
    return reasons


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
