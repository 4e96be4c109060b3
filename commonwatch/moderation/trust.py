"""Whose flags may hide a post before a moderator looks: established accounts only.

Every flag reaches the queue. Hiding a post at once is a strong act taken without a
moderator, so it needs flags from accounts that cost something to build: old enough,
with a confirmed e-mail, with something published, and no recent penalty. Throwaway
accounts made to silence a neighbor have none of these. docs/moderation.md gives the
reasons for each figure.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commonwatch.community.models import Comment, Post, Status

from .models import Penalty

ESTABLISHED_AFTER = timedelta(days=30)
NO_PENALTY_WITHIN = timedelta(days=90)
# Flags from this many established neighbors hide a post until a moderator decides.
ESTABLISHED_FLAGS_TO_HIDE = 3


def established_accounts(now=None):
    """The users whose flags count toward hiding a post, as one queryset."""
    now = now or timezone.now()
    user = OuterRef("pk")
    published = ~Q(status__in=[Status.REJECTED, Status.DELETED]) & Q(published_at__isnull=False)
    return get_user_model().objects.filter(
        Exists(EmailAddress.objects.filter(user=user, verified=True)),
        Exists(Post.objects.filter(published, author=user))
        | Exists(Comment.objects.filter(published, author=user)),
        ~Exists(
            Penalty.objects.filter(
                user=user, lifted_at=None, created_at__gte=now - NO_PENALTY_WITHIN
            )
        ),
        is_active=True,
        date_joined__lte=now - ESTABLISHED_AFTER,
    )


def is_established(user) -> bool:
    return established_accounts().filter(pk=user.pk).exists()


def established_flaggers(post) -> int:
    """How many established neighbors flag the post now (open flags only)."""
    flaggers = post.flags.filter(resolved=False).values("user")
    return established_accounts().filter(pk__in=flaggers).count()
