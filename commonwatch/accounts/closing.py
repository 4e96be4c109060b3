"""Closing an account: it is anonymised, never cascaded away.

The row stays as a tombstone with no e-mail, password, home, tokens or second factors,
so what names it (moderation decisions, penalties, the audit trail, other people's
replies in its threads) keeps its past. The person chooses what happens to what they
wrote: removed, or kept as "a former neighbor". Each app above accounts registers
what closing means for its own data in ``closing_steps`` (from its AppConfig.ready);
every step runs inside the one transaction of the closing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class WhatTheyWrote(models.TextChoices):
    REMOVE = "remove", _("Remove my posts and comments")
    KEEP = "keep", _("Keep them, signed “a former neighbor”")


# Each is called as step(user, what_they_wrote) inside the closing's transaction.
closing_steps: list[Callable[[object, str], None]] = []
# Each returns a line for the deletion page saying what closing does there ("" for none).
closing_summaries: list[Callable[[object], str]] = []


def run_closing_steps(user, what_they_wrote: str) -> None:
    for step in closing_steps:
        step(user, what_they_wrote)


def summaries(user) -> list[str]:
    return [line for summarize in closing_summaries if (line := summarize(user))]
