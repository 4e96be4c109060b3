"""Signed links that act for a person without a sign-in: unsubscribe and mute.

An e-mail or a push is read where nobody is signed in, and RFC 8058's one-click
unsubscribe is a POST from the mail provider: the link itself carries who and what,
signed with SECRET_KEY so that nobody can mute or unsubscribe someone else.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
MUTE_SALT = "notifications.mute"


def absolute(path: str) -> str:
    """A path on the site as a link that works from an e-mail (SITE_URL)."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def email_headers(unsubscribe: str) -> dict[str, str]:
    """List-Unsubscribe with one-click POST (RFC 2369, RFC 8058) for a person's e-mail:
    the same link (unsubscribe_url) as the one its text writes out."""
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def mute_topic_token(user, kind: str, topic: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind, "t": topic}, salt=MUTE_SALT, compress=True)


def mute_thread_token(user, kind: str, thread_id: int) -> str:
    return signing.dumps({"u": user.pk, "k": kind, "r": thread_id}, salt=MUTE_SALT, compress=True)


def thread_named(said: dict, kind) -> int | None:
    """The thread a mute link names. Links made before threads had ids of their own
    ("s") named a subject: still its thread where each subject is its own thread, and
    nothing (None) for a kind whose threads group subjects (a comment's id is no post's).
    A kind without threads has none to mute."""
    if not kind.threads:
        return None
    if "r" in said:
        return said["r"]
    return said.get("s") if kind.thread_subjects is None else None


def mute_url(token: str) -> str:
    return reverse("notifications:mute", args=[token])


def read(token: str, salt: str) -> dict | None:
    """What a signed link says, or None when it was not made here (or was altered)."""
    try:
        said = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return said if isinstance(said, dict) and isinstance(said.get("u"), int) else None
