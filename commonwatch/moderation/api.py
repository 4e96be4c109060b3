"""/api/v1/moderation: the queue and decisions, for moderators."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Router, Schema

from commonwatch.accounts.access import api_access, needs
from commonwatch.accounts.roles import Capability

from . import selectors, services

router = Router(tags=["moderation"])
MODERATE = api_access(needs(Capability.MODERATE))


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


class QueueOut(Schema):
    posts: list[QueuedPost]
    comments: list[QueuedComment]


class DecisionIn(Schema):
    action: Literal["approve", "reject"]
    reason: str = ""


class DecisionOut(Schema):
    id: int
    status: str


@router.get("/moderation/queue", response=QueueOut, auth=MODERATE)
def queue(request):
    return {
        "posts": list(selectors.pending_posts(request.auth)),
        "comments": list(selectors.pending_comments(request.auth)),
    }


@router.post("/moderation/posts/{post_id}/decision", response=DecisionOut, auth=MODERATE)
def decide_post(request, post_id: int, payload: DecisionIn):
    post = selectors.post_in_queue(request.auth, post_id)
    decide = services.approve_post if payload.action == "approve" else services.reject_post
    post = decide(moderator=request.auth, post=post, reason=payload.reason)
    return {"id": post.pk, "status": post.status}


@router.post("/moderation/comments/{comment_id}/decision", response=DecisionOut, auth=MODERATE)
def decide_comment(request, comment_id: int, payload: DecisionIn):
    comment = selectors.comment_in_queue(request.auth, comment_id)
    decide = services.approve_comment if payload.action == "approve" else services.reject_comment
    comment = decide(moderator=request.auth, comment=comment, reason=payload.reason)
    return {"id": comment.pk, "status": comment.status}
