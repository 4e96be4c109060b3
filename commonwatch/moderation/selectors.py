"""What moderators see (the queue, oldest first; appeals), what authors see of their
standing, and the public log of moderation: counts and reasons, never people."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from commonwatch.community.hooks import CitedRule
from commonwatch.community.models import Comment, Post, PostRevision, RevisionStatus, Status
from commonwatch.community.selectors import edit_diff
from commonwatch.core import public_counts
from commonwatch.core.errors import NotFound
from commonwatch.core.policies import can, require, restrict
from commonwatch.geo.approximate import approximate_area
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import place_labels
from commonwatch.organizations.models import Kind, Membership

from . import penalties, queue, trust
from .models import Action, Appeal, AppealStatus, CheckStop, Decision, Flag, Penalty, Rule
from .policies import MODERATE, NOT_DECIDED_BY


def _moderated(user, queryset):
    """The queryset as the moderator may read it; 404 for anyone who is not one."""
    require(user, MODERATE, hidden=True)
    return restrict(queryset, user, MODERATE)


def _for_moderator(user, queryset):
    """The one row of the queryset, for a moderator; 404 for anyone else or no row."""
    found = _moderated(user, queryset).first()
    if found is None:
        raise Http404
    return found


def post_in_queue(user, post_id: int) -> Post:
    return _for_moderator(user, Post.objects.filter(pk=post_id).exclude(status=Status.DELETED))


def comment_in_queue(user, comment_id: int) -> Comment:
    """A comment moderators may decide on; one decided already is found, and the decision
    answers that it was (409), not that the comment is unknown."""
    return _for_moderator(
        user, Comment.objects.filter(pk=comment_id).exclude(status=Status.DELETED)
    )


def edit_in_queue(user, revision_id: int) -> PostRevision:
    """An author's edit of a published post; one decided or replaced already is found,
    and the decision answers that it was (409), not that the edit is unknown (a second
    moderator's click landed on an error page, their place in the queue lost)."""
    edits = PostRevision.objects.filter(pk=revision_id)
    return _for_moderator(user, edits.exclude(post__status=Status.DELETED))


def queue_item(user, kind: str, item_id: int):
    """The post, edit, comment or appeal the queue shows under this kind; 404 if none."""
    find = {
        "post": post_in_queue,
        "edit": edit_in_queue,
        "comment": comment_in_queue,
        "appeal": appeal_in_queue,
    }
    if kind not in find:
        require(user, MODERATE, hidden=True)
        raise Http404
    return find[kind](user, item_id)


def claimed_by_another(user, kind: str, item_id: int) -> dict | None:
    """Who holds a running claim on the item, if another moderator does, and until
    when: a page shows it in place of the controls the decision would refuse. Only to
    a moderator this sign-in lets act (who works on what is staff's to know)."""
    if not can(user, MODERATE):
        return None
    claim = queue.held_by_another(user, queue.key(kind, item_id))
    if claim is None:
        return None
    return {"who": claim.moderator.email, "until": queue.expires_at(claim)}


def recent_decisions(user, limit: int = 50) -> list[Decision]:
    """The latest decisions, each with what it was about: `about` is the post it
    concerns (a comment's post), for its title and page, or None once that post is
    deleted (no title is left and nobody may open it); `on_comment` says which."""
    decisions = _moderated(user, Decision.objects.select_related("post", "comment__post"))
    decisions = list(decisions[:limit])
    for decision in decisions:
        post = decision.post or decision.comment.post
        decision.on_comment = decision.comment_id is not None
        decision.about = None if post.status == Status.DELETED else post
    return decisions


def open_appeals(user, limit: int = 100):
    return (
        _moderated(user, Appeal.objects.filter(status=AppealStatus.OPEN))
        .select_related("rejection__post", "rejection__comment__post")
        .order_by("created_at")[:limit]
    )


def appeal_in_queue(user, appeal_id: int) -> Appeal:
    """An appeal moderators may see; deciding one already decided answers 409."""
    return _for_moderator(user, Appeal.objects.filter(pk=appeal_id))


QUEUE_PAGE = 10
QUEUE_KINDS = ("post", "edit", "comment", "appeal")
# "Waiting longer than": the age filter's choices.
QUEUE_AGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "3d": timedelta(days=3)}
NEIGHBOR_COMMENTS = 2
EARLIER_DECISIONS = 5


@dataclass
class QueueFilters:
    """What the moderator narrowed the queue to: kind, how long waiting, how flagged."""

    kind: str = ""
    age: str = ""
    flags: int = 0

    @classmethod
    def from_query(cls, query) -> QueueFilters:
        kind = query.get("kind", "")
        age = query.get("age", "")
        try:
            flags = max(0, min(int(query.get("flags") or 0), 100))
        except ValueError:
            flags = 0
        return cls(kind if kind in QUEUE_KINDS else "", age if age in QUEUE_AGES else "", flags)

    @property
    def narrowed(self) -> bool:
        return bool(self.kind or self.age or self.flags)

    def wants(self, kind: str) -> bool:
        if self.flags and kind not in ("post", "edit"):
            return False  # only posts carry flags (an edit: those of its post)
        return not self.kind or self.kind == kind


@dataclass
class AuthorStanding:
    """What a moderator reads of an author: no name, only how they stand."""

    joined: datetime
    established: bool
    steps: int
    paused_until: datetime | None
    earlier: list[Decision]
    # Their edits of published posts a moderator applied or turned down, latest first.
    earlier_edits: list[PostRevision] = field(default_factory=list)


@dataclass
class QueueItem:
    kind: str
    waiting_since: datetime
    obj: object
    claim_key: str
    claim: object = None
    flags: list[Flag] = field(default_factory=list)
    author: AuthorStanding | None = None
    post: Post | None = None
    before: list[Comment] = field(default_factory=list)
    after: list[Comment] = field(default_factory=list)
    established_flags: int = 0
    rejected_by_me: bool = False
    written_by_me: bool = False  # the moderator's own post, comment, edit or appeal
    # Another moderator's claim runs on it: shown with who and until when, and no
    # decision form (the decision would be refused).
    claimed_by_another: bool = False
    edit: dict | None = None  # an edit's word diff against the published text
    next_anchor: str = ""  # the item to bring into view once this one is decided
    place_label: str | None = None  # the name of the post's public cell, once it has one
    # A decision on it just refused: the reasons and what the moderator typed (views).
    refused: dict | None = None
    # Earlier decisions on this very post or comment, latest first (its own history).
    history: list[Decision] = field(default_factory=list)

    @property
    def for_another(self) -> bool:
        """Only another moderator may decide it: the queue lists these last."""
        return self.rejected_by_me or self.written_by_me

    @property
    def anchor(self) -> str:
        return "item-" + self.claim_key.replace(":", "-")

    @property
    def cell(self) -> str:
        """The post's H3 cell in its usual hexadecimal form."""
        return format(self.post.cell, "x") if self.post else ""

    @property
    def area(self) -> str:
        """The ~100 m hexagon of the post's public point, as JSON corners for its map:
        the same area its page draws, never the exact point."""
        return json.dumps(approximate_area(self.post.lat, self.post.lng)) if self.post else ""

    @property
    def claim_expires(self):
        return queue.expires_at(self.claim) if self.claim else None


@dataclass
class QueuePage:
    items: list[QueueItem]
    page: object
    counts: dict[str, int]
    lone_moderator: bool


def _queued_posts(filters: QueueFilters):
    """Pending posts and published ones with open flags, each with when it started waiting:
    its first open flag, else its last change (a new post, an edit)."""
    first_flag = Flag.objects.filter(post=OuterRef("pk"), resolved=False).order_by("created_at")
    posts = (
        Post.objects.filter(
            Q(status=Status.PENDING) | Q(status=Status.PUBLISHED, flags__resolved=False)
        )
        .distinct()
        .annotate(
            open_flags=Count("flags", filter=Q(flags__resolved=False), distinct=True),
            waiting_since=Coalesce(Subquery(first_flag.values("created_at")[:1]), "updated_at"),
        )
    )
    if filters.flags:
        posts = posts.filter(open_flags__gte=filters.flags)
    return posts


def _queued_edits(filters: QueueFilters):
    """Authors' edits of published posts waiting for a moderator (the published text
    stays up meanwhile); with the flags filter, those of posts flagged that often."""
    edits = PostRevision.objects.filter(status=RevisionStatus.PENDING).exclude(
        post__status=Status.DELETED
    )
    if filters.flags:
        edits = edits.annotate(
            open_flags=Count("post__flags", filter=Q(post__flags__resolved=False), distinct=True)
        ).filter(open_flags__gte=filters.flags)
    return edits


def _queued(filters: QueueFilters) -> dict:
    """What waits, per kind, before the age filter and the moderator's scope."""
    return {
        "post": _queued_posts(filters),
        "edit": _queued_edits(filters),
        "comment": Comment.objects.filter(status=Status.PENDING),
        "appeal": Appeal.objects.filter(status=AppealStatus.OPEN),
    }


def _queue_totals(user) -> dict[str, int]:
    """How many items of each kind wait in the whole queue, whatever the filters keep:
    the summary tells a moderator where work waits, not what this view shows."""
    return {
        kind: _moderated(user, queryset).count()
        for kind, queryset in _queued(QueueFilters()).items()
    }


def _queue_keys(user, filters: QueueFilters, now) -> list[tuple]:
    """(not theirs to decide, waiting since, kind, pk) of every item the filters keep:
    small rows, sorted so what the moderator can decide comes first, oldest first; the
    items only another moderator may decide (their own, appeals of their rejections)
    follow, so a queue never opens on a page of things they cannot act on."""
    cutoff = now - QUEUE_AGES[filters.age] if filters.age else None
    rows = []
    for kind, queryset in _queued(filters).items():
        if not filters.wants(kind):
            continue
        since = "waiting_since" if kind == "post" else "created_at"
        queryset = _moderated(user, queryset)
        if cutoff:
            queryset = queryset.filter(**{f"{since}__lte": cutoff})
        for pk, waiting, *people in queryset.values_list("pk", since, *NOT_DECIDED_BY[kind]):
            rows.append((user.pk in people, waiting, kind, pk))
    # Between items that started waiting at the same instant, a fixed order.
    return sorted(rows)


def moderation_queue(user, filters: QueueFilters, page_number, *, exact: bool = False) -> QueuePage:
    """One page of the queue, oldest first (what the moderator may decide before what
    only another may), each item with what a moderator needs to
    decide it: flags with reasons and notes, the author's standing, the thread; and
    the whole queue's count per kind, which the filters do not narrow.

    A page past the last is the last one (a moderator back on a page their decision
    emptied), or with `exact` NotFound, naming how many there are (a script reading
    pages until the end must see it).
    """
    now = timezone.now()
    rows = _queue_keys(user, filters, now)
    if filters.narrowed:
        counts = _queue_totals(user)
    else:  # the rows are the whole queue: no need to count again
        counts = {kind: sum(1 for row in rows if row[2] == kind) for kind in QUEUE_KINDS}
    paginator = Paginator(rows, QUEUE_PAGE)
    if exact and page_number > paginator.num_pages:
        raise NotFound(_past_the_last_page(page_number, paginator.num_pages))
    page = paginator.get_page(page_number)
    items = [_item(user, kind, pk, since) for _theirs, since, kind, pk in page.object_list]
    items = [item for item in items if item is not None]
    claims = queue.live_claims([item.claim_key for item in items], now)
    # The first item of the next page moves up onto this one once an item here is decided.
    coming_up = [f"item-{kind}-{pk}" for *_, kind, pk in rows[page.end_index() :][:1]]
    anchors = [item.anchor for item in items] + coming_up
    places = place_labels(place_cell(item.post.lat, item.post.lng) for item in items if item.post)
    for i, item in enumerate(items):
        item.claim = claims.get(item.claim_key)
        item.claimed_by_another = item.claim is not None and item.claim.moderator_id != user.pk
        item.written_by_me = _author_id(item) == user.pk
        if item.post:
            item.place_label = places.get(place_cell(item.post.lat, item.post.lng))
        item.next_anchor = _next_anchor(anchors, i)
    return QueuePage(items, page, counts, lone_moderator=moderators_count() < 2)


def _next_anchor(anchors: list[str], i: int) -> str:
    """The item to bring into view once the i-th is decided: the one after it (on the
    last item of a page, the next page's first, which moves up), else the one before."""
    following = i + 1 if i + 1 < len(anchors) else i - 1
    return anchors[following] if following >= 0 else ""


def _past_the_last_page(number: int, pages: int) -> str:
    return ngettext(
        "Page %(number)s is past the last one: the queue has %(pages)s page.",
        "Page %(number)s is past the last one: the queue has %(pages)s pages.",
        pages,
    ) % {"number": number, "pages": pages}


def _author_id(item: QueueItem) -> int:
    """Who wrote what the item asks to decide (an edit: its post's author)."""
    obj = item.obj
    return obj.post.author_id if isinstance(obj, PostRevision) else obj.author_id


def moderators_count() -> int:
    """How many people can decide: appeals need a second one."""
    members = Membership.objects.filter(revoked_at=None, organization__kind=Kind.MODERATION)
    return members.values("user").distinct().count()


def _item(user, kind: str, pk: int, since) -> QueueItem | None:
    if kind == "post":
        post = (
            Post.objects.filter(pk=pk)
            .annotate(open_flags=Count("flags", filter=Q(flags__resolved=False)))
            .prefetch_related("media__media_file")
            .first()
        )
        if post is None:
            return None
        flags = list(post.flags.filter(resolved=False).order_by("created_at"))
        return QueueItem(
            kind,
            since,
            post,
            queue.key("post", pk),
            flags=flags,
            author=author_standing(post.author, exclude_post=post.pk),
            post=post,
            established_flags=trust.established_flaggers(post) if flags else 0,
            history=item_history(post=post),
        )
    if kind == "edit":
        return _edit_item(pk, since)
    if kind == "comment":
        comment = Comment.objects.select_related("post", "author").filter(pk=pk).first()
        if comment is None:
            return None
        before, after = thread_around(comment)
        return QueueItem(
            kind,
            since,
            comment,
            queue.key("comment", pk),
            author=author_standing(comment.author, exclude_comment=comment.pk),
            post=comment.post,
            before=before,
            after=after,
            history=item_history(comment=comment),
        )
    appeal = (
        Appeal.objects.select_related("rejection__post", "rejection__comment__post", "author")
        .filter(pk=pk)
        .first()
    )
    if appeal is None:
        return None
    rejection = appeal.rejection
    # An appeal of a comment is read in its thread, as the comment was.
    before, after = thread_around(rejection.comment) if rejection.comment else ([], [])
    return QueueItem(
        kind,
        since,
        appeal,
        queue.key("appeal", pk),
        author=author_standing(appeal.author),
        post=rejection.post or rejection.comment.post,
        before=before,
        after=after,
        rejected_by_me=rejection.moderator_id == user.pk,
    )


def _edit_item(pk: int, since) -> QueueItem | None:
    """An edit beside the published text, with the flags on its post and its author."""
    revision = PostRevision.objects.select_related("post__author").filter(pk=pk).first()
    if revision is None:
        return None
    post = revision.post
    flags = list(post.flags.filter(resolved=False).order_by("created_at"))
    return QueueItem(
        "edit",
        since,
        revision,
        queue.key("edit", pk),
        flags=flags,
        author=author_standing(post.author, exclude_edit=pk),
        post=post,
        established_flags=trust.established_flaggers(post) if flags else 0,
        edit=edit_diff(revision),
    )


def item_history(*, post=None, comment=None) -> list[Decision]:
    """What moderators decided on this post or comment before, with their reasons: a
    post back after an appeal asked for an edit shows the rejection and the changes
    asked, so whoever reviews the new text can tell whether it makes them (the
    author's standing leaves this item out, and the queue showed nothing of it)."""
    decisions = (
        Decision.objects.filter(post=post) if post else Decision.objects.filter(comment=comment)
    )
    return list(decisions.order_by("-created_at", "-pk")[:EARLIER_DECISIONS])


def thread_around(comment: Comment) -> tuple[list[Comment], list[Comment]]:
    """The published comments just before and just after one, oldest first."""
    published = Comment.objects.filter(post=comment.post_id, status=Status.PUBLISHED)
    before = published.filter(created_at__lt=comment.created_at).order_by("-created_at")
    after = published.filter(created_at__gt=comment.created_at).order_by("created_at")
    return list(reversed(before[:NEIGHBOR_COMMENTS])), list(after[:NEIGHBOR_COMMENTS])


def author_standing(
    author, *, exclude_post=None, exclude_comment=None, exclude_edit=None
) -> AuthorStanding:
    """Account age, standing on the ladder and the latest decisions on their content,
    their edits' included (a fix applied at once had no moderator: not listed)."""
    earlier = Decision.objects.filter(Q(post__author=author) | Q(comment__author=author))
    if exclude_post:
        earlier = earlier.exclude(post=exclude_post)
    if exclude_comment:
        earlier = earlier.exclude(comment=exclude_comment)
    return AuthorStanding(
        joined=author.date_joined,
        established=trust.is_established(author),
        steps=penalties.standing_steps(author).count(),
        paused_until=penalties.posting_paused_until(author),
        earlier=list(earlier.order_by("-created_at")[:EARLIER_DECISIONS]),
        earlier_edits=_reviewed_edits(author, exclude_edit),
    )


def _reviewed_edits(author, exclude_edit=None) -> list[PostRevision]:
    """The author's edits a moderator decided: turned down, or applied after review."""
    reviewed = PostRevision.objects.filter(post__author=author).filter(
        Q(status=RevisionStatus.REJECTED) | Q(status=RevisionStatus.APPLIED) & ~Q(reasons=[])
    )
    if exclude_edit:
        reviewed = reviewed.exclude(pk=exclude_edit)
    return list(reviewed.order_by("-decided_at", "-pk")[:EARLIER_DECISIONS])


def _with_appeal_state(items, target: str):
    """The posts (target="post") or comments with the status and answer of the appeal
    against the latest rejection of each, while that appeal still says where the item
    stands: sent, denied or answered by asking for an edit while it is rejected, granted
    while it is published. A post its author edited and sent back to review (or taken
    down again since) reads as what it is now, not as an old appeal's outcome; the
    appeal stays in its decisions, which moderators read."""
    latest = Decision.objects.filter(**{target: OuterRef("pk")}, action=Action.REJECT).order_by(
        "-created_at", "-pk"
    )
    items = items.annotate(
        latest_appeal_status=Subquery(latest.values("appeal__status")[:1]),
        latest_appeal_answer=Subquery(latest.values("appeal__answer")[:1]),
    )
    # A rejected item's latest rejection is the one it is rejected by: never granted.
    granted = Q(status=Status.PUBLISHED, latest_appeal_status=AppealStatus.GRANTED)
    current = Q(status=Status.REJECTED) | granted
    return items.annotate(
        appeal_status=Case(When(current, then=F("latest_appeal_status")), default=None),
        appeal_answer=Case(When(current, then=F("latest_appeal_answer")), default=None),
    )


def cited_rule(post: Post) -> CitedRule | None:
    """community.hooks: the rule the post's latest rejection cited, with its words in
    the guidelines; to its author, as the rejection's notice and "My posts" name it."""
    latest = (
        Decision.objects.filter(post=post, action=Action.REJECT)
        .exclude(rule="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None:
        return None
    url = f"{reverse('web:guidelines')}#rule-{latest.rule}"
    return CitedRule(name=latest.get_rule_display(), url=url)


def flag_by(user, post_id: int) -> Flag | None:
    """The user's own flag on a post, if they flagged it (one each: they cannot again)."""
    if not user.is_authenticated:
        return None
    return Flag.objects.filter(post_id=post_id, user=user).first()


def posts_by(user):
    """The author's own posts, newest first, with the state of any appeal."""
    posts = Post.objects.filter(author=user).exclude(status=Status.DELETED)
    return _with_appeal_state(posts, "post").order_by("-created_at")


def rejected_comments_by(user):
    """The author's turned-down comments, with the reason and any appeal."""
    comments = Comment.objects.filter(author=user, status=Status.REJECTED).select_related("post")
    return _with_appeal_state(comments, "comment").order_by("-created_at")


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
    """One month's counts; in the public log None stands for 1 or 2 (public_counts)."""

    month: date
    published: int | None = 0
    rejected: int | None = 0
    sent_back_by_flags: int | None = 0
    flags: int | None = 0
    appeals: int | None = 0
    granted: int | None = 0  # published as it was
    granted_edit_asked: int | None = 0  # granted, the post back with its author for an edit
    denied: int | None = 0
    warnings: int | None = 0
    pauses: int | None = 0


@dataclass
class RuleCount:
    rule: str
    label: str
    rejections: int | None
    flags: int | None


@dataclass
class StoppedCount:
    """Texts the automatic checks stopped under one rule over the whole log: `count` is
    None when under STOPS_SHOWN_FROM (shown as "fewer than")."""

    rule: str
    label: str
    count: int | None


# Fewer stops than this under one rule over the log's year are shown as "fewer than":
# a count of one or two, next to a post neighbors saw disappear, would point at a person.
STOPS_SHOWN_FROM = 5


@dataclass
class ModerationLog:
    months: list[LogMonth]
    rules: list[RuleCount]
    since: date
    stopped: list[StoppedCount] = field(default_factory=list)
    stops_shown_from: int = STOPS_SHOWN_FROM
    counts_shown_from: int = public_counts.SMALLEST_SHOWN
    # When it was counted: the public log is recounted every LOG_CACHE_SECONDS, so a
    # decision just made may not be in it yet, and the page says so. Not part of what
    # the log says (two counts of the same past are the same log).
    counted_at: datetime | None = field(default=None, compare=False)
    recounted_every_minutes: int = LOG_CACHE_SECONDS // 60


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
            granted_edit_asked=Q(action=Action.REQUEST_CHANGES),
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
        stopped=_stopped_by_rule(since),
        months=[by_month[m] for m in sorted(by_month, reverse=True)],
        rules=[
            RuleCount(code, str(label), rejections.get(code, 0), flags.get(code, 0))
            for code, label in Rule.choices
        ],
        since=since,
        counted_at=timezone.now(),
    )


def _stopped_by_rule(since: date) -> list[StoppedCount]:
    """Per rule, over the log's months together: counts only, small ones withheld."""
    totals = dict(
        CheckStop.objects.filter(month__gte=since).values_list("rule").annotate(n=Sum("count"))
    )
    rows = []
    for code, label in Rule.choices:
        total = totals.get(code) or 0
        if total:
            rows.append(
                StoppedCount(code, str(label), total if total >= STOPS_SHOWN_FROM else None)
            )
    return rows


def public_moderation_log() -> ModerationLog:
    """The log as visitors read it: from the cache, recounted every LOG_CACHE_SECONDS,
    with each count of 1 or 2 withheld (None: "fewer than 3")."""
    # One public document, whoever asks: its months are the site's, not the reader's.
    with timezone.override(None):
        key = f"moderation-log:{timezone.localdate():%Y-%m}:public"
        return cache.get_or_set(key, lambda: _withheld(moderation_log()), LOG_CACHE_SECONDS)


def _withheld(log: ModerationLog) -> ModerationLog:
    for row in [*log.months, *log.rules]:
        for name, value in vars(row).items():
            if isinstance(value, int):
                setattr(row, name, public_counts.shown(value))
    return log
