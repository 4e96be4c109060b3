"""Every write about accounts: keyword-only, validated, atomic."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.audit.services import record
from commonwatch.core.errors import Conflict, NotAllowed, NotFound, RateLimited
from commonwatch.core.policies import can
from commonwatch.core.time_zone import in_reader_zone
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.points import is_number, require_point

from .closing import WhatTheyWrote, run_closing_steps
from .live import account_changed
from .models import (
    HOME_CHANGES_PER_DAY,
    MAX_ALERT_RADIUS_MI,
    MIN_ALERT_RADIUS_MI,
    ApiToken,
    Home,
    HomeChange,
    Role,
    TokenScope,
    User,
)
from .policies import HOME
from .selectors import token_digest

TOKEN_PREFIX = "cw_"  # noqa: S105 - a marker, not a secret
TOKEN_LIFETIMES_DAYS = (7, 30, 90, 365)
DEFAULT_TOKEN_LIFETIME_DAYS = 90
# Recording every request's use would write on every API call; a few minutes is enough.
TOKEN_USE_RESOLUTION = timedelta(minutes=5)
HOME_CHANGE_WINDOW = timedelta(days=1)


def _require_home_values(lat, lng, radius_mi) -> None:
    errors = {}
    try:
        require_point(lat, lng)
    except ValidationError as exc:
        errors = exc.message_dict
    if not is_number(radius_mi) or not MIN_ALERT_RADIUS_MI <= radius_mi <= MAX_ALERT_RADIUS_MI:
        errors["radius_mi"] = [
            _("The alert radius must be between %(min)s and %(max)s miles.")
            % {"min": MIN_ALERT_RADIUS_MI, "max": MAX_ALERT_RADIUS_MI}
        ]
    if errors:
        raise ValidationError(errors)


def set_home(*, user: User, lat: float, lng: float, radius_mi: float) -> Home:
    """Create or move a resident's home point and alert radius, a few times a day at most.

    Open live sockets follow the move at once (accounts.live).
    """
    if not can(user, HOME):
        raise NotAllowed(_("Only residents set a home point."), code="not_resident")
    _require_home_values(lat, lng, radius_mi)
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time
        home = Home.objects.filter(user=user).first() or Home(user=user)
        radius_m = miles_to_m(radius_mi)
        if home.pk is not None and (home.lat, home.lng, home.radius_m) == (lat, lng, radius_m):
            return home
        _require_home_change_allowed(user, now)
        home.lat, home.lng, home.radius_m = lat, lng, radius_m
        home.locate()
        home.full_clean(exclude=["user"])
        home.save()
        HomeChange.objects.create(user=user, changed_at=now)
        account_changed(user.pk)
    user.home = home  # the user object may hold the old home (home_of reads user.home)
    return home


def _require_home_change_allowed(user: User, now: datetime) -> None:
    HomeChange.objects.filter(user=user, changed_at__lte=now - HOME_CHANGE_WINDOW).delete()
    recent = list(
        HomeChange.objects.filter(user=user)
        .order_by("changed_at")
        .values_list("changed_at", flat=True)[:HOME_CHANGES_PER_DAY]
    )
    if len(recent) < HOME_CHANGES_PER_DAY:
        return
    retry_at = recent[0] + HOME_CHANGE_WINDOW
    raise RateLimited(
        _(
            "Your home and alert radius can change %(n)d times a day, and they have changed "
            "that often since yesterday. Your next change is possible at %(when)s."
        )
        % {
            "n": HOME_CHANGES_PER_DAY,
            "when": in_reader_zone(retry_at),
        },
        retry_at=retry_at,
        code="home_changes",
    )


def choose_idle_sign_out(*, user: User, enabled: bool) -> None:
    """A resident's choice to be signed out after the idle timeout, as staff always are."""
    User.objects.filter(pk=user.pk).update(idle_sign_out=enabled)
    user.idle_sign_out = enabled


def new_secret_token(prefix: str) -> tuple[str, str]:
    """A fresh random token starting with `prefix`, and the digest that is all we keep of
    it (selectors.token_digest): personal API tokens and cameras' device tokens alike."""
    raw = prefix + secrets.token_urlsafe(32)
    return raw, token_digest(raw)


def create_api_token(
    *,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    lifetime_days: int = DEFAULT_TOKEN_LIFETIME_DAYS,
) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name you will recognize.")})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose what the token may do.")})
    if lifetime_days not in TOKEN_LIFETIMES_DAYS:
        raise ValidationError({"lifetime_days": _("Choose how long the token lasts.")})
    raw, digest = new_secret_token(TOKEN_PREFIX)
    token = ApiToken(
        user=user,
        name=name[:80],
        prefix=raw[:10],
        digest=digest,
        scope=scope,
        expires_at=timezone.now() + timedelta(days=lifetime_days),
    )
    with transaction.atomic():
        token.save()
        record(
            actor=user,
            action="accounts.token.created",
            target=token,
            data={"scope": scope, "days": lifetime_days},
        )
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; anyone else's is, to them, no token at all."""
    with transaction.atomic():
        deleted, _detail = ApiToken.objects.filter(user=user, pk=token_id).delete()
        if not deleted:
            raise NotFound(_("There is no such token among yours."))
        record(actor=user, action="accounts.token.revoked", data={"token": token_id})


def touch_api_token(*, token: ApiToken) -> None:
    """Remember when a token was last used, to within TOKEN_USE_RESOLUTION."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def update_role_and_access(*, operator: User, user: User, role: str, is_active: bool) -> User:
    """An operator's change of someone's role or access, audited; their sockets follow."""
    with transaction.atomic():
        before = User.objects.filter(pk=user.pk).values("role", "is_active").get()
        user.role, user.is_active = role, is_active
        user.save(update_fields=["role", "is_active", "is_staff", "is_superuser"])
        record(
            actor=operator,
            action="accounts.access.changed",
            target=user,
            data={"before": before, "after": {"role": role, "is_active": is_active}},
        )
        account_changed(user.pk)
    return user


def delete_account(*, user: User, what_they_wrote: str = WhatTheyWrote.REMOVE) -> None:
    """Close the account: everything only theirs goes, the row stays anonymised (see
    closing.py), and what they wrote is removed or kept as a former neighbor's."""
    if what_they_wrote not in WhatTheyWrote.values:
        raise ValidationError({"what_they_wrote": _("Choose what happens to your posts.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.closed_at is not None:
            raise Conflict(_("This account is already deleted."))
        run_closing_steps(user, what_they_wrote)
        _forget_personal_data(user)
        record(
            actor=user,
            action="accounts.account.deleted",
            target=user,
            data={"posts_and_comments": what_they_wrote},
        )
        account_changed(user.pk)


def _forget_personal_data(user: User) -> None:
    Home.objects.filter(user=user).delete()
    HomeChange.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    user.email = f"former-neighbor-{user.pk}@closed.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.role = Role.RESIDENT
    user.idle_sign_out = False
    user.holds_staff_membership = user.needs_security_key = False
    user.last_login = None
    user.closed_at = timezone.now()
    user.save()


def enroll_totp(*, user: User, secret: str) -> list[str]:
    """Give a user a TOTP authenticator and recovery codes (demo city, tests, support).

    Returns the recovery codes. People enroll themselves through allauth's pages.
    """
    with transaction.atomic():
        Authenticator.objects.filter(user=user).delete()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user)
    return codes.get_unused_codes()


def record_staff_sign_in(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_in: staff sign-ins are audited."""
    if user.staff_rules_apply:
        record(actor=user, action="accounts.staff.signed_in", target=user)
