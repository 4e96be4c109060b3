"""Start-up: a refused setting ends the process with its one sentence.

Every variable the settings cannot use raises ImproperlyConfigured naming it, and that
sentence is all an operator needs; the fifty lines of import traceback above it only
hide it in a service's log. Any other error keeps its traceback.
"""

from __future__ import annotations

import os
import sys


def load_settings_or_exit() -> None:
    """Import the settings now, before Django does it somewhere deep in a traceback."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting imports the module
    except ImproperlyConfigured as refusal:
        sys.stderr.write(f"{refusal}\n")
        raise SystemExit(1) from None
