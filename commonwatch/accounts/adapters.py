"""allauth hooks: mail through the task queue, and MFA that staff cannot remove."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from .roles import MFA_REQUIRED_ROLES
from .tasks import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, kind in message.alternatives if kind == "text/html"), None
        )
        queue_email(
            subject=message.subject,
            body=message.body,
            from_email=message.from_email,
            to=list(message.to),
            html=html,
        )


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may not remove their TOTP: their role requires it."""
        if authenticator.type != Authenticator.Type.TOTP:
            return True
        return authenticator.user.role not in MFA_REQUIRED_ROLES
