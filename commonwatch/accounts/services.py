"""Every write about accounts: keyword-only, validated, atomic."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonwatch.geo.distance import miles_to_m

from .models import MAX_ALERT_RADIUS_MI, MIN_ALERT_RADIUS_MI, ApiToken, Home, User
from .roles import Capability, can
from .selectors import token_digest

TOKEN_PREFIX = "cw_"  # noqa: S105 - a marker, not a secret


def set_home(*, user: User, lat: float, lng: float, radius_mi: float) -> Home:
    """Create or move a resident's home point and alert radius."""
    if not can(user, Capability.SET_HOME):
        raise ValidationError(_("Only residents set a home point."), code="not_resident")
    if not MIN_ALERT_RADIUS_MI <= radius_mi <= MAX_ALERT_RADIUS_MI:
        raise ValidationError(
            {
                "radius_mi": _("The alert radius must be between %(min)s and %(max)s miles.")
                % {"min": MIN_ALERT_RADIUS_MI, "max": MAX_ALERT_RADIUS_MI}
            }
        )
    with transaction.atomic():
        home = Home.objects.select_for_update().filter(user=user).first() or Home(user=user)
        home.lat, home.lng, home.radius_m = lat, lng, miles_to_m(radius_mi)
        home.locate()
        home.full_clean(exclude=["user"])
        home.save()
    user.home = home  # the user object may hold the old home (home_of reads user.home)
    return home


def set_daily_digest(*, user: User, enabled: bool) -> None:
    """Opt in or out of the daily e-mail of posts that reached the resident's circle."""
    User.objects.filter(pk=user.pk).update(daily_digest=enabled)
    user.daily_digest = enabled


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name you will recognise.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:80], prefix=raw[:10], digest=token_digest(raw))
    token.save()
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> bool:
    deleted, _detail = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def touch_api_token(*, raw_token: str) -> None:
    ApiToken.objects.filter(digest=token_digest(raw_token)).update(last_used_at=timezone.now())


def delete_account(*, user: User) -> None:
    """Delete the account and everything that is only theirs (home, tokens, MFA)."""
    with transaction.atomic():
        user.delete()


def enroll_totp(*, user: User, secret: str) -> list[str]:
    """Give a user a TOTP authenticator and recovery codes (demo city, tests, support).

    Returns the recovery codes. People enroll themselves through allauth's pages.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    with transaction.atomic():
        Authenticator.objects.filter(user=user).delete()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user)
    return codes.get_unused_codes()
