"""Where the apps above community plug in, so that community never imports them.

Moderation (registered in its AppConfig.ready) says who may not post for now (its
penalty ladder), holds back edits of posts neighbors flagged, closes the appeals an
author's edit or delete makes moot, keeps a moderator's claim on an edit its author
replaced, adds its panel (the flag form) to the post page, names the rule a rejected
post broke to its author, and counts what the automatic checks stopped. Community
calls these at the points named here, inside its own transactions, and knows nothing
else of moderation. It also sets how often one may post and comment (its pace).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# Each returns a sentence saying why the user may not post now, or None.
posting_pauses: list[Callable[[object], str | None]] = []
# Each refuses (core.errors.RateLimited) one more post or comment ("post", "comment")
# from the user, sent too soon after their others; lock=True inside the transaction
# that writes it, to count with the user's row locked.
paces: list[Callable[..., None]] = []
# Each is told that a post's text was replaced (deleted=False) or the post deleted.
post_changed: list[Callable[..., None]] = []
# Each returns why an edit of this published post must wait for a moderator, or None.
edit_reviews: list[Callable[[object], str | None]] = []
# Each returns HTML (already escaped) to show under a post for this request, or "".
post_page_panels: list[Callable[[object, dict], str]] = []
# Each returns the rule the post's latest rejection cited (CitedRule, below), or None.
rejection_rules: list[Callable[[object], CitedRule | None]] = []
# Each is told which rules (codes) an automatic check stopped a text for: no text, no author.
text_stopped: list[Callable[[set[str]], None]] = []
# Each is told that an author's newer edit (id) replaced the one waiting (id).
edit_replaced: list[Callable[[int, int], None]] = []


@dataclass(frozen=True)
class CitedRule:
    """The rule a rejection cited: its name, and where the guidelines say it in full."""

    name: str
    url: str


def posting_pause(user) -> str | None:
    """Why the user may not post or comment now, or None."""
    for pause in posting_pauses:
        notice = pause(user)
        if notice:
            return notice
    return None


def require_may_post(user) -> None:
    notice = posting_pause(user)
    if notice:
        raise ValidationError(notice, code="posting_paused")


def require_pace(user, kind: str, *, lock: bool = True) -> None:
    """Refuse one more post or comment (kind) sent too soon after the user's others."""
    for pace in paces:
        pace(user, kind, lock=lock)


def edit_review_reasons(post) -> list[str]:
    """Why an edit of the post waits for a moderator, as the apps above see it."""
    return [reason for review in edit_reviews if (reason := review(post))]


def changed(post, *, deleted: bool) -> None:
    for listener in post_changed:
        listener(post, deleted=deleted)


def panels(request, card: dict) -> list[str]:
    return [html for render in post_page_panels if (html := render(request, card))]


def rule_cited(post) -> CitedRule | None:
    """The rule the post's rejection cited, as the apps above recorded it."""
    for find in rejection_rules:
        if cited := find(post):
            return cited
    return None


def stopped(rules: set[str]) -> None:
    for listener in text_stopped:
        listener(rules)


def replaced_edit(old: int, new: int) -> None:
    for listener in edit_replaced:
        listener(old, new)
