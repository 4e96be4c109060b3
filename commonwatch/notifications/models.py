"""One model for every message a person receives, whatever app it comes from.

A notification says who is told (recipient), of what kind (``community.post_alert``
now; video requests, shares and legal notices next) and about which object of that
kind (subject_id, read by the kind's own app: kinds.py). It keeps, per channel, when
it went out: read in the inbox, e-mailed (now in the daily digest), pushed (next).
Rows are written by the hundred thousand for one busy post, so they stay lean.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In Commonwatch")
    EMAIL = "email", _("By e-mail")
    PUSH = "push", _("Push to this device")


class Notification(models.Model):
    # No index of its own: the unique (recipient, kind, subject) index serves it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    pushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_id"], name="notified_once_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} for {self.recipient_id}"


class Preference(models.Model):
    """A person's choice for one kind on one channel; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="one_choice_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel}: {'on' if self.enabled else 'off'}"
