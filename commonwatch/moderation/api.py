"""/api/v1/moderation: the queue, decisions and appeals for moderators; appeals for
authors; the public moderation log for everyone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from commonwatch.accounts.access import PUBLIC, api_access, needs
from commonwatch.accounts.roles import Capability
from commonwatch.community.models import Comment, Post

from . import selectors, services
from .models import Rule

router = Router(tags=["moderation"])
MODERATE = api_access(needs(Capability.MODERATE))
AUTHOR = api_access(needs(Capability.POST))
EVERYONE = api_access(PUBLIC)


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


class DecisionIn(Schema):
    action: Literal["approve", "reject"]
    rule: Rule | None = None  # required to reject
    reason: str = ""


class AppealIn(Schema):
    post_id: int | None = None
    comment_id: int | None = None
    statement: str


class AppealOut(Schema):
    id: int
    status: str
    answer: str


class AppealDecisionIn(Schema):
    action: Literal["grant", "deny"]
    answer: str


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


@router.get("/moderation/queue", response=QueueOut, auth=MODERATE)
def queue(request):
    return {
        "posts": list(selectors.pending_posts(request.auth)),
        "comments": list(selectors.pending_comments(request.auth)),
        "appeals": list(selectors.open_appeals(request.auth)),
    }


@router.post("/moderation/posts/{post_id}/decision", response=DecisionOut, auth=MODERATE)
def decide_post(request, post_id: int, payload: DecisionIn):
    post = selectors.post_in_queue(request.auth, post_id)
    if payload.action == "approve":
        post = services.approve_post(moderator=request.auth, post=post, reason=payload.reason)
    else:
        post = services.reject_post(
            moderator=request.auth, post=post, reason=payload.reason, rule=payload.rule
        )
    return {"id": post.pk, "status": post.status}


@router.post("/moderation/comments/{comment_id}/decision", response=DecisionOut, auth=MODERATE)
def decide_comment(request, comment_id: int, payload: DecisionIn):
    comment = selectors.comment_in_queue(request.auth, comment_id)
    if payload.action == "approve":
        comment = services.approve_comment(
            moderator=request.auth, comment=comment, reason=payload.reason
        )
    else:
        comment = services.reject_comment(
            moderator=request.auth, comment=comment, reason=payload.reason, rule=payload.rule
        )
    return {"id": comment.pk, "status": comment.status}


@router.post("/moderation/appeals/{appeal_id}/decision", response=AppealOut, auth=MODERATE)
def decide_appeal(request, appeal_id: int, payload: AppealDecisionIn):
    """Grant (the post or comment is published, the author's penalty step lifted) or deny."""
    appeal = selectors.appeal_in_queue(request.auth, appeal_id)
    return services.decide_appeal(
        moderator=request.auth,
        appeal=appeal,
        grant=payload.action == "grant",
        answer=payload.answer,
    )


@router.post("/appeals", response={201: AppealOut}, auth=AUTHOR)
def appeal(request, payload: AppealIn):
    """Appeal a rejection of your own post or comment (name exactly one), once."""
    if (payload.post_id is None) == (payload.comment_id is None):
        raise ValidationError({"post_id": _("Name either post_id or comment_id.")})
    if payload.post_id is not None:
        target = {"post": get_object_or_404(Post, pk=payload.post_id, author=request.auth)}
    else:
        target = {"comment": get_object_or_404(Comment, pk=payload.comment_id, author=request.auth)}
    made = services.appeal(author=request.auth, statement=payload.statement, **target)
    return Status(201, made)


@router.get("/moderation/log", response=LogOut, auth=EVERYONE)
def log(request):
    """The public moderation log: counts per month and the rules cited, no people."""
    return asdict(selectors.public_moderation_log())
