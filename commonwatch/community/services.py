"""Every write of the community feed that a resident makes: submit, edit, delete, comment.

State changes themselves (publish, take down, delete) live in transitions.py, which
moderation calls too; these functions check who may act and what they wrote first.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.audit.services import record
from commonwatch.core import outbox
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.core.plain_text import as_one_line, as_stored
from commonwatch.core.policies import can, require
from commonwatch.geo.points import require_point
from commonwatch.geo.services import ask_place_label, rebuild_tallies
from commonwatch.media import services as media

from . import hooks, live, revisions, transitions
from .checks import (
    MAX_COMMENT_CHARS,
    NEEDS_DETAILS,
    PROFILING_CHECK,
    check_text,
    person_details_prompt,
    race_mentions,
    rules_broken,
)
from .models import (
    MAX_DESCRIPTION_CHARS,
    Category,
    Comment,
    Post,
    PostMedia,
    PostRevision,
    RevisionStatus,
    Status,
    ThreadAlias,
    tally_layer,
)
from .policies import RESOLVE, REVIEW, WRITE, may_set_resolved

MAX_MEDIA_PER_POST = 4

# The same text from the same person on the same post within this time is one comment
# (a double click or a resent form), not two.
REPEATED_COMMENT_WINDOW = timedelta(minutes=2)
MAX_NOTE_CHARS = 1000

# "When did it happen": a little ahead of the server's clock is a phone's clock, not the
# future; older than this is history, not news for neighbors.
OCCURRED_CLOCK_SKEW = timedelta(minutes=5)
MAX_OCCURRED_AGE = timedelta(days=30)


def _require_category(category: str) -> None:
    if category not in Category.values:
        raise ValidationError(
            {"category": _("Choose a category: none is picked for you.")}, code="category"
        )


def _occurred_at(occurred_at, now):
    """When it happened: now if the author did not say, never in the future, not old."""
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": _("Give the time with its time zone.")})
    if occurred_at > now + OCCURRED_CLOCK_SKEW:
        raise ValidationError(
            {"occurred_at": _("When did it happen? That time is still in the future.")},
            code="occurred_future",
        )
    if occurred_at < now - MAX_OCCURRED_AGE:
        raise ValidationError(
            {
                "occurred_at": _("Posts are about the last %(n)d days; that is earlier.")
                % {"n": MAX_OCCURRED_AGE.days}
            },
            code="occurred_old",
        )
    return occurred_at


def _clean_descriptions(descriptions) -> list[str]:
    """The photos' descriptions as stored, each within its limit. They are shown to every
    reader as alt text: the automatic checks read them with the post (_require_text_passes)."""
    cleaned = []
    for text in descriptions:
        text = as_stored(text or "")
        if len(text) > MAX_DESCRIPTION_CHARS:
            raise ValidationError(
                {
                    "descriptions": _("Keep each photo description under %(n)d characters.")
                    % {"n": MAX_DESCRIPTION_CHARS}
                }
            )
        cleaned.append(text)
    return cleaned


def _about_photo(photo, message: str, code: str | None = None) -> ValidationError:
    """An error about one photo's description, saying which (its place among the files
    sent, or its media file's id) for a form to show it beside that description's field."""
    return ValidationError(message.replace("%", "%%"), code=code, params={"photo": photo})


def _require_text_passes(
    *,
    title: str,
    body: str,
    as_written: bool,
    max_body: int | None = None,
    descriptions: dict | None = None,
    comment: bool = False,
) -> str:
    """Refuse what no one may send; ask for details where a person is described by race
    alone. Returns the check a text sent "as written" is held by for the moderator.

    A post's photo descriptions ({photo: text}) pass the same checks as its text: each is
    refused on its own for what no one may send, and read with the title and body for a
    description by race alone (details count anywhere in the post). Their errors are on
    `descriptions`, each naming its photo. Every stop is counted once for the public log.
    """
    described = {photo: text for photo, text in (descriptions or {}).items() if text}
    kwargs = {"max_body": max_body} if max_body else {}
    refused = {}
    if reasons := check_text(title=title, body=body, comment=comment, **kwargs):
        refused["body"] = reasons
    if refused_descriptions := [
        _about_photo(photo, reason)
        for photo, text in described.items()
        for reason in check_text(title="", body=text)
    ]:
        refused["descriptions"] = refused_descriptions
    if refused:
        hooks.stopped(rules_broken(title, body, *described.values()))
        raise ValidationError(refused)
    prompt = person_details_prompt(title, body, *described.values())
    if prompt and not as_written:
        hooks.stopped({PROFILING_CHECK})  # held until details come: counted as a stop
        raise ValidationError(_asked_for_details(prompt, f"{title}\n{body}", described))
    return PROFILING_CHECK if prompt else ""


def _asked_for_details(prompt: str, text: str, described: dict) -> dict:
    """The question under each field that describes someone by race: the text, the photo
    descriptions that do; the text when only the whole post read as one does."""
    asked = {}
    if race_mentions(text):
        asked["body"] = [ValidationError(prompt, code=NEEDS_DETAILS)]
    if photos := [photo for photo, words in described.items() if race_mentions(words)]:
        asked["descriptions"] = [_about_photo(photo, prompt, NEEDS_DETAILS) for photo in photos]
    return asked or {"body": [ValidationError(prompt, code=NEEDS_DETAILS)]}


def _check_upload(upload) -> None:
    """A refused file is named beside the files field: one of several may be the wrong one."""
    try:
        media.check_upload(upload)
    except ValidationError as exc:
        said = {"name": (upload.name or "")[:80]}
        refused = [
            ValidationError(_("%(name)s: %(reason)s") % (said | {"reason": reason}), error.code)
            for error, reason in zip(exc.error_list, exc.messages, strict=True)
        ]
        raise ValidationError({"media": refused}) from exc


def submit_post(
    *,
    author,
    category: str,
    title: str,
    body: str,
    lat: float,
    lng: float,
    occurred_at=None,
    uploads=(),
    descriptions=(),
    as_written: bool = False,
) -> Post:
    """A new post, pending moderation; refused if an automatic check fails. A person
    described by race alone asks for details first, unless the author sends it as
    written: then it waits for a moderator marked with the check that held it.

    Its photos and videos are checked by content and size before anything is stored, then
    processed in the background (commonwatch.media): the author sees their status, and the
    post cannot be published before they are processed. `descriptions` go with the
    uploads in their order (the alt text of each photo).
    """
    if not can(author, WRITE):
        raise NotAllowed(_("Only residents can post."), code="not_resident")
    hooks.require_may_post(author)
    hooks.require_pace(author, "post", lock=False)  # before the checks and the files
    _require_category(category)
    require_point(lat, lng)
    now = timezone.now()
    occurred_at = _occurred_at(occurred_at, now)
    if len(uploads) > MAX_MEDIA_PER_POST:
        raise ValidationError(
            {"media": _("At most %(n)d photos or videos.") % {"n": MAX_MEDIA_PER_POST}}
        )
    descriptions = _clean_descriptions(descriptions)
    if len(descriptions) > len(uploads):
        raise ValidationError({"descriptions": _("There is a description without its photo.")})
    descriptions += [""] * (len(uploads) - len(descriptions))
    title, body = as_one_line(title), as_stored(body)
    held_by_check = _require_text_passes(
        title=title, body=body, as_written=as_written, descriptions=dict(enumerate(descriptions))
    )
    for upload in uploads:
        _check_upload(upload)
    post = Post(
        author=author,
        category=category,
        title=title,
        body=body,
        occurred_at=occurred_at,
        created_at=now,
        media_count=len(uploads),
        held_by_check=held_by_check,
    )
    post.place(lat, lng)
    post.full_clean()
    # The files are stored first, outside the transaction: an object store slow to take
    # them then holds no transaction open (on SQLite, no other writer waits for it).
    stored: list[dict] = []
    try:
        for upload in uploads:
            stored.append(media.store_upload(upload))
        with transaction.atomic():
            hooks.require_pace(author, "post")  # counted with the author's row locked
            post.save()
            ThreadAlias.objects.create(post=post, user=author, number=1)
            # Named now, not at publication: its author sees the post while it waits,
            # "near Elm St & 41st Ave" rather than the public point's coordinates.
            ask_place_label(lat=post.lat, lng=post.lng)
            for kept, description in zip(stored, descriptions, strict=True):
                PostMedia.objects.create(
                    post=post,
                    media_file=media.accept_stored(owner=author, **kept),
                    description=description,
                )
    except BaseException:
        media.discard_stored(stored)
        raise
    return post


def _require_author(author, post: Post) -> None:
    if post.author_id != author.pk:
        raise NotAllowed(_("You can only change your own posts."), code="not_author")


def _descriptions_of(post: Post, descriptions: dict | None) -> dict[str, str]:
    """The edited descriptions of the post's own files ({media file id: text}); the
    descriptions not given stay as they are."""
    current = {str(k): v for k, v in post.media.values_list("media_file_id", "description")}
    given = {str(k): v for k, v in (descriptions or {}).items()}
    if unknown := set(given) - set(current):
        raise ValidationError(
            {
                "descriptions": _("No such photo in this post: %(ids)s")
                % {"ids": ", ".join(sorted(unknown, key=lambda k: (len(k), k)))}
            }
        )
    cleaned = _clean_descriptions(given.values())
    return {**current, **dict(zip(given, cleaned, strict=True))}


def edit_post(
    *,
    author,
    post: Post,
    title: str,
    body: str,
    category: str,
    descriptions: dict | None = None,
    as_written: bool = False,
) -> Post:
    """The author's edit. A published post stays published: a fix is applied at once;
    an edit that calls for a moderator (revisions.reasons_for_review, neighbors' open
    flags) waits as a PostRevision while neighbors keep seeing the published text. A
    post nobody sees yet (waiting or rejected) takes the edit and goes to review."""
    _require_author(author, post)
    _require_category(category)
    title, body = as_one_line(title), as_stored(body)
    descriptions = _descriptions_of(post, descriptions)
    held_by_check = _require_text_passes(
        title=title, body=body, as_written=as_written, descriptions=descriptions
    )
    edited = {"category": category, "title": title, "body": body, "descriptions": descriptions}
    with transaction.atomic():
        post = transitions.lock_post(post.pk, transitions.EDITABLE)
        withdrawn = _withdraw_waiting_edit(post)
        if post.status != Status.PUBLISHED:
            post = transitions.resubmit_post(post.pk, held_by_check=held_by_check, **edited)
            hooks.changed(post, deleted=False)
            record(actor=author, action="community.post.resubmitted", target=post)
            return post
        published = {
            "category": post.category,
            "title": post.title,
            "body": post.body,
            "descriptions": _descriptions_of(post, None),
        }
        reasons = revisions.reasons_for_review(published=published, edited=edited)
        reasons += hooks.edit_review_reasons(post)
        if held_by_check:
            reasons.append(_("The anti-profiling check asked for details; sent as written."))
        if not reasons and _quick_fixes_since_review(post) >= revisions.MAX_QUICK_FIXES:
            reasons.append(_("You fixed this post several times: a moderator checks it now."))
        if not reasons:
            post = transitions.revise_post(post.pk, **edited)
            PostRevision.objects.create(
                post=post, status=RevisionStatus.APPLIED, decided_at=timezone.now(), **edited
            )
            record(actor=author, action="community.post.edited", target=post)
            return post
        revision = PostRevision.objects.create(post=post, reasons=reasons, **edited)
        if withdrawn:
            hooks.replaced_edit(withdrawn, revision.pk)
        record(
            actor=author,
            action="community.post.edit_submitted",
            target=post,
            data={"revision": revision.pk, "replaces": withdrawn},
        )
    return post


def _quick_fixes_since_review(post: Post) -> int:
    """Fixes applied without a moderator since one last saw the post's text: small fixes
    one after another must not rewrite a post nobody looked at again."""
    applied = PostRevision.objects.filter(post=post, status=RevisionStatus.APPLIED)
    reviewed = applied.exclude(reasons=[]).order_by("-pk").values_list("pk", flat=True).first()
    return applied.filter(reasons=[], pk__gt=reviewed or 0).count()


def _withdraw_waiting_edit(post: Post) -> int | None:
    """A newer edit replaces the one still waiting; returns the replaced one's id."""
    waiting = PostRevision.objects.filter(post=post, status=RevisionStatus.PENDING).first()
    if waiting is None:
        return None
    waiting.status, waiting.decided_at = RevisionStatus.WITHDRAWN, timezone.now()
    waiting.save(update_fields=["status", "decided_at"])
    return waiting.pk


def _lock_waiting_edit(revision_id: int) -> PostRevision:
    """The edit's post and then the edit, locked in the order every path takes."""
    post_id = PostRevision.objects.filter(pk=revision_id).values_list("post_id", flat=True).first()
    if post_id is not None:
        transitions.lock_post(post_id)
    revision = PostRevision.objects.select_for_update().filter(pk=revision_id).first()
    if revision is None or revision.status != RevisionStatus.PENDING:
        raise Conflict(_("This edit has been decided or replaced meanwhile."))
    return revision


def approve_edit(*, moderator, revision: PostRevision) -> Post:
    """Neighbors see the edited text from now on; the post keeps its place and state."""
    require(moderator, REVIEW)
    with transaction.atomic():
        revision = _lock_waiting_edit(revision.pk)
        post = transitions.revise_post(
            revision.post_id,
            category=revision.category,
            title=revision.title,
            body=revision.body,
            descriptions=revision.descriptions,
            refusal=_("This post is no longer published or waiting; the edit cannot apply."),
        )
        _decide_edit(revision, RevisionStatus.APPLIED, moderator=moderator, note="")
    return post


def reject_edit(*, moderator, revision: PostRevision, note: str) -> PostRevision:
    """The published text stays; the author is told why their edit was not applied."""
    require(moderator, REVIEW)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Tell the author why: the note is shown to them.")})
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            {"note": _("Keep the note under %(n)d characters.") % {"n": MAX_NOTE_CHARS}}
        )
    with transaction.atomic():
        revision = _lock_waiting_edit(revision.pk)
        _decide_edit(revision, RevisionStatus.REJECTED, moderator=moderator, note=note)
    return revision


def _decide_edit(revision: PostRevision, status: str, *, moderator, note: str) -> None:
    revision.status, revision.moderation_note = status, note
    revision.decided_at = timezone.now()
    revision.save(update_fields=["status", "moderation_note", "decided_at"])
    verb = "edit_approved" if status == RevisionStatus.APPLIED else "edit_rejected"
    record(
        actor=moderator,
        actor_role="moderator",
        action=f"community.post.{verb}",
        target=revision.post,
        data={"revision": revision.pk},
    )


def delete_post(*, author, post: Post) -> Post:
    """Gone everywhere: feed, map, API, live channel; its files after the commit."""
    _require_author(author, post)
    with transaction.atomic():
        deleted = transitions.delete_post(post.pk)
        hooks.changed(deleted, deleted=True)
        record(actor=author, action="community.post.deleted", target=deleted)
    return deleted


def set_resolved(*, author, post: Post, resolved: bool) -> Post:
    """The author marks the post resolved ("Found" for a lost pet), or open again.

    It stays where it is in feeds and on the map, labelled, and neighbors' open pages
    show the change live (live.announce_resolved); marking it twice changes nothing and
    writes no second audit entry or message.
    """
    require(author, RESOLVE, post)
    with transaction.atomic():
        post = transitions.lock_post(post.pk, transitions.EDITABLE)
        if not may_set_resolved(post, resolved):
            raise Conflict(
                _("Only a published post can be marked resolved: neighbors do not see this one."),
                code="not_published",
            )
        if (post.resolved_at is not None) == resolved:
            return post
        post.resolved_at = timezone.now() if resolved else None
        post.save(update_fields=["resolved_at", "updated_at"])
        outbox.put(live.ANNOUNCE_RESOLVED, inline=True, post_id=post.pk)
        action = "community.post.resolved" if resolved else "community.post.reopened"
        record(actor=author, action=action, target=post, data={"category": post.category})
    return post


def add_comment(*, author, post: Post, body: str, as_written: bool = False) -> Comment:
    """A comment waiting for moderation; the same text sent twice is kept once."""
    if not can(author, WRITE):
        raise NotAllowed(_("Only residents can comment."), code="not_resident")
    hooks.require_may_post(author)
    body = as_stored(body)
    held_by_check = _require_text_passes(
        title="", body=body, as_written=as_written, max_body=MAX_COMMENT_CHARS, comment=True
    )
    with transaction.atomic():
        post = transitions.lock_post(
            post.pk,
            frozenset({Status.PUBLISHED}),
            refusal=_("Comments are open only on published posts."),
        )
        repeated = Comment.objects.filter(
            post=post,
            author=author,
            body=body,
            status__in=[Status.PENDING, Status.PUBLISHED],
            created_at__gte=timezone.now() - REPEATED_COMMENT_WINDOW,
        ).first()
        if repeated:
            return repeated  # a double click is never refused as one comment too many
        hooks.require_pace(author, "comment")  # counted with the author's row locked
        return Comment.objects.create(
            post=post, author=author, body=body, held_by_check=held_by_check
        )


def rebuild_post_tallies() -> None:
    """Recount the feed's cell tallies, overall and per category (after bulk loads)."""
    published = Post.objects.filter(status=Status.PUBLISHED)
    rebuild_tallies(layer=tally_layer(), queryset=published, time_field="published_at")
    for category in Category.values:
        rebuild_tallies(
            layer=tally_layer(category),
            queryset=published.filter(category=category),
            time_field="published_at",
        )
