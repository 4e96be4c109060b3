"""The audit trail: one row per recorded action, chained by SHA-256.

Rows are never updated or deleted (no code path does; on PostgreSQL a trigger refuses
both). Each row stores the hash of its own canonical content and the hash of the row
before it, so ``manage.py audit_verify`` finds the first row that was altered,
removed or put out of order. People appear by id and role only: an account's erasure
cannot rewrite these rows, so they hold nothing it would have to erase.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, help_text="Place in the chain.")
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="Empty: the system.")
    actor_role = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=80, help_text="Dotted: moderation.post.rejected")
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=False)
    previous_hash = models.CharField(max_length=64)
    # Not unique: the sequence orders the chain and each link is checked by audit_verify;
    # a unique index on random hashes cost every write a random index page.
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditHead(models.Model):
    """The chain's last link, one row: locked by each new entry, so links never fork."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
