"""/api/v1/moderation: the queue, decisions and appeals for moderators; appeals for
authors; the public moderation log for everyone."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from commonwatch.accounts.access import EVERYONE, api_access, needs
from commonwatch.community import selectors as community_selectors
from commonwatch.community import services as community_services
from commonwatch.community.policies import WRITE
from commonwatch.core.schemas import Id, Input, TooSoon, answers, text

from . import policies, selectors, services
from . import queue as queue_claims
from .models import Rule
from .services import MAX_REASON_CHARS

router = Router(tags=["moderation"])
MODERATE = api_access(needs(policies.MODERATE))
AUTHOR = api_access(needs(WRITE))
OPEN = api_access(EVERYONE)


class FlagOut(Schema):
    reason: str
    note: str
    created_at: datetime


class StandingOut(Schema):
    """The author as a moderator reads them: no name, only how they stand."""

    joined: datetime
    established: bool
    penalty_steps: int
    paused_until: datetime | None
    earlier_decisions: list[str]


class ClaimOut(Schema):
    item: str
    moderator: str
    expires_at: datetime


class QueueItemOut(Schema):
    """One item waiting for a decision; `id` is the post's, edit's, comment's or
    appeal's. An edit's title and body are the text it asks for; `published_title` and
    `published_body` what neighbors see until it is applied."""

    kind: Literal["post", "edit", "comment", "appeal"]
    id: int
    waiting_since: datetime
    post_id: int | None
    status: str
    title: str
    body: str
    published_title: str
    published_body: str
    edit_reasons: list[str] = Field(description="Why an edit waits for a moderator.")
    lat: float | None
    lng: float | None
    cell: str
    flags: list[FlagOut]
    established_flags: int
    author: StandingOut
    thread_before: list[str]
    thread_after: list[str]
    rejection_rule: str
    rejection_reason: str
    statement: str
    rejected_by_you: bool
    claim: ClaimOut | None


class QueueOut(Schema):
    page: int
    pages: int
    count: int = Field(description="Items the filters keep, on all pages.")
    counts: dict[str, int] = Field(
        description="Items waiting per kind in the whole queue, whatever the filters."
    )
    lone_moderator: bool
    items: list[QueueItemOut]


def _claim_out(claim) -> dict | None:
    if claim is None:
        return None
    return {
        "item": claim.item,
        "moderator": claim.moderator.email,
        "expires_at": queue_claims.expires_at(claim),
    }


def _item_out(item) -> dict:
    """The queue item as the API gives it: the same facts the queue page shows."""
    obj, post, standing = item.obj, item.post, item.author
    rejection = obj.rejection if item.kind == "appeal" else None
    text = obj if item.kind in ("post", "edit") else rejection.post if rejection else None
    return {
        "kind": item.kind,
        "id": obj.pk,
        "waiting_since": item.waiting_since,
        "post_id": post.pk if post else None,
        "status": getattr(obj, "status", ""),
        "title": text.title if text else "",
        "body": text.body if text else (rejection.comment.body if rejection else obj.body),
        "published_title": post.title if item.edit else "",
        "published_body": post.body if item.edit else "",
        "edit_reasons": obj.reasons if item.edit else [],
        "lat": post.lat if post else None,
        "lng": post.lng if post else None,
        "cell": item.cell,
        "flags": item.flags,
        "established_flags": item.established_flags,
        "author": {
            "joined": standing.joined,
            "established": standing.established,
            "penalty_steps": standing.steps,
            "paused_until": standing.paused_until,
            "earlier_decisions": [d.action for d in standing.earlier],
        },
        "thread_before": [c.body for c in item.before],
        "thread_after": [c.body for c in item.after],
        "rejection_rule": rejection.rule if rejection else "",
        "rejection_reason": rejection.reason if rejection else "",
        "statement": obj.statement if rejection else "",
        "rejected_by_you": item.rejected_by_me,
        "claim": _claim_out(item.claim),
    }


Reason = text(max_length=MAX_REASON_CHARS)
Explanation = text(min_length=1, max_length=MAX_REASON_CHARS)
Statement = text(min_length=1, max_length=1000)


class Approval(Input):
    action: Literal["approve"]
    reason: Reason = ""


class Rejection(Input):
    """A rejection names the rule broken and tells the author why."""

    action: Literal["reject"]
    rule: Rule
    reason: Explanation


DecisionIn = Annotated[Approval | Rejection, Field(discriminator="action")]


class AppealIn(Input):
    post_id: Id | None = Field(None, description="Your rejected post; or comment_id.")
    comment_id: Id | None = Field(None, description="Your rejected comment; or post_id.")
    statement: Statement


class AppealOut(Schema):
    id: int
    status: str
    answer: str


class AppealDecisionIn(Input):
    """grant publishes; changes grants by sending the post back to its author for an
    edit (reviewed again after it); deny keeps the rejection."""

    action: Literal["grant", "changes", "deny"]
    answer: Explanation


class LogMonthOut(Schema):
    """Counts of the month; null for 1 or 2 (`counts_shown_from`), never shown."""

    month: date
    published: int | None
    rejected: int | None
    sent_back_by_flags: int | None
    flags: int | None
    appeals: int | None
    granted: int | None = Field(description="Appeals granted: published as it was.")
    granted_edit_asked: int | None = Field(
        description="Appeals granted by asking the author for an edit: the penalty step "
        "lifted, the post back with its author, reviewed again once changed."
    )
    denied: int | None
    warnings: int | None
    pauses: int | None


class RuleCountOut(Schema):
    """Over the log's months; null for 1 or 2, as in the months."""

    rule: str
    label: str
    rejections: int | None
    flags: int | None


class StoppedOut(Schema):
    """Texts the automatic checks stopped under a rule over the log's months; `count` is
    null when under `stops_shown_from` (small counts could point at a person)."""

    rule: str
    label: str
    count: int | None


class LogOut(Schema):
    since: date
    months: list[LogMonthOut]
    rules: list[RuleCountOut]
    stopped: list[StoppedOut]
    stops_shown_from: int
    counts_shown_from: int


class DecisionOut(Schema):
    id: int
    status: str


@router.get("/moderation/queue", response=answers({200: QueueOut}), auth=MODERATE)
def queue(
    request,
    kind: Literal["post", "edit", "comment", "appeal", ""] = "",
    age: Literal["1h", "24h", "3d", ""] = "",
    flags: Annotated[int, Field(ge=0, le=100)] = 0,
    page: Annotated[int, Field(ge=1, le=100000)] = 1,
):
    """What waits for a decision, oldest first, a page at a time: new and flagged posts,
    edits, comments and appeals, each with its flags, author standing and claim. A page
    past the last is 404, naming how many pages there are."""
    filters = selectors.QueueFilters(kind=kind, age=age, flags=flags)
    found = selectors.moderation_queue(request.auth, filters, page, exact=True)
    return {
        "page": found.page.number,
        "pages": found.page.paginator.num_pages,
        "count": found.page.paginator.count,
        "counts": found.counts,
        "lone_moderator": found.lone_moderator,
        "items": [_item_out(item) for item in found.items],
    }


ClaimKind = Literal["post", "edit", "comment", "appeal"]


@router.post(
    "/moderation/claims/{kind}/{item_id}", response=answers({200: ClaimOut}), auth=MODERATE
)
def claim(request, kind: ClaimKind, item_id: int):
    """Claim a queue item for 15 minutes: others still see it but cannot decide it.
    403 if you may not decide it (your own, or an appeal of your rejection), as the
    decision would be; 409 if another moderator holds it."""
    item = selectors.queue_item(request.auth, kind, item_id)
    made = services.claim_item(moderator=request.auth, kind=kind, item=item)
    return _claim_out(made)


@router.delete("/moderation/claims/{kind}/{item_id}", response=answers({204: None}), auth=MODERATE)
def unclaim(request, kind: ClaimKind, item_id: int):
    """Give back your claim on a queue item; 409, naming who holds it, if another
    moderator's claim runs on it (it stays theirs)."""
    selectors.queue_item(request.auth, kind, item_id)
    services.unclaim_item(moderator=request.auth, kind=kind, pk=item_id)
    return Status(204, None)


@router.post(
    "/moderation/posts/{post_id}/decision", response=answers({200: DecisionOut}), auth=MODERATE
)
def decide_post(request, post_id: int, payload: DecisionIn):
    """Approve (publish) or reject a waiting post; a rejection cites a rule and a reason.
    On a flagged post that is still published, approve keeps it and answers its flags."""
    post = selectors.post_in_queue(request.auth, post_id)
    if isinstance(payload, Approval):
        approve = services.keep_post if post.status == "published" else services.approve_post
        post = approve(moderator=request.auth, post=post, reason=payload.reason)
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


class EditOut(Schema):
    id: int
    post_id: int
    category: str = Field(description="The category the edit asks for.")
    recategorized: bool
    title: str
    body: str
    published_title: str = Field(description="What neighbors see until the edit is applied.")
    published_body: str
    reasons: list[str] = Field(description="Why the edit waits for a moderator.")
    created_at: datetime


class EditDecisionIn(Input):
    action: Literal["approve", "reject"]
    note: text(max_length=community_services.MAX_NOTE_CHARS) = Field(
        "", description="Required to reject: shown to the author."
    )


@router.get("/moderation/edits", response=answers({200: list[EditOut]}), auth=MODERATE)
def edits(request):
    """Authors' edits of published posts waiting for a moderator, oldest first, beside
    the text neighbors see meanwhile. The queue (kind=edit) pages them with their
    claims, flags and author standing."""
    return [
        {
            "id": entry["revision"].pk,
            "post_id": entry["post"].pk,
            "category": entry["revision"].category,
            "recategorized": entry["recategorized"],
            "title": entry["revision"].title,
            "body": entry["revision"].body,
            "published_title": entry["post"].title,
            "published_body": entry["post"].body,
            "reasons": entry["revision"].reasons,
            "created_at": entry["revision"].created_at,
        }
        for entry in community_selectors.pending_edits(request.auth)
    ]


@router.post(
    "/moderation/edits/{revision_id}/decision",
    response=answers({200: DecisionOut}),
    auth=MODERATE,
)
def decide_edit(request, revision_id: int, payload: EditDecisionIn):
    """Apply an author's edit (neighbors see it from now on) or turn it down with a note
    (the published text stays); 409 if it was decided or replaced meanwhile, or another
    moderator holds its claim."""
    revision = selectors.edit_in_queue(request.auth, revision_id)
    if payload.action == "approve":
        services.apply_edit(moderator=request.auth, revision=revision)
        return {"id": revision.pk, "status": "applied"}
    services.turn_down_edit(moderator=request.auth, revision=revision, note=payload.note)
    return {"id": revision.pk, "status": "rejected"}


@router.post(
    "/moderation/appeals/{appeal_id}/decision", response=answers({200: AppealOut}), auth=MODERATE
)
def decide_appeal(request, appeal_id: int, payload: AppealDecisionIn):
    """Grant (published, the author's penalty step lifted), ask for an edit (granted, the
    post back with its author) or deny; never by the moderator who rejected (403)."""
    appeal = selectors.appeal_in_queue(request.auth, appeal_id)
    return services.decide_appeal(
        moderator=request.auth,
        appeal=appeal,
        grant=payload.action != "deny",
        ask_for_edit=payload.action == "changes",
        answer=payload.answer,
    )


@router.post("/appeals", response=answers({201: AppealOut}), auth=AUTHOR)
def appeal(request, payload: AppealIn):
    """Appeal the rejection of your own post (post_id) or comment (comment_id), once."""
    if (payload.post_id is None) == (payload.comment_id is None):
        raise ValidationError(
            {"post_id": _("Give post_id or comment_id: the one rejected item you appeal.")}
        )
    if payload.post_id is not None:
        target = {"post": community_selectors.own_post(request.auth, payload.post_id)}
    else:
        target = {"comment": community_selectors.own_comment(request.auth, payload.comment_id)}
    made = services.appeal(author=request.auth, statement=payload.statement, **target)
    return Status(201, made)


@router.get("/moderation/log", response=answers({200: LogOut}, public=True), auth=OPEN)
def log(request):
    """The public moderation log: counts per month and the rules cited, no people."""
    return asdict(selectors.public_moderation_log())


class FlagIn(Input):
    reason: Rule
    note: text(max_length=500) = ""


class Message(Schema):
    detail: str


class FlagAnswer(Message):
    hidden: bool


@router.post(
    "/posts/{post_id}/flags", response=answers({201: FlagAnswer}, extra={429: TooSoon}), auth=AUTHOR
)
def flag_post(request, post_id: int, payload: FlagIn):
    """Flag a published post for the moderators, citing the rule it breaks (no default).
    The answer says whether it stays shown until a moderator decides or is hidden now.
    An account flags a limited number of posts an hour (429 says when the next one is
    possible)."""
    post = community_selectors.post_for(request.auth, post_id)
    flagged = services.flag_post(
        user=request.auth, post=post, reason=payload.reason, note=payload.note
    )
    return Status(201, {"detail": flagged.message, "hidden": flagged.hidden})
