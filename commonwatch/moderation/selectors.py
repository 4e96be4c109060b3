"""What moderators see (the queue, oldest first; appeals), what authors see of their
standing, and the public log of moderation: counts and reasons, never people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from commonwatch.community.models import Comment, Post, Status
from commonwatch.core.policies import require, restrict

from . import penalties
from .models import Action, Appeal, AppealStatus, Decision, Flag, Penalty, Rule
from .policies import MODERATE


def _moderated(user, queryset):
    """The queryset as the moderator may read it; 404 for anyone who is not one."""
    require(user, MODERATE, hidden=True)
    return restrict(queryset, user, MODERATE)


def pending_posts(user, limit: int = 100):
    return (
        _moderated(user, Post.objects.filter(status=Status.PENDING))
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))
        .prefetch_related("media__media_file")
        .order_by("created_at")[:limit]
    )


def pending_comments(user, limit: int = 100):
    return (
        _moderated(user, Comment.objects.filter(status=Status.PENDING))
        .select_related("post")
        .order_by("created_at")[:limit]
    )


def _for_moderator(user, queryset):
    """The one row of the queryset, for a moderator; 404 for anyone else or no row."""
    found = _moderated(user, queryset).first()
    if found is None:
        raise Http404
    return found


def post_in_queue(user, post_id: int) -> Post:
    return _for_moderator(user, Post.objects.filter(pk=post_id).exclude(status=Status.DELETED))


def comment_in_queue(user, comment_id: int) -> Comment:
    return _for_moderator(user, Comment.objects.filter(pk=comment_id, status=Status.PENDING))


def recent_decisions(user, limit: int = 50):
    return _moderated(user, Decision.objects.select_related("post", "comment"))[:limit]


def open_appeals(user, limit: int = 100):
    return (
        _moderated(user, Appeal.objects.filter(status=AppealStatus.OPEN))
        .select_related("rejection__post", "rejection__comment__post")
        .order_by("created_at")[:limit]
    )


def appeal_in_queue(user, appeal_id: int) -> Appeal:
    return _for_moderator(user, Appeal.objects.filter(pk=appeal_id, status=AppealStatus.OPEN))


def appeal_state(target: str) -> dict:
    """Annotations with the status and answer of the appeal against the latest rejection
    of each post (target="post") or comment, if there is one."""
    latest = Decision.objects.filter(**{target: OuterRef("pk")}, action=Action.REJECT).order_by(
        "-created_at", "-pk"
    )
    return {
        "appeal_status": Subquery(latest.values("appeal__status")[:1]),
        "appeal_answer": Subquery(latest.values("appeal__answer")[:1]),
    }


def posts_by(user):
    """The author's own posts, newest first, with the state of any appeal."""
    return (
        Post.objects.filter(author=user)
        .exclude(status=Status.DELETED)
        .annotate(**appeal_state("post"))
        .order_by("-created_at")
    )


def rejected_comments_by(user):
    """The author's turned-down comments, with the reason and any appeal."""
    return (
        Comment.objects.filter(author=user, status=Status.REJECTED)
        .select_related("post")
        .annotate(**appeal_state("comment"))
        .order_by("-created_at")
    )


@dataclass
class Standing:
    """Where a resident stands on the penalty ladder."""

    paused_until: datetime | None
    steps: list[Penalty] = field(default_factory=list)


def standing_of(user) -> Standing:
    steps = penalties.standing_steps(user).select_related(
        "decision__post", "decision__comment__post"
    )
    steps = steps.order_by("-created_at")
    return Standing(penalties.posting_paused_until(user), list(steps))


LOG_MONTHS = 12
# Anyone may open the log and each count reads a year of rows, so it is recounted at
# most this often.
LOG_CACHE_SECONDS = 600


@dataclass
class LogMonth:
    month: date
    published: int = 0
    rejected: int = 0
    sent_back_by_flags: int = 0
    flags: int = 0
    appeals: int = 0
    granted: int = 0
    denied: int = 0
    warnings: int = 0
    pauses: int = 0


@dataclass
class RuleCount:
    rule: str
    label: str
    rejections: int
    flags: int


@dataclass
class ModerationLog:
    months: list[LogMonth]
    rules: list[RuleCount]
    since: date


def _by_month(queryset, time_field: str, **counts) -> dict[date, dict[str, int]]:
    rows = (
        queryset.annotate(month=TruncMonth(time_field))
        .values("month")
        .annotate(**{name: Count("pk", filter=condition) for name, condition in counts.items()})
    )
    return {_as_date(row.pop("month")): row for row in rows}


def _as_date(month: date | datetime) -> date:
    return month.date() if isinstance(month, datetime) else month


def moderation_log(months: int = LOG_MONTHS) -> ModerationLog:
    """Counts per month of what moderation did, and which rules it cited: public.

    Holds no text and no person: the reasons a moderator writes are for the author.
    Its past never changes: a post counts in the month it was first published, whatever
    happened to it (or its author's account) since.
    """
    today = timezone.localdate()
    first = today.year * 12 + today.month - 1 - (months - 1)
    since = date(first // 12, first % 12 + 1, 1)
    start = timezone.make_aware(datetime(since.year, since.month, 1))
    everything = Q(pk__isnull=False)
    decisions = Decision.objects.filter(created_at__gte=start)
    tables = [
        _by_month(
            Post.objects.filter(published_at__gte=start),
            "published_at",
            published=everything,
        ),
        _by_month(
            decisions,
            "created_at",
            rejected=Q(action=Action.REJECT),
            sent_back_by_flags=Q(action=Action.REQUEUE, moderator_name=""),
            granted=Q(action=Action.GRANT_APPEAL),
            denied=Q(action=Action.DENY_APPEAL),
        ),
        _by_month(Flag.objects.filter(created_at__gte=start), "created_at", flags=everything),
        _by_month(Appeal.objects.filter(created_at__gte=start), "created_at", appeals=everything),
        _by_month(
            Penalty.objects.filter(created_at__gte=start),
            "created_at",
            warnings=Q(posting_until__isnull=True),
            pauses=Q(posting_until__isnull=False),
        ),
    ]
    by_month: dict[date, LogMonth] = {}
    for table in tables:
        for month, counts in table.items():
            row = by_month.setdefault(month, LogMonth(month))
            for name, value in counts.items():
                setattr(row, name, value)
    rejections = dict(
        decisions.filter(action=Action.REJECT).values_list("rule").annotate(n=Count("pk"))
    )
    flags = dict(
        Flag.objects.filter(created_at__gte=start).values_list("reason").annotate(n=Count("pk"))
    )
    return ModerationLog(
        months=[by_month[m] for m in sorted(by_month, reverse=True)],
        rules=[
            RuleCount(code, str(label), rejections.get(code, 0), flags.get(code, 0))
            for code, label in Rule.choices
        ],
        since=since,
    )


def public_moderation_log() -> ModerationLog:
    """The log as visitors read it: from the cache, recounted every LOG_CACHE_SECONDS."""
    key = f"moderation-log:{timezone.localdate():%Y-%m}"
    return cache.get_or_set(key, moderation_log, LOG_CACHE_SECONDS)
