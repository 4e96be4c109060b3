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


class Delivery(models.TextChoices):
    """How one topic of a kind (a post category) reaches a person beyond the inbox."""

    PUSH = "push", _("Instant push")
    EMAIL = "email", _("Instant e-mail")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("Off")


class Preference(models.Model):
    """A person's choice for one topic of one kind; without a row, the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_choices"
    )
    kind = models.CharField(max_length=40)
    topic = models.CharField(max_length=40, blank=True, default="")
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "topic"], name="one_choice_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.topic}: {self.delivery}"


class QuietHours(models.Model):
    """Hours of the person's day when nothing is pushed or e-mailed at once; what comes
    meanwhile waits until they end (notifications.services.deliver)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64)

    def __str__(self) -> str:
        return f"{self.starts}-{self.ends} {self.time_zone}"


class MutedThread(models.Model):
    """A thread (a post and what follows it: its alerts, or the comments on one's own
    post) the person wants no more pushes or e-mails about; it leaves their inbox and
    digest too. `subject_id` is the thread's id (Kind.thread_of)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_threads"
    )
    kind = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    muted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "subject_id"], name="muted_once_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} muted by {self.user_id}"


class PushSubscription(models.Model):
    """One browser on one device that accepts web pushes for its person (the Push API's
    PushSubscription: the push service's endpoint and the keys to encrypt for it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"push to {self.user_id} via {self.endpoint[:40]}"
