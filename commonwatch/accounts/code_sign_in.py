"""Signing in by an e-mailed code (allauth's flow), with a way back from the page that
waits for the code: allauth's offers only Cancel, which forgets the address typed, so a
typo in it meant typing everything again. Nothing here tells whether an account uses an
address: that page and the one before it read the same for any address."""

from __future__ import annotations

from allauth.account.internal.stagekit import clear_login, get_pending_stage
from allauth.account.stages import LoginByCodeStage

from commonwatch.core import shown_once

# The page the address is taken back to, as shown_once names it.
ADDRESS_FORM = "account_request_login_code"


def use_another_address(request) -> None:
    """End the code sign-in this browser waits on (its code no longer signs in here) and
    keep the address it was sent to for the address form's next view, to be corrected."""
    stage = get_pending_stage(request)
    if not isinstance(stage, LoginByCodeStage):
        return
    address = stage.state.get("email")
    clear_login(request)
    if address:
        shown_once.keep_for_one_view(request, ADDRESS_FORM, {"email": address})


def address_to_correct(request) -> str:
    """The address use_another_address kept, once ("" when there is none)."""
    return (shown_once.take(request, ADDRESS_FORM) or {}).get("email", "")
