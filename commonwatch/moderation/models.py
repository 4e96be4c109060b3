"""What moderators decided, and what residents flagged."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    REQUEUE = "requeue", _("Sent back to the queue")


class Decision(models.Model):
    """One moderation decision: who, when, what and why (kept for the public log)."""

    post = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    comment = models.ForeignKey(
        "community.Comment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty when the flag threshold decided."),
    )
    moderator_name = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False) ^ models.Q(comment__isnull=False),
                name="decision_on_post_or_comment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.moderator_name or 'flags'}"


class FlagReason(models.TextChoices):
    PROFILING = "profiling", _("Profiles a person or group")
    PRIVATE_INFO = "private_info", _("Shares private information")
    FALSE = "false", _("False or misleading")
    HARASSMENT = "harassment", _("Harassment or hate")
    OFF_TOPIC = "off_topic", _("Not about neighborhood safety")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    post = models.ForeignKey("community.Post", on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_user")]

    def __str__(self) -> str:
        return f"flag on {self.post_id}: {self.reason}"
