"""The penalty ladder: each rejection by a moderator is one step, and steps pause posting.

A first step is a warning; later ones pause posting and commenting for longer. A step
counts for a year, and a granted appeal lifts the step its rejection caused, so one
mistaken decision never follows a resident.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commonwatch.audit.services import record

from .models import Decision, Penalty

# Posting pause of each step; the last one repeats for every step after it.
PAUSES: tuple[timedelta | None, ...] = (
    None,
    timedelta(days=3),
    timedelta(days=30),
    timedelta(days=365),
)
STEPS_COUNT_FOR = timedelta(days=365)


def penalize(*, user, decision: Decision) -> Penalty:
    """The next step for the user, caused by `decision` (call inside its transaction; the
    decision's audit entry records the step)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one step at a time
    now = timezone.now()
    step = standing_steps(user, now).count() + 1
    pause = pause_of(step)
    return Penalty.objects.create(
        user=user, decision=decision, step=step, posting_until=now + pause if pause else None
    )


def pause_days(penalty: Penalty) -> int:
    """How many days the step pauses posting (0 for a warning)."""
    pause = pause_of(penalty.step)
    return pause.days if pause else 0


def pause_of(step: int) -> timedelta | None:
    """The posting pause of a step on the ladder (None: a warning)."""
    return PAUSES[min(step, len(PAUSES)) - 1]


def lift(*, decision: Decision | None) -> None:
    """Undo the step a reversed decision caused, and move the user's later steps down.

    Each later step is renumbered and its pause recomputed from when it was given, as
    if the reversed decision had never been made.
    """
    lifted = Penalty.objects.filter(decision=decision, lifted_at=None).first()
    if lifted is None:
        return
    lifted.lifted_at = timezone.now()
    lifted.save(update_fields=["lifted_at"])
    record(
        actor=None,
        action="moderation.penalty.lifted",
        target=lifted,
        data={"user": lifted.user_id, "decision": decision.pk},
    )
    for penalty in standing_steps(lifted.user).filter(created_at__gt=lifted.created_at):
        earlier = standing_steps(penalty.user, penalty.created_at).filter(
            created_at__lt=penalty.created_at
        )
        penalty.step = earlier.count() + 1
        pause = pause_of(penalty.step)
        penalty.posting_until = penalty.created_at + pause if pause else None
        penalty.save(update_fields=["step", "posting_until"])


def standing_steps(user, now: datetime | None = None):
    """The user's steps that still count: from the last year, not lifted."""
    now = now or timezone.now()
    return Penalty.objects.filter(user=user, lifted_at=None, created_at__gte=now - STEPS_COUNT_FOR)


def posting_paused_until(user) -> datetime | None:
    if not getattr(user, "is_authenticated", False):
        return None
    paused = Penalty.objects.filter(user=user, lifted_at=None, posting_until__gt=timezone.now())
    return paused.aggregate(until=Max("posting_until"))["until"]


def pause_notice(user) -> str | None:
    """What a paused resident is told, on the post form and when a post is refused."""
    until = posting_paused_until(user)
    if until is None:
        return None
    return _(
        "Your posting is paused until %(until)s after moderators turned down your recent "
        "posts. You can still read the feed, and appeal a decision from “My posts”."
    ) % {"until": date_format(timezone.localtime(until), "DATETIME_FORMAT")}
