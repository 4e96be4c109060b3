"""Comment notices: the notification kind that tells a post's author a neighbor replied.

A comment reaches the post's author once it is published (a moderator's approval or a
granted appeal), and nobody else: the commenter knows, and other neighbors see it on the
page. The notice names the commenter as the post page names them to the author
("Neighbor #3", never an e-mail or a name) and quotes what they wrote, which the author
can read on the page anyway; never where anything happened. It leaves the inbox when the
comment or the post goes.

The subject of a notice is the Comment's id; its thread is the post, so one tap mutes
the comments on one post (from a notice, or the post's own page) and no other.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonwatch.notifications import services as notifications
from commonwatch.notifications.kinds import InboxEntry, Kind, Message, inbox_entries, register
from commonwatch.notifications.models import Delivery

from .models import Comment, Post, Status, ThreadAlias
from .selectors import comment_card

COMMENT = "community.comment"
# A few sentences: a push shows no more, and the e-mail links to the rest.
QUOTED_CHARS = 280


def tell_post_author(comment: Comment, post: Post) -> None:
    """The post's author learns of a comment just published, unless they wrote it or have
    left (call inside the publishing transaction: one rolled back tells nobody)."""
    if comment.author_id == post.author_id or post.author_left:
        return
    notifications.notify(kind=COMMENT, subject_id=comment.pk, recipient_ids=[post.author_id])


def on_their_posts(notifications_, user):
    """Notices of comments still published on the person's own posts that still exist."""
    comments = (
        Comment.objects.filter(status=Status.PUBLISHED, post__author=user)
        .exclude(post__status=Status.DELETED)
        .exclude(author=user)
    )
    return notifications_.filter(subject_id__in=comments.values("pk"))


def _comments(comment_ids: list[int]) -> dict[int, Comment]:
    return Comment.objects.select_related("post").in_bulk(comment_ids)


def _load(comments: dict[int, Comment], user) -> dict[int, Message]:
    """Each comment's notice as `user` (the post's author) reads it, in one more query."""
    aliases = ThreadAlias.objects.filter(
        post_id__in={c.post_id for c in comments.values()},
        user_id__in={c.author_id for c in comments.values()},
    )
    numbers = {(a.post_id, a.user_id): a.number for a in aliases}
    return {
        pk: _about(comment, user, numbers.get((comment.post_id, comment.author_id)))
        for pk, comment in comments.items()
    }


def _about(comment: Comment, user, number: int | None) -> Message:
    # The commenter's label exactly as the post page shows it to its author.
    who = comment_card(comment, user, {comment.author_id: number})["author"]
    title = _("%(who)s commented on your post “%(title)s”") % {
        "who": who,
        "title": comment.post.title,
    }
    url = reverse("community:post", args=[comment.post_id]) + "#comments"
    return Message(title=title, body=Truncator(comment.body).chars(QUOTED_CHARS), url=url)


def describe(notifications_, user) -> dict[int, InboxEntry]:
    comments = _comments([n.subject_id for n in notifications_])
    threads = {pk: comment.post_id for pk, comment in comments.items()}
    return inbox_entries(notifications_, _load(comments, user), threads=threads)


def post_of(comment_id: int) -> int | None:
    return Comment.objects.filter(pk=comment_id).values_list("post_id", flat=True).first()


def comments_on(post_ids):
    return Comment.objects.filter(post_id__in=post_ids).values("pk")


def describe_post_thread(post_id: int, user) -> InboxEntry | None:
    """A muted post's comments, listed in the settings: the person's own post only."""
    post = Post.objects.filter(pk=post_id, author=user).exclude(status=Status.DELETED).first()
    if post is None:
        return None
    title = _("Comments on your post “%(title)s”") % {"title": post.title}
    return InboxEntry(title=title, url=reverse("community:post", args=[post.pk]) + "#comments")


def message(notification, user) -> Message | None:
    comments = _comments([notification.subject_id])
    return _load(comments, user).get(notification.subject_id)


COMMENTS_KIND = Kind(
    code=COMMENT,
    label=_lazy("Comments on your posts"),
    # As a moderator's decision: pushed by default, which reaches only a device the
    # person turned push on for; e-mail never comes unasked (they may choose it, or off).
    default=Delivery.PUSH,
    # One at a time, as they happen: the daily digest gathers post alerts only.
    deliveries=(Delivery.PUSH, Delivery.EMAIL, Delivery.OFF),
    threads=True,
    thread_of=post_of,
    thread_subjects=comments_on,
    describe_thread=describe_post_thread,
    visible=on_their_posts,
    describe=describe,
    message=message,
)


def declare() -> None:
    register(COMMENTS_KIND)
