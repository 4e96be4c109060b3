"""Links that carry a secret never reach a log whole.

E-mail confirmation, password reset, invitation, one-click unsubscribe and mute links
hold their key in the path: an access log line would let whoever reads the logs use
them while they are valid. Each is logged with "…" in place of its key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

# The paths whose next segment is a key (pinned to the URLconf by a test in web).
SECRET_PATHS = (
    "/accounts/confirm-email/",
    "/accounts/password/reset/key/",
    "/organizations/invitations/",
    "/notifications/unsubscribe/",
    "/notifications/mute/",
)
_SECRET_SEGMENT = re.compile(
    "(" + "|".join(re.escape(path) for path in SECRET_PATHS) + r")(?!done/)[^/?#\s\"']+"
)
# The loggers that name requests: the app servers' access logs, which bypass the root
# handler, and Django's, which also has handlers of its own.
REQUEST_LOGGERS = (
    "uvicorn.access",
    "uvicorn.error",
    "django.channels.server",
    "django.request",
    "django.server",
)


def without_secrets(text: str) -> str:
    return _SECRET_SEGMENT.sub(r"\1…", text)


def _hidden(value):
    return without_secrets(value) if isinstance(value, str) else value


class HideSecretLinks(logging.Filter):
    """Rewrites the message and its arguments in place, keeping their shape, since
    uvicorn's access formatter reads its arguments by position and daphne's by name."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _hidden(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: _hidden(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_hidden(value) for value in record.args)
        return True


def hide_secret_links_in_request_logs() -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideSecretLinks) for f in logger.filters):
            logger.addFilter(HideSecretLinks())
