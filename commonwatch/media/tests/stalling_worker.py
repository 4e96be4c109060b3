"""``python -m commonwatch.media.tests.stalling_worker DIR``: a burst task worker whose
media processing stops half-way (after claiming the file) until DIR/finish exists, so a
test can kill it there."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from commonwatch.media import cleaning

    folder = Path(sys.argv[1])
    real_clean = cleaning.clean

    def stalled_clean(*args, **kwargs):
        (folder / "started").write_text(str(os.getpid()))
        while not (folder / "finish").exists():
            time.sleep(0.05)
        return real_clean(*args, **kwargs)

    cleaning.clean = stalled_clean
    call_command("task_worker", "--burst")
