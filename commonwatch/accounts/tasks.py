"""Background work of the accounts app: e-mail, carried out through the outbox.

An e-mail's rendered text lives only in its outbox row, sealed with ENCRYPTION_KEYS
while it waits (a reset link is unreadable in the database or a backup) and blanked
once the mail is sent; the task queue and its result store see only the row's id.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid

from commonwatch.core import outbox

EMAIL = "accounts.email"


@outbox.handler(EMAIL)
def send_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str | None = None,
    headers: dict[str, str] | None = None,
    withheld: bool = False,
) -> int:
    if withheld:
        return 0
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def site_subject(subject: str) -> str:
    """The subject as the inbox lists it: the site's name in brackets first ("[Commonwatch]
    Reset your password"), so every e-mail of the site (an alert, a digest, a sign-in code,
    an invitation) is known as the site's at a glance, and filtered as one. The name is
    SITE_NAME, as the e-mails' greetings and signatures say it (adapters.mail_site)."""
    return f"[{settings.SITE_NAME}] {subject}"


def queue_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html=None,
    headers=None,
    withheld: bool = False,
) -> None:
    """Send an e-mail after the current transaction commits, retried until it goes out.
    Callers give the subject alone: the site's name goes before it here (site_subject).
    `headers`: e.g. List-Unsubscribe, set by the notifications that can be turned off.
    A `withheld` one (past its address's cap: accounts.mail_caps) goes the same way and
    is dropped by the worker, so asking for it costs the request the same."""
    outbox.put(
        EMAIL,
        sealed=True,
        erase_when_done=True,
        subject=site_subject(subject),
        body=body,
        from_email=from_email,
        to=list(to),
        html=html,
        # Named at queueing, so a retry after a relay's failure is the same message, and
        # after the site (SITE_URL's host), not the worker's host name ("localhost").
        headers={"Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname)}
        | dict(headers or {}),
        withheld=withheld,
    )
