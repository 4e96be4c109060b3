"""The on-disk queue of clips waiting to be sent, safe against a kill at any moment.

Layout under the spool directory:

    tmp/<clip>/        a clip being written; anything here after a crash is discarded
    queue/<clip>/      clip.mp4 + clip.json, moved here in one atomic rename when whole;
                       upload.url, the tus upload URL, written before the first byte is sent
    sent/<clip>.json   written (atomically) once the server holds every byte
    refused/<clip>/    clips the server refused for good, kept for the owner to look at
    sources/<key>      recordings already watched to the end

A clip is known once it is in queue/, sent/ or refused/; the cutter asks before cutting,
so a restarted agent that meets the same motion again does not queue it twice. The
sender writes sent/ before removing queue/, so a clip is always in one of them.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

CLIP_FILE = "clip.mp4"
META_FILE = "clip.json"
URL_FILE = "upload.url"


@dataclass(frozen=True)
class QueuedClip:
    """A whole clip in the queue, with what the server needs to know about it."""

    clip_id: str
    folder: Path

    @property
    def video(self) -> Path:
        return self.folder / CLIP_FILE

    @property
    def meta(self) -> dict:
        return json.loads((self.folder / META_FILE).read_text(encoding="utf-8"))

    def upload_url(self) -> str | None:
        """The tus upload started for this clip by this or an earlier run, if any."""
        try:
            return (self.folder / URL_FILE).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def remember_upload(self, url: str) -> None:
        write_atomically(self.folder / URL_FILE, url.encode())

    def forget_upload(self) -> None:
        (self.folder / URL_FILE).unlink(missing_ok=True)
        fsync_dir(self.folder)


class Spool:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.queue = self.root / "queue"
        self.sent = self.root / "sent"
        self.refused = self.root / "refused"
        self.sources = self.root / "sources"

    def open(self) -> Spool:
        """Make the folders and finish what a killed run left half done."""
        for folder in (self.tmp, self.queue, self.sent, self.refused, self.sources):
            folder.mkdir(parents=True, exist_ok=True)
        for leftover in self.tmp.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
        for folder in self.queue.iterdir():
            if (self.sent / f"{folder.name}.json").exists():
                shutil.rmtree(folder, ignore_errors=True)
        return self

    def knows(self, clip_id: str) -> bool:
        return (
            (self.queue / clip_id).exists()
            or (self.sent / f"{clip_id}.json").exists()
            or (self.refused / clip_id).exists()
        )

    def start_clip(self, clip_id: str) -> Path:
        """A fresh private folder to write a clip into (see `queue_clip`)."""
        folder = self.tmp / clip_id
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        return folder

    def queue_clip(self, folder: Path, meta: dict) -> QueuedClip:
        """Publish a whole clip written in `folder`: its video and metadata are made
        durable, then the folder is renamed into the queue in one step."""
        fsync_file(folder / CLIP_FILE)
        write_atomically(folder / META_FILE, json.dumps(meta, sort_keys=True).encode())
        target = self.queue / folder.name
        os.rename(folder, target)
        fsync_dir(self.queue)
        fsync_dir(self.tmp)
        return QueuedClip(folder.name, target)

    def queued(self) -> list[QueuedClip]:
        """Clips waiting to be sent, oldest recording first."""
        clips = [QueuedClip(folder.name, folder) for folder in self.queue.iterdir()]
        return sorted(clips, key=lambda clip: (clip.meta["recorded_at"], clip.clip_id))

    def mark_sent(self, clip: QueuedClip, url: str) -> None:
        record = dict(clip.meta, upload_url=url)
        write_atomically(self.sent / f"{clip.clip_id}.json", json.dumps(record).encode())
        shutil.rmtree(clip.folder)
        fsync_dir(self.queue)

    def mark_refused(self, clip: QueuedClip, reason: str) -> None:
        (clip.folder / "refused.txt").write_text(reason, encoding="utf-8")
        os.rename(clip.folder, self.refused / clip.clip_id)
        fsync_dir(self.refused)

    def source_done(self, key: str) -> bool:
        return (self.sources / key).exists()

    def mark_source_done(self, key: str, description: str) -> None:
        write_atomically(self.sources / key, description.encode())


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that readers (and a restarted agent) see the old or the new
    content, never a part: a temporary sibling, fsync, rename."""
    part = path.with_name(f".{path.name}.part")
    with open(part, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)
    fsync_dir(path.parent)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
