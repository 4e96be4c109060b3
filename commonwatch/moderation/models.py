"""What moderators decided, what residents flagged and appealed, and the penalties that followed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    REQUEUE = "requeue", _("Sent back to the queue")
    GRANT_APPEAL = "grant_appeal", _("Appeal granted")
    DENY_APPEAL = "deny_appeal", _("Appeal denied")
    REQUEST_CHANGES = "request_changes", _("Appeal granted: changes requested")
    KEEP = "keep", _("Flags dismissed: stays published")


class Rule(models.TextChoices):
    """The community rules: a flag says which one a post breaks, a rejection cites one."""

    PROFILING = "profiling", _("Profiles a person or group")
    PRIVATE_INFO = "private_info", _("Shares private information")
    FALSE = "false", _("False or misleading")
    HARASSMENT = "harassment", _("Harassment or hate")
    OFF_TOPIC = "off_topic", _("Not about neighborhood safety")
    OTHER = "other", _("Something else")

    @property
    def description(self) -> str:
        """The rule in full, as the guidelines page and a rejected author read it."""
        return RULE_DESCRIPTIONS[self]


# One place for what each rule means: the guidelines page and the author's view of a
# rejection both read it, so what residents are told can never drift from what
# moderators cite. A rule without its description fails at import, not on a page.
RULE_DESCRIPTIONS = {
    Rule.PROFILING: _(
        "Describe what a person did, and enough of their clothing, build and behavior to "
        "recognize them. A description by race or ethnicity alone, or a post that treats "
        "someone as suspicious because of who they are rather than what they did, is refused."
    ),
    Rule.PRIVATE_INFO: _(
        "Do not share anyone's phone number, e-mail address or street address, yours "
        "included, or other details that identify or locate a private person. Say where "
        "something happened by the street or the block."
    ),
    Rule.FALSE: _(
        "Post what you saw or know. Rumors passed on as fact, invented events and "
        "misleading pictures put neighbors at risk and are removed."
    ),
    Rule.HARASSMENT: _(
        "No threats, insults, calls to confront or punish anyone, and nothing that attacks "
        "people for their race, ethnicity, religion, origin, gender, sexuality, disability "
        "or age."
    ),
    Rule.OFF_TOPIC: _(
        "Posts are about the safety and life of the neighborhood: what happened, what to "
        "watch for, lost pets, help offered. Advertising, politics and personal disputes "
        "belong elsewhere."
    ),
    Rule.OTHER: _(
        "Something this list does not name but that harms neighbors or the trust they place "
        "in each other. The moderator says what it is in the reason they write to you."
    ),
}
assert set(RULE_DESCRIPTIONS) == set(Rule), "every Rule needs its description"


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
    rule = models.CharField(
        max_length=16, choices=Rule.choices, blank=True, help_text=_("The rule a rejection cites.")
    )
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

    @property
    def rule_description(self) -> str:
        return Rule(self.rule).description if self.rule else ""


class Flag(models.Model):
    """A neighbor's flag: in the moderators' queue from the first one (see docs/moderation.md)."""

    post = models.ForeignKey("community.Post", on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(max_length=16, choices=Rule.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="flag_once_per_user")]

    def __str__(self) -> str:
        return f"flag on {self.post_id}: {self.reason}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    GRANTED = "granted", _("Granted: the decision was reversed")
    DENIED = "denied", _("Denied: the decision stands")
    CHANGES_REQUESTED = "changes", _("Granted: edit your post and it is reviewed again")
    WITHDRAWN = "withdrawn", _("Withdrawn: the author edited or deleted the post")


class Appeal(models.Model):
    """An author asking a moderator to look again at one rejection: once per rejection."""

    rejection = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals"
    )
    statement = models.TextField(_("why the decision should change"), max_length=1000)
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    answer = models.TextField(blank=True, help_text=_("The moderator's answer, for the author."))
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"appeal {self.status} by {self.author_id}"


class Penalty(models.Model):
    """One step on a resident's penalty ladder, caused by one moderator's rejection.

    `posting_until` is empty for a warning. A granted appeal lifts the penalty of the
    rejection it reverses; lifted penalties no longer count toward the next step.
    """

    # Accounts are closed, never deleted: the ladder's history stays (accounts.closing).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="penalties"
    )
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="penalty")
    step = models.PositiveSmallIntegerField()
    posting_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="penalty_history")]

    def __str__(self) -> str:
        return f"penalty step {self.step} for {self.user_id}"


class Claim(models.Model):
    """A moderator working on one queue item: others still see it, but cannot decide it
    until the claim is released or expires (moderation.queue.CLAIM_FOR)."""

    item = models.CharField(max_length=32, unique=True, help_text=_("post:12, comment:3, appeal:7"))
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    claimed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.item} claimed by {self.moderator_id}"


class CheckStop(models.Model):
    """How many texts the automatic checks stopped, per rule and month: a count, never
    the text or who wrote it (the public log shows it, docs/moderation.md)."""

    rule = models.CharField(max_length=16, choices=Rule.choices)
    month = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "month"], name="check_stop_per_rule_month")
        ]

    def __str__(self) -> str:
        return f"{self.count} stopped for {self.rule} in {self.month:%Y-%m}"
