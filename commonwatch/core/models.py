"""The outbox: work that must follow a commit, stored in the same transaction."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """One piece of after-commit work (alerts to record, an e-mail to send).

    Written in the transaction of the change that causes it, so the work exists
    exactly when the change does; core.outbox carries it out at least once.
    """

    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, help_text="Ids, or {'sealed': …} when sealed.")
    erase_when_done = models.BooleanField(
        default=False, help_text="Blank the payload once done (e-mail bodies, reset links)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    available_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatches = models.PositiveIntegerField(default=0)
    redispatch_at = models.DateTimeField(
        null=True, blank=True, help_text="When the queue is presumed to have lost it."
    )
    leased_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["available_at"], name="outbox_pending", condition=Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
