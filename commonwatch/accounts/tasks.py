"""Background work of the accounts app, through the project's one task API."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(
    *, subject: str, body: str, from_email: str, to: list[str], html: str | None = None
) -> int:
    """Send one e-mail; web requests enqueue this instead of waiting on SMTP."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
