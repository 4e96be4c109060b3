"""Open live sockets follow their account at once: a home move, a sign-out, a role
change, a new password or a deleted account reach every socket of that person.

Each feed socket listens to its account's group; an "account.changed" event makes it
check its session again (accounts.selectors.reader_of_session) and resubscribe to
its new area, or close. A socket whose own session just ended closes without asking.
"""

from __future__ import annotations

from commonwatch.core import outbox
from commonwatch.core.live import publish

ACCOUNT_CHANGED = "account.changed"
ANNOUNCE_ACCOUNT_CHANGE = "accounts.account_changed"


def account_group(user_id: int) -> str:
    return f"account.{user_id}"


def account_changed(user_id: int, *, ended_session: str | None = None) -> None:
    """After the current transaction commits, tell the account's sockets to look again."""
    outbox.put(ANNOUNCE_ACCOUNT_CHANGE, inline=True, user_id=user_id, ended_session=ended_session)


@outbox.handler(ANNOUNCE_ACCOUNT_CHANGE)
def announce_account_change(*, user_id: int, ended_session: str | None) -> None:
    event = {
        "type": ACCOUNT_CHANGED,
        "group": account_group(user_id),
        "ended_session": ended_session,
    }
    publish(event)


def on_signed_out(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_out: the session about to be flushed ends its socket."""
    if user is not None:
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        account_changed(user.pk, ended_session=session_key)


def on_password_changed(sender, request, user, **kwargs) -> None:
    """allauth's password signals: other sessions no longer verify, their sockets close."""
    account_changed(user.pk)
