"""The few domain errors services raise; each transport maps them once.

Invalid input stays Django's ValidationError (422 on the API, form errors on pages).
What the asker may not know exists is NotFound (404); what they may see but not do
is NotAllowed (403); a change the object's current state refuses is Conflict (409);
too many changes too fast is RateLimited (429, with the time of the next chance);
a service we rely on that is down is Unavailable (503).

Pages (core.middleware) and the API (web.api) answer the status; a WebSocket closes
with 4000 + the status and the message as its reason (socket_close).
"""

from __future__ import annotations

import math
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message, self.code = message, code


class NotFound(DomainError):
    """Said alike of what does not exist and of what is not the asker's to see, so the
    answer never tells the two apart."""

    status = 404

    def __init__(self, message: str = _("This does not exist, or it is not yours to see."), **kw):
        super().__init__(str(message), **kw)  # in the asker's language, at the raise


class NotAllowed(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class RateLimited(DomainError):
    status = 429

    def __init__(self, message: str, *, retry_at: datetime, code: str = "rate_limited"):
        super().__init__(message, code=code)
        self.retry_at = retry_at

    def retry_after_seconds(self) -> int:
        """For the Retry-After header: whole seconds, at least one."""
        return max(1, math.ceil((self.retry_at - timezone.now()).total_seconds()))


class Unavailable(DomainError):
    """A service we rely on (an address search) is off or not answering: try another way."""

    status = 503


class SecondFactorRequired(DomainError):
    """Staff work needs a second factor passed in this session (a security key or passkey
    where the organization asks for one): pages send the person to set one up or to
    confirm it; the API answers 403."""

    status = 403

    def __init__(self, message: str = "", *, security_key: bool = False):
        super().__init__(
            message
            or (
                "This needs a security key or passkey, confirmed in this session."
                if security_key
                else "This needs a second factor, confirmed in this session."
            ),
            code="second_factor",
        )
        self.security_key = security_key


# A close reason is at most 123 bytes of UTF-8 (RFC 6455, 5.5).
CLOSE_REASON_BYTES = 123


def socket_close(error: DomainError) -> tuple[int, str]:
    """How a WebSocket ends on a domain error: (4000 + its status, its message, cut short)."""
    reason = error.message.encode()[:CLOSE_REASON_BYTES].decode("utf-8", "ignore")
    return 4000 + error.status, reason
