"""How often one account may send new posts, comments and flags: a pace, not a pause.

Every post, comment and flag lands in the moderators' queue, so an account that sends
them as fast as a script can buries the queue (a new account sent 20 posts in 0.3 s
and 40 comments in 0.8 s, every one accepted). Each kind has a per-hour allowance,
smaller for new accounts than for established ones (trust.established_accounts, the
same test that decides whose flags may hide a post); docs/moderation.md gives the
figures and why a real neighbor never reaches them.

The allowance is counted from the account's own rows of the last hour in the
database: exact whichever app server answers, and nothing to lose on a restart. The
check that counts runs inside the transaction that writes the new row, with the
account's row locked, so parallel requests are counted one after the other and a
burst cannot go past the allowance (SQLite's write transactions are serialized
already). Moderators post as the residents they are, at the same pace: nobody is
exempt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.community.models import Comment, Post
from commonwatch.core.errors import RateLimited
from commonwatch.core.time_zone import in_reader_zone

from . import trust
from .models import Flag

WINDOW = timedelta(hours=1)

POST, COMMENT, FLAG = "post", "comment", "flag"


@dataclass(frozen=True)
class Pace:
    """How many a new and an established account may send in an hour (WINDOW)."""

    new: int
    established: int


PACES = {
    POST: Pace(new=3, established=10),
    COMMENT: Pace(new=10, established=60),
    FLAG: Pace(new=10, established=30),
}


def _sent_by(user, kind: str):
    """The account's own rows of that kind, whatever became of them since: a post
    deleted or turned down was still one more item for the moderators."""
    if kind == POST:
        return Post.objects.filter(author=user)
    if kind == COMMENT:
        return Comment.objects.filter(author=user)
    if kind == FLAG:
        return Flag.objects.filter(user=user)
    raise ValueError(f"no pace for {kind!r}")


def require_pace(user, kind: str, *, lock: bool = True) -> None:
    """Refuse (RateLimited) one more `kind` ("post", "comment", "flag") from `user` if
    they have sent their allowance within the last hour.

    With `lock` (the default) it must run inside the transaction that writes the new
    row: the account's row is locked until that transaction ends, so a second request
    of the same account counts after the first one's row is written. Without it, it is
    a cheap early answer before work that the locked check would throw away (storing
    uploads); the locked check still decides.
    """
    if lock:
        # NO KEY: a row that merely references the account (a new post or comment
        # anywhere, holding KEY SHARE on it) neither waits for this lock nor blocks it;
        # only other paces (and penalties' FOR UPDATE) wait. SQLite ignores it.
        get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    pace = PACES[kind]
    now = timezone.now()
    recent = list(
        _sent_by(user, kind)
        .filter(created_at__gt=now - WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: max(pace.new, pace.established)]
    )
    if len(recent) < min(pace.new, pace.established):
        return  # the usual case: one query, and nobody asks who is established
    established = trust.is_established(user)
    allowed = pace.established if established else pace.new
    if len(recent) < allowed:
        return
    # The oldest of the last `allowed` leaves the hour first: one more is possible then.
    retry_at = _next_minute(recent[allowed - 1] + WINDOW)
    raise RateLimited(
        _refusal(kind, allowed, established, when=in_reader_zone(retry_at, "TIME_FORMAT")),
        retry_at=retry_at,
        code=f"{kind}_pace",
    )


def _next_minute(moment: datetime) -> datetime:
    """Up to the next whole minute, so the time the reader is told is never too early."""
    seconds = moment.second + moment.microsecond / 1_000_000
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=math.ceil(seconds / 60))


def _refusal(kind: str, allowed: int, established: bool, *, when: str) -> str:
    """The two sentences a refused sender reads: the allowance, and when they may again."""
    if kind == POST:
        limit = (
            _("You can send %(n)d posts an hour, and you have.")
            if established
            else _("New accounts can send %(n)d posts an hour, and you have.")
        )
        then = _("You can post again at %(when)s.")
    elif kind == COMMENT:
        limit = (
            _("You can send %(n)d comments an hour, and you have.")
            if established
            else _("New accounts can send %(n)d comments an hour, and you have.")
        )
        then = _("You can comment again at %(when)s.")
    else:
        limit = (
            _("You can flag %(n)d posts an hour, and you have.")
            if established
            else _("New accounts can flag %(n)d posts an hour, and you have.")
        )
        then = _("You can flag again at %(when)s.")
    return f"{limit % {'n': allowed}} {then % {'when': when}}"
