"""Second factors: which ones this session passed, and where to go for a missing one.

Staff work (core.policies: staff=True) needs a second factor passed in this session:
allauth records each authentication step of a session, and a passed TOTP code,
recovery code, security key or passkey is one. Enrolling a factor counts too (it asks
for a code or a touch). An organization may ask for a security key or passkey only.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.urls import reverse

from commonwatch.core import sealing

SECURITY_KEY = Authenticator.Type.WEBAUTHN
# What MfaAdapter.encrypt sealed in each kind of factor's data (as migration 0006 did).
SEALED_FIELDS = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}


def passed(request, user) -> frozenset[str]:
    """The second-factor types passed in this session (empty: none, or no session)."""
    if not hasattr(request, "session"):
        return frozenset()
    records = get_authentication_records(request, user)
    return frozenset(r.get("type", "") for r in records if r.get("method") == "mfa")


def record_enrolment(sender, request, user, authenticator, **kwargs) -> None:
    """allauth's authenticator_added: setting up a factor proves it, like using it."""
    if request is not None and authenticator.type != Authenticator.Type.RECOVERY_CODES:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


def where_to_pass(user, *, security_key: bool, next_path: str) -> str:
    """The page that gets this person the second factor they lack: set one up, or confirm
    the one they have."""
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    if security_key and SECURITY_KEY not in kinds:
        return reverse("mfa_add_webauthn")
    if not kinds - {Authenticator.Type.RECOVERY_CODES}:
        return reverse("mfa_index")
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_path})}"


def may_remove(authenticator: Authenticator) -> bool:
    """Staff keep at least one factor they can sign in with (a key, where one is asked)."""
    user = authenticator.user
    if authenticator.type == Authenticator.Type.RECOVERY_CODES or not user.staff_rules_apply:
        return True
    others = Authenticator.objects.filter(user=user).exclude(pk=authenticator.pk)
    others = others.exclude(type=Authenticator.Type.RECOVERY_CODES)
    if user.needs_security_key:
        others = others.filter(type=SECURITY_KEY)
    return others.exists()


def reseal_all() -> int:
    """Seal every stored second factor's secret with the first of ENCRYPTION_KEYS; how
    many factors. One at a time, locked, so a sign-in meanwhile reads either seal."""
    resealed = 0
    sealed = Authenticator.objects.filter(type__in=SEALED_FIELDS).values_list("pk", flat=True)
    for pk in list(sealed):
        with transaction.atomic():
            factor = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if factor is None:
                continue  # removed meanwhile
            data = dict(factor.data)
            field = SEALED_FIELDS[factor.type]
            if field in data:
                data[field] = sealing.resealed(data[field])
            if "migrated_codes" in data:
                data["migrated_codes"] = [sealing.resealed(c) for c in data["migrated_codes"]]
            factor.data = data
            factor.save(update_fields=["data"])
            resealed += 1
    return resealed
