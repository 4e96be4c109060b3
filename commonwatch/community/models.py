"""Posts, their media and comments, and the per-thread "Neighbor #N" aliases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonwatch.geo.models import PrivatelyLocatedModel

POST_LAYER = "post"
MAX_DESCRIPTION_CHARS = 250


def tally_layer(category: str | None = None) -> str:
    """The cell tallies that size feed windows: all published posts, or one category's."""
    return f"{POST_LAYER}:{category}" if category else POST_LAYER


class Category(models.TextChoices):
    CRIME = "crime", _("Crime")
    SAFETY = "safety", _("Safety")
    SUSPICIOUS = "suspicious", _("Suspicious activity")
    UNEXPECTED_VISITOR = "unexpected_visitor", _("Unexpected visitor")
    LOST_PET = "lost_pet", _("Lost pet")
    COMMUNITY = "community", _("Community")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")
    DELETED = "deleted", _("Deleted")


class Post(PrivatelyLocatedModel):
    """A resident's report. Its author alone sees where exactly; feed, map, live delivery
    and alerts all decide on the public ~100 m point (geo.models.PrivatelyLocatedModel)."""

    # An account is closed, never deleted (accounts.closing): PROTECT keeps it that way.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    # Its author closed their account and kept it: signed "a former neighbor".
    author_left = models.BooleanField(default=False)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("what happened"))
    # When it happened, as the author says; the moment of posting if they left it empty.
    # Null only for posts written before the field existed (created_at stands in).
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.TextField(blank=True, help_text=_("Shown to the author."))
    # The automatic check that asked its author for more and was answered "send it as
    # written" (checks.PROFILING_CHECK): the moderator who reads it first sees why.
    held_by_check = models.CharField(max_length=32, blank=True)
    comment_count = models.PositiveIntegerField(default=0, help_text=_("Published comments."))
    # Lets a page of cards skip the media query when none of its posts has any.
    media_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by its author when the matter is over: the pet found, the light repaired.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["cell", "published_at"],
                name="post_published_cell_time",
                condition=Q(status="published"),
            ),
            # A feed filtered by category seeks straight to that category's rows in each cell.
            models.Index(
                fields=["cell", "category", "published_at"],
                name="post_published_cell_cat_time",
                condition=Q(status="published"),
            ),
            # The map's counts per cell read this index alone (no table rows): the public
            # point and category sit in it, beside the cell and time it is searched by.
            models.Index(
                fields=["cell", "published_at", "lat", "lng", "category"],
                name="post_published_cell_point",
                condition=Q(status="published"),
            ),
            # The moderation queue; partial, so the feed's planner never prefers it.
            models.Index(
                fields=["created_at"], name="post_pending_created", condition=Q(status="pending")
            ),
            models.Index(fields=["author", "created_at"], name="post_author_created"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def resolved_label(self) -> str:
        return resolved_label_of(self.category)


def resolved_label_of(category: str) -> str:
    """What a solved post says it is: a lost pet is "Found", anything else "Resolved"."""
    return str(_("Found") if category == Category.LOST_PET else _("Resolved"))


class PostMedia(models.Model):
    """A photo or video attached to a post. The file, its processing and its checks live
    in commonwatch.media; who may see it through the post is decided here (selectors)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    media_file = models.OneToOneField(
        "media.MediaFile", on_delete=models.CASCADE, related_name="post_attachment"
    )
    # What the photo shows, in the author's words: its alt text for people who cannot see it.
    description = models.CharField(_("description"), max_length=MAX_DESCRIPTION_CHARS, blank=True)

    def __str__(self) -> str:
        return f"media {self.media_file_id} of post {self.post_id}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Not applied")
    WITHDRAWN = "withdrawn", _("Replaced or withdrawn")


class PostRevision(models.Model):
    """An author's edit of a published post that waits for a moderator.

    The published text stays what neighbors see until the edit is approved; the
    author sees the edit waiting. A newer edit replaces the one still waiting.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    category = models.CharField(max_length=32, choices=Category.choices)
    title = models.CharField(max_length=120)
    body = models.TextField()
    # {media_file_id (as text): description} for the post's photos.
    descriptions = models.JSONField(default=dict, blank=True)
    # Why the edit waits for a moderator, in the author's words (checks and flags).
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    moderation_note = models.TextField(blank=True, help_text=_("Shown to the author."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="pending"),
                name="one_pending_revision_per_post",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="revision_pending_created",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"edit {self.pk} of post {self.post_id}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    author_left = models.BooleanField(default=False)
    body = models.TextField(_("comment"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.TextField(blank=True)
    # The automatic check that asked its author for more and was answered "send it as
    # written" (checks.PROFILING_CHECK): the moderator who reads it first sees why.
    held_by_check = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["post", "status", "created_at"], name="comment_thread")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"


class ThreadAlias(models.Model):
    """Who is "Neighbor #N" in one post's thread: stable there, unlinkable elsewhere.

    The author is #1; a commenter gets the next number when their first comment is
    published, so the numbers readers see have no gaps that would betray a comment
    still waiting or turned down.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="aliases")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="alias_once_per_thread"),
            models.UniqueConstraint(fields=["post", "number"], name="alias_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Neighbor #{self.number}"
