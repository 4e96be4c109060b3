"""Neighbors whose flags count toward hiding a post, and throwaway accounts whose do not."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.moderation.trust import ESTABLISHED_AFTER


def established_neighbor(mod=None, *, at=CENTER):
    """A resident of two months with a confirmed e-mail and a post a moderator approved."""
    user = resident_at(*at)
    published(user, mod, title="Porch light left on", body="Our porch light stays on now.")
    user.date_joined = timezone.now() - ESTABLISHED_AFTER - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def throwaway_account(*, at=CENTER):
    """Made today, never published anything: its e-mail confirmed, nothing else."""
    return resident_at(*at)
