"""A media storage whose saves wait until the test lets them go, as an object store that
has stopped answering would (an app server started with
DJANGO_SETTINGS_MODULE=commonwatch.media.tests.stalling_settings uses it).

Each save writes a file under DATA_DIR/stalled-saves/ naming itself, then waits (at most
a minute) for DATA_DIR/stalled-saves/finish before it stores the bytes on local disk.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

FOLDER = "stalled-saves"


def stalled_saves(data_dir: Path) -> list[Path]:
    folder = data_dir / FOLDER
    return sorted(folder.glob("saving-*")) if folder.exists() else []


def let_saves_finish(data_dir: Path) -> None:
    folder = data_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "finish").touch()


class StallingStorage(FileSystemStorage):
    def _save(self, name, content):
        folder = Path(settings.DATA_DIR) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"saving-{uuid.uuid4().hex}").write_text(name)
        deadline = time.monotonic() + 60
        while not (folder / "finish").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never let the save finish")
            time.sleep(0.02)
        return super()._save(name, content)
