"""Organizations and memberships: every role but resident and operator is one of these.

A membership says who belongs to which organization in which role, who granted it and
when, and when (and by whom) it was revoked; one person can hold several. Invitations
are how people join: an admin invites an e-mail address, its owner accepts.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    AGENCY = "agency", _("Agency")
    OVERSIGHT = "oversight", _("Oversight body")
    MODERATION = "moderation", _("Moderation team")
    LEGAL = "legal", _("Legal review")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")


# What a member is called in each kind of organization (admin, member).
TITLES = {
    Kind.AGENCY: (_("Agency admin"), _("Officer")),
    Kind.OVERSIGHT: (_("Oversight admin"), _("Oversight member")),
    Kind.MODERATION: (_("Team admin"), _("Moderator")),
    Kind.LEGAL: (_("Legal admin"), _("Legal reviewer")),
}


# Control characters, invisible formatting (bidi overrides) and line or paragraph breaks.
NOT_ONE_LINE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def validate_one_line(value: str) -> None:
    """A name goes into e-mail subjects and page titles: a line break there stops the
    e-mail for good (BadHeaderError), so it is one line of plain text."""
    if any(unicodedata.category(c) in NOT_ONE_LINE for c in value):
        raise ValidationError(
            _("A name is one line of plain text, without line breaks or control characters."),
            code="not_one_line",
        )


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    slug = models.SlugField(unique=True)
    area = models.JSONField(
        _("area"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON polygon: an agency's jurisdiction, an oversight body's area."),
    )
    requires_security_keys = models.BooleanField(
        _("members must sign in with a security key or passkey"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def title_of(self, role: str) -> str:
        admin, member = TITLES[self.kind]
        return str(admin if role == Role.ADMIN else member)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_membership",
            )
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="membership_of_user")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} as {self.role}"

    @property
    def title(self) -> str:
        """What the member is called there: officer, moderator, legal reviewer …"""
        return self.organization.title_of(self.role)


EMAIL_MAX_LENGTH = 254  # as Django's EmailField, the longest address SMTP can carry
EMAIL_TOO_LONG = _("An e-mail address has at most %(limit_value)d characters.")


class InvitationQuerySet(models.QuerySet):
    def waiting(self) -> InvitationQuerySet:
        """Neither accepted, withdrawn nor expired: their links still work."""
        return self.filter(accepted_at=None, withdrawn_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An admin's invitation of an e-mail address to a role; only its token's digest is
    stored, and only the account holding that address (verified) can accept it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    def __str__(self) -> str:
        return f"invitation to {self.organization_id} as {self.role}"

    @property
    def title(self) -> str:
        return self.organization.title_of(self.role)
