"""Every change to organizations and memberships: checked, atomic, audited."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from commonwatch.accounts.models import Role as PlatformRole
from commonwatch.accounts.models import User
from commonwatch.accounts.tasks import queue_email
from commonwatch.audit.services import record
from commonwatch.core.errors import Conflict, NotAllowed, NotFound, RateLimited
from commonwatch.core.policies import require, used_security_key
from commonwatch.geo.shapes import polygon_from_geojson, polygon_to_geojson

from .memberships import forget_memberships, memberships_of
from .models import (
    EMAIL_MAX_LENGTH,
    EMAIL_TOO_LONG,
    Invitation,
    Kind,
    Membership,
    Organization,
    Role,
    validate_one_line,
)
from .policies import ACCEPT, CREATE, MANAGE, VIEW

INVITATION_DAYS = 7
INVITATIONS_PER_HOUR = 20  # per admin: a mistake or a stolen session, not a mailing list
# The fixed first segments of addresses under /organizations/ (urls.py): no slug takes one.
RESERVED_SLUGS = frozenset({"new", "invitations"})


def create_organization(
    *,
    operator,
    kind: str,
    name: str,
    first_admin_email: str,
    area: dict | None = None,
    requires_security_keys: bool = False,
) -> tuple[Organization, Invitation]:
    """An operator sets up an organization and invites its first admin, who runs it."""
    require(operator, CREATE)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of organization.")})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the organization its name.")})
    try:
        validate_one_line(name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from exc
    if area is not None:
        area = polygon_to_geojson(polygon_from_geojson(area))
    with transaction.atomic():
        organization = Organization.objects.create(
            kind=kind,
            name=name[:120],
            slug=_free_slug(name),
            area=area,
            requires_security_keys=requires_security_keys,
        )
        record(
            actor=operator,
            action="organizations.organization.created",
            target=organization,
            data={"kind": kind, "security_keys": requires_security_keys},
        )
        invitation = _invite(
            by=operator, organization=organization, email=first_admin_email, role=Role.ADMIN
        )
    return organization, invitation


def _free_slug(name: str) -> str:
    base = slugify(name)[:40] or "organization"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def invite(*, admin, organization: Organization, email: str, role: str = Role.MEMBER):
    """An admin invites an e-mail address to a role; its owner gets a link to accept."""
    require(admin, MANAGE, organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    with transaction.atomic():
        # One invitation at a time per organization, so two at once cannot both be first.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        _require_invitations_left(admin)
        return _invite(by=admin, organization=organization, email=email, role=role)


def _require_invitations_left(admin) -> None:
    hour = timedelta(hours=1)
    sent = list(
        Invitation.objects.filter(invited_by=admin, created_at__gt=timezone.now() - hour)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:INVITATIONS_PER_HOUR]
    )
    if len(sent) < INVITATIONS_PER_HOUR:
        return
    retry_at = sent[-1] + hour
    minutes = math.ceil((retry_at - timezone.now()).total_seconds() / 60)
    raise RateLimited(
        _("An admin sends at most %(n)d invitations an hour: the next one in %(minutes)d min.")
        % {"n": INVITATIONS_PER_HOUR, "minutes": minutes},
        retry_at=retry_at,
        code="invitations",
    )


def _invite(*, by, organization: Organization, email: str, role: str) -> Invitation:
    email = User.objects.normalize_email(email.strip()).lower()
    if "@" not in email:
        raise ValidationError({"email": _("Give the e-mail address to invite.")})
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError({"email": EMAIL_TOO_LONG % {"limit_value": EMAIL_MAX_LENGTH}})
    _require_not_invited_yet(organization, email)
    # Only an operator is told at once (creating an organization): an admin told "this is
    # an operator's address" would learn who has an account, and of what kind. Theirs
    # goes out like any other and cannot be accepted (accept_invitation).
    if by.role == PlatformRole.OPERATOR and _belongs_to_an_operator(email):
        raise ValidationError(
            {
                "email": _(
                    "%(email)s belongs to an operator: operators run the service and stay "
                    "apart from organizations' work. Invite another address."
                )
                % {"email": email}
            }
        )
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        digest=_digest(raw),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    record(
        actor=by,
        actor_role=_acting_as(by, organization),
        action="organizations.invitation.sent",
        target=organization,
        data={"invitation": invitation.pk, "role": role},
    )
    link = settings.SITE_URL + reverse("organizations:invitation", args=[raw])
    title = organization.title_of(role)
    queue_email(
        subject=_one_line(_("You are invited to join %(org)s") % {"org": organization}),
        body=_(
            "You are invited to join %(org)s as %(title)s.\n\n"
            "Accept within %(days)d days, signed in with this e-mail address:\n%(link)s\n\n"
            "You will be asked to set up a second factor before you see anything of "
            "%(org)s. If you did not expect this, ignore this e-mail: it is a one-time "
            "invitation, so there is nothing to unsubscribe from."
        )
        % {"org": organization, "title": title, "days": INVITATION_DAYS, "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    return invitation


def _require_not_invited_yet(organization: Organization, email: str) -> None:
    """One waiting invitation per address, none to a member: a second would only be
    another e-mail, and a member's could never be accepted."""
    if organization.memberships.filter(_holds(email, "user__"), revoked_at=None).exists():
        raise Conflict(_("%(email)s is a member already.") % {"email": email})
    if organization.invitations.waiting().filter(email=email).exists():
        raise Conflict(
            _("An invitation to this address is waiting already: withdraw it to send a new one.")
        )


def _belongs_to_an_operator(email: str) -> bool:
    return User.objects.filter(_holds(email), role=PlatformRole.OPERATOR).exists()


def _holds(email: str, user: str = "") -> Q:
    """An account holding this address, as its e-mail or one of its addresses."""
    return Q(**{f"{user}email__iexact": email}) | Q(**{f"{user}emailaddress__email__iexact": email})


def _one_line(text: str) -> str:
    """A header's value: a name saved before names were checked must not stop the e-mail."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def withdraw_invitation(*, admin, invitation: Invitation) -> Invitation:
    """An admin takes back an invitation not yet answered: its link stops working."""
    require(admin, MANAGE, invitation.organization)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
            raise Conflict(_("This invitation was answered or withdrawn already."))
        _withdraw(invitation, by=admin)
    return invitation


def _withdraw(invitation: Invitation, *, by, reason: str = "") -> None:
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    data = {"invitation": invitation.pk, "role": invitation.role}
    record(
        actor=by,
        actor_role=_acting_as(by, invitation.organization),
        action="organizations.invitation.withdrawn",
        target=invitation.organization,
        data={**data, "reason": reason} if reason else data,
    )


def _withdraw_invitations_around(user, *, by, organization: Organization | None = None) -> None:
    """Someone leaving takes the waiting invitations along: those addressed to them (an
    admin invitation would bring them back) and those they sent (their picks, made as an
    admin they no longer are). `organization`: only there; None: everywhere."""
    addresses = {user.email.lower(), *(e.lower() for e in _addresses_of(user))}
    waiting = Invitation.objects.waiting().filter(Q(invited_by=user) | Q(email__in=addresses))
    if organization is not None:
        waiting = waiting.filter(organization=organization)
    for invitation in waiting.select_for_update().select_related("organization"):
        _withdraw(invitation, by=by, reason="membership_ended")


def _addresses_of(user) -> list[str]:
    return list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_for(raw_token: str) -> Invitation:
    """An invitation that can still be accepted, by its link's token, from someone who
    may still invite."""
    invitation = (
        Invitation.objects.waiting()
        .select_related("organization", "invited_by")
        .filter(digest=_digest(raw_token))
        .first()
    )
    if invitation is None or not _inviter_may_still_invite(invitation):
        raise _not_valid_any_more()
    return invitation


def _not_valid_any_more() -> NotFound:
    return NotFound(_("This invitation is not valid any more: ask for a new one."))


def _inviter_may_still_invite(invitation: Invitation) -> bool:
    """An invitation speaks for its inviter only while they are an admin there, or are
    the operator who created the organization and named its first admin."""
    inviter = invitation.invited_by
    if inviter is None:
        return False
    if inviter.role == PlatformRole.OPERATOR:
        return invitation.role == Role.ADMIN
    return Membership.objects.filter(
        user=inviter, organization_id=invitation.organization_id, role=Role.ADMIN, revoked_at=None
    ).exists()


def accept_invitation(*, user, raw_token: str) -> Membership:
    """The invited person joins: only the account holding the invited address can."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation_for(raw_token).pk)
        if invitation.accepted_at is not None:
            raise Conflict(_("This invitation was accepted already."))
        if invitation.withdrawn_at is not None:  # while we looked
            raise _not_valid_any_more()
        if user.role == PlatformRole.OPERATOR:
            raise NotAllowed(
                _(
                    "Operators run the service and stay apart from organizations' work, so "
                    "an operator's account cannot join one."
                )
            )
        if not _holds_address(user, invitation.email):
            raise NotAllowed(
                _("This invitation is for another e-mail address. Sign in with that one.")
            )
        require(user, ACCEPT, invitation)
        membership = grant_membership(
            user=user,
            organization=invitation.organization,
            role=invitation.role,
            granted_by=invitation.invited_by,
            invitation=invitation,
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


def _holds_address(user, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def grant_membership(
    *, user, organization: Organization, role: str, granted_by, invitation: Invitation | None = None
) -> Membership:
    """Make the user a member (accept_invitation's last step; the demo city seeds with it).
    Through an invitation, joining is the accepting person's act, on the record as theirs."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, organization=organization, role=role, granted_by=granted_by
                )
        except IntegrityError as exc:
            raise Conflict(_("You are a member already.")) from exc
        data = {"user": user.pk, "organization": organization.pk, "role": role}
        if invitation is not None:
            data |= {"invitation": invitation.pk, "invited_by": invitation.invited_by_id}
        record(
            actor=user if invitation is not None else granted_by,
            actor_role="" if invitation is not None else _acting_as(granted_by, organization),
            action="organizations.membership.granted",
            target=membership,
            data=data,
        )
        refresh_staff_flags(user)
    return membership


def revoke_membership(*, admin, membership: Membership) -> Membership:
    """An admin removes a member (not the last admin: someone must run it)."""
    require(admin, MANAGE, membership.organization)
    with transaction.atomic():
        _lock_admins(admin, membership.organization)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.revoked_at is not None:
            raise Conflict(_("This membership has ended already."))
        admins = membership.organization.memberships.filter(role=Role.ADMIN, revoked_at=None)
        if membership.role == Role.ADMIN and admins.count() == 1:
            raise Conflict(_("An organization keeps at least one admin: name another first."))
        _end(membership, by=admin)
        refresh_staff_flags(membership.user)
    return membership


def leave_organization(*, member, organization: Organization) -> Membership:
    """A member leaves on their own, on the record; its last admin names another first,
    as when an admin is removed. Their invitations there are withdrawn with them."""
    require(member, VIEW, organization)
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        membership = (
            Membership.objects.select_for_update()
            .filter(organization=organization, user=member, revoked_at=None)
            .first()
        )
        if membership is None:
            raise Conflict(_("This membership has ended already."))
        admins = organization.memberships.filter(role=Role.ADMIN, revoked_at=None)
        if membership.role == Role.ADMIN and not admins.exclude(pk=membership.pk).exists():
            raise Conflict(
                _("An organization keeps at least one admin: make another member admin first.")
            )
        _end(membership, by=member, action="organizations.membership.left")
        refresh_staff_flags(member)
        forget_memberships(member)
    return membership


def _lock_admins(admin, organization: Organization) -> None:
    """One change of admins at a time per organization: two admins removing or demoting
    each other at once must not both succeed and leave it without one. The acting admin's
    own standing is read again under the lock: one removed a moment ago no longer decides."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    forget_memberships(admin)
    require(admin, MANAGE, organization)


def change_role(*, admin, membership: Membership, role: str) -> Membership:
    """An admin makes a member an admin, or an admin a member (themselves included), from
    their next request on; an organization keeps at least one admin."""
    require(admin, MANAGE, membership.organization)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    organization = membership.organization
    with transaction.atomic():
        _lock_admins(admin, organization)
        membership = (
            Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        )
        if membership.revoked_at is not None:
            raise Conflict(_("This membership has ended already."))
        if membership.role == role:
            raise Conflict(
                _("%(email)s is %(title)s already.")
                % {"email": membership.user.email, "title": organization.title_of(role)}
            )
        others = organization.memberships.filter(role=Role.ADMIN, revoked_at=None)
        if membership.role == Role.ADMIN and not others.exclude(pk=membership.pk).exists():
            raise Conflict(
                _("An organization keeps at least one admin: make another member admin first.")
            )
        before, acting_as = membership.role, _acting_as(admin, organization)
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            actor=admin,
            actor_role=acting_as,
            action="organizations.membership.role_changed",
            target=membership,
            data={
                "user": membership.user_id,
                "organization": organization.pk,
                "before": before,
                "after": role,
            },
        )
        if before == Role.ADMIN:
            _withdraw_invitations_sent_by(membership.user, organization, by=admin)
        refresh_staff_flags(membership.user)
        if membership.user_id == admin.pk:  # their own: the rest of this request knows too
            forget_memberships(admin)
    return membership


def _withdraw_invitations_sent_by(user, organization: Organization, *, by) -> None:
    """An admin made a member takes back the invitations they sent there: their picks,
    made as an admin they no longer are, could not be accepted any more."""
    waiting = Invitation.objects.waiting().filter(invited_by=user, organization=organization)
    for invitation in waiting.select_for_update().select_related("organization"):
        _withdraw(invitation, by=by, reason="role_changed")


def end_memberships_of_closed_account(user, what_they_wrote: str) -> None:
    """accounts.closing: a closed account leaves every organization, on the record, even
    as its last admin (an operator then invites a new one)."""
    for membership in Membership.objects.select_for_update().filter(user=user, revoked_at=None):
        _end(membership, by=user)
    _withdraw_invitations_around(user, by=user)
    forget_memberships(user)


def _end(membership: Membership, *, by, action: str = "organizations.membership.revoked") -> None:
    membership.revoked_at, membership.revoked_by = timezone.now(), by
    membership.save(update_fields=["revoked_at", "revoked_by"])
    record(
        actor=by,
        actor_role=_acting_as(by, membership.organization),
        action=action,
        target=membership,
        data={"user": membership.user_id, "organization": membership.organization_id},
    )
    _withdraw_invitations_around(membership.user, by=by, organization=membership.organization)


def _acting_as(user, organization: Organization) -> str:
    """The role an entry names: an admin acts as the organization's admin ("agency
    admin"), not as the resident their account is; anyone else as their platform role."""
    if user is not None and any(
        m.organization_id == organization.pk and m.role == Role.ADMIN for m in memberships_of(user)
    ):
        return f"{organization.kind} admin"
    return ""


def memberships_summary(user) -> str:
    names = [m.organization.name for m in memberships_of(user)]
    if not names:
        return ""
    return _("You leave %(organizations)s.") % {"organizations": ", ".join(names)}


def require_security_keys(*, admin, organization: Organization, required: bool) -> None:
    """An agency (or any organization) can ask its members to sign in with keys only."""
    require(admin, MANAGE, organization)
    if required and not used_security_key(admin):
        raise Conflict(
            _(
                "Sign in with a security key or passkey yourself first (add one under "
                "Account, Two-factor authentication), so you keep access once keys are required."
            )
        )
    with transaction.atomic():
        organization.requires_security_keys = required
        organization.save(update_fields=["requires_security_keys"])
        record(
            actor=admin,
            actor_role=_acting_as(admin, organization),
            action="organizations.security_keys.required",
            target=organization,
            data={"required": required},
        )
        for membership in organization.memberships.filter(revoked_at=None).select_related("user"):
            refresh_staff_flags(membership.user)


def refresh_staff_flags(user) -> None:
    """Keep the user's row saying whether staff rules apply, so requests need no query."""
    active = Membership.objects.filter(user=user, revoked_at=None)
    user.holds_staff_membership = active.exists()
    user.needs_security_key = active.filter(organization__requires_security_keys=True).exists()
    User.objects.filter(pk=user.pk).update(
        holds_staff_membership=user.holds_staff_membership,
        needs_security_key=user.needs_security_key,
    )
    forget_memberships(user)
