"""What closing an account does to what its owner wrote (accounts.closing).

Removed: each post is taken down as if its author deleted it (text, exact point and
files gone; the row stays for the moderation decisions that name it), and each comment
is emptied. Kept: posts and comments stay, signed "a former neighbor", and the exact
points only their author could see are forgotten. Either way, other people's comments
stay where they are.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commonwatch.accounts.closing import WhatTheyWrote

from . import hooks, transitions
from .models import Comment, Post, Status


def close_author(user, what_they_wrote: str) -> None:
    if what_they_wrote == WhatTheyWrote.REMOVE:
        _remove_what_they_wrote(user)
    else:
        _keep_as_former_neighbor(user)


def _remove_what_they_wrote(user) -> None:
    for post_id in _live_posts(user).values_list("pk", flat=True):
        hooks.changed(transitions.delete_post(post_id), deleted=True)
    comments = Comment.objects.filter(author=user).exclude(status=Status.DELETED)
    for comment_id in comments.values_list("pk", flat=True):
        transitions.delete_comment(comment_id)


def _keep_as_former_neighbor(user) -> None:
    # Only their author could see the exact points; nobody can now.
    _live_posts(user).update(author_left=True, exact_lat=None, exact_lng=None)
    Comment.objects.filter(author=user).update(author_left=True)


def _live_posts(user):
    return Post.objects.filter(author=user).exclude(status=Status.DELETED)


def summary(user) -> str:
    posts = _live_posts(user).count()
    comments = Comment.objects.filter(author=user).exclude(status=Status.DELETED).count()
    return _("What you wrote: %(posts)s and %(comments)s.") % {
        "posts": ngettext("%(n)d post", "%(n)d posts", posts) % {"n": posts},
        "comments": ngettext("%(n)d comment", "%(n)d comments", comments) % {"n": comments},
    }
