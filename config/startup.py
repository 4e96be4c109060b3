"""Start-up: a refused setting ends the process with its one sentence.

Every variable the settings cannot use raises ImproperlyConfigured naming it, and that
sentence is all an operator needs; the fifty lines of import traceback above it only
hide it in a service's log. Any other error keeps its traceback. App servers also stop
on what `manage.py check` refuses, which uvicorn never runs.
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


def refuse_failed_checks_or_exit() -> None:
    """A MAP_TILES file that is not there or a GEOCODER nobody provides stops the app
    server with one line each, instead of a basemap or a search failing for visitors."""
    from django.core.checks import ERROR, run_checks

    failed = [m for m in run_checks() if m.level >= ERROR and not m.is_silenced()]
    for message in failed:
        sys.stderr.write(f"{message.msg} {message.hint or ''}".rstrip() + f" ({message.id})\n")
    if failed:
        raise SystemExit(1)
