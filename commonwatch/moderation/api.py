"""/api/v1/moderation: the queue, decisions and appeals for moderators; appeals for
authors; the public moderation log for everyone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from commonwatch.accounts.access import EVERYONE, api_access, needs
from commonwatch.community import selectors as community_selectors
from commonwatch.community.policies import WRITE
from commonwatch.core.schemas import answers, text

from . import policies, selectors, services
from .models import Rule
from .services import MAX_REASON_CHARS

router = Router(tags=["moderation"])
MODERATE = api_access(needs(policies.MODERATE))
AUTHOR = api_access(needs(WRITE))
OPEN = api_access(EVERYONE)


class QueuedPost(Schema):
    id: int
    category: str
    title: str
    body: str
    created_at: datetime
    open_flags: int


class QueuedComment(Schema):
    id: int
    post_id: int
    body: str
    created_at: datetime


class QueuedAppeal(Schema):
    id: int
    post_id: int | None
    comment_id: int | None
    rule: str
    reason: str
    statement: str
    created_at: datetime

    @staticmethod
    def resolve_post_id(appeal) -> int | None:
        return appeal.rejection.post_id

    @staticmethod
    def resolve_comment_id(appeal) -> int | None:
        return appeal.rejection.comment_id

    @staticmethod
    def resolve_rule(appeal) -> str:
        return appeal.rejection.rule

    @staticmethod
    def resolve_reason(appeal) -> str:
        return appeal.rejection.reason


class QueueOut(Schema):
    posts: list[QueuedPost]
    comments: list[QueuedComment]
    appeals: list[QueuedAppeal]


Reason = text(max_length=MAX_REASON_CHARS)
Explanation = text(min_length=1, max_length=MAX_REASON_CHARS)
Statement = text(min_length=1, max_length=1000)


class Approval(Schema):
    action: Literal["approve"]
    reason: Reason = ""


class Rejection(Schema):
    """A rejection names the rule broken and tells the author why."""

    action: Literal["reject"]
    rule: Rule
    reason: Explanation


DecisionIn = Annotated[Approval | Rejection, Field(discriminator="action")]


class PostAppeal(Schema):
    model_config = ConfigDict(extra="forbid")
    post_id: int
    statement: Statement


class CommentAppeal(Schema):
    model_config = ConfigDict(extra="forbid")
    comment_id: int
    statement: Statement


class AppealOut(Schema):
    id: int
    status: str
    answer: str


class AppealDecisionIn(Schema):
    action: Literal["grant", "deny"]
    answer: Explanation


class LogMonthOut(Schema):
    month: date
    published: int
    rejected: int
    sent_back_by_flags: int
    flags: int
    appeals: int
    granted: int
    denied: int
    warnings: int
    pauses: int


class RuleCountOut(Schema):
    rule: str
    label: str
    rejections: int
    flags: int


class LogOut(Schema):
    since: date
    months: list[LogMonthOut]
    rules: list[RuleCountOut]


class DecisionOut(Schema):
    id: int
    status: str


@router.get("/moderation/queue", response=answers({200: QueueOut}), auth=MODERATE)
def queue(request):
    """What waits for a decision, oldest first: posts (with open flags), comments, appeals."""
    return {
        "posts": list(selectors.pending_posts(request.auth)),
        "comments": list(selectors.pending_comments(request.auth)),
        "appeals": list(selectors.open_appeals(request.auth)),
    }


@router.post(
    "/moderation/posts/{post_id}/decision", response=answers({200: DecisionOut}), auth=MODERATE
)
def decide_post(request, post_id: int, payload: DecisionIn):
    """Approve (publish) or reject a waiting post; a rejection cites a rule and a reason."""
    post = selectors.post_in_queue(request.auth, post_id)
    if isinstance(payload, Approval):
        post = services.approve_post(moderator=request.auth, post=post, reason=payload.reason)
    else:
        post = services.reject_post(
            moderator=request.auth, post=post, reason=payload.reason, rule=payload.rule
        )
    return {"id": post.pk, "status": post.status}


@router.post(
    "/moderation/comments/{comment_id}/decision",
    response=answers({200: DecisionOut}),
    auth=MODERATE,
)
def decide_comment(request, comment_id: int, payload: DecisionIn):
    """Approve or reject a waiting comment, as for posts."""
    comment = selectors.comment_in_queue(request.auth, comment_id)
    if isinstance(payload, Approval):
        comment = services.approve_comment(
            moderator=request.auth, comment=comment, reason=payload.reason
        )
    else:
        comment = services.reject_comment(
            moderator=request.auth, comment=comment, reason=payload.reason, rule=payload.rule
        )
    return {"id": comment.pk, "status": comment.status}


@router.post(
    "/moderation/appeals/{appeal_id}/decision", response=answers({200: AppealOut}), auth=MODERATE
)
def decide_appeal(request, appeal_id: int, payload: AppealDecisionIn):
    """Grant (the post or comment is published, the author's penalty step lifted) or deny."""
    appeal = selectors.appeal_in_queue(request.auth, appeal_id)
    return services.decide_appeal(
        moderator=request.auth,
        appeal=appeal,
        grant=payload.action == "grant",
        answer=payload.answer,
    )


@router.post("/appeals", response=answers({201: AppealOut}), auth=AUTHOR)
def appeal(request, payload: PostAppeal | CommentAppeal):
    """Appeal the rejection of your own post (post_id) or comment (comment_id), once."""
    if isinstance(payload, PostAppeal):
        target = {"post": community_selectors.own_post(request.auth, payload.post_id)}
    else:
        target = {"comment": community_selectors.own_comment(request.auth, payload.comment_id)}
    made = services.appeal(author=request.auth, statement=payload.statement, **target)
    return Status(201, made)


@router.get("/moderation/log", response=answers({200: LogOut}, public=True), auth=OPEN)
def log(request):
    """The public moderation log: counts per month and the rules cited, no people."""
    return asdict(selectors.public_moderation_log())


class FlagIn(Schema):
    reason: Rule
    note: text(max_length=500) = ""


class Message(Schema):
    detail: str


@router.post("/posts/{post_id}/flags", response=answers({201: Message}), auth=AUTHOR)
def flag_post(request, post_id: int, payload: FlagIn):
    """Flag a published post for the moderators, citing the rule it breaks."""
    post = community_selectors.post_for(request.auth, post_id)
    services.flag_post(user=request.auth, post=post, reason=payload.reason, note=payload.note)
    return Status(201, {"detail": _("Flagged. Moderators will look at this post.")})
