"""What an owner sees of their imports, and nobody else: another's import is not found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from commonwatch.core.errors import NotFound
from commonwatch.core.policies import can, restrict

from ..models import Camera, Clip, ClipImport, ImportOutcome, ImportState
from . import policies

# The files listed with an import's progress: the latest outcomes, most recent first.
LISTED_FILES = 200


def imports_of(user):
    return restrict(ClipImport.objects.select_related("camera"), user, policies.IMPORT)


def import_for_owner(user, import_id: int) -> ClipImport:
    found = imports_of(user).filter(pk=import_id).first()
    if found is None:
        raise NotFound()
    return found


def cameras_to_import_into(user):
    if not can(user, policies.IMPORT):
        return Camera.objects.none()
    return Camera.objects.filter(owner=user)


@dataclass(frozen=True)
class Progress:
    state: str
    state_label: str
    reason: str
    total: int
    done: int
    counts: dict[str, int]
    files: list[dict]

    @property
    def finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.REFUSED)

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "state_label": self.state_label,
            "reason": self.reason,
            "finished": self.finished,
            "total": self.total,
            "done": self.done,
            "counts": self.counts,
            "files": self.files,
        }


def progress_of(clip_import: ClipImport) -> Progress:
    """Done out of total, the count of each outcome, and the files that have one: each
    that is among the owner's clips (imported, or already there) with that clip's id
    and recorded time, so its page links to it."""
    rows = clip_import.files.values("outcome").annotate(n=Count("pk"))
    counts = {outcome: 0 for outcome in ImportOutcome.values}
    counts.update({row["outcome"]: row["n"] for row in rows})
    total = sum(counts.values())
    files = list(
        clip_import.files.exclude(outcome=ImportOutcome.WAITING)
        .order_by("-pk")
        .values("name", "outcome", "reason", "sha256")[:LISTED_FILES]
    )
    clips = _owners_clips_by_bytes(clip_import.owner_id, files)
    labels = dict(ImportOutcome.choices)
    return Progress(
        state=clip_import.state,
        state_label=str(clip_import.get_state_display()),
        reason=clip_import.reason,
        total=total,
        done=total - counts[ImportOutcome.WAITING],
        counts=counts,
        files=[_listed(f, labels, clips) for f in files],
    )


# The outcomes whose file is one of the owner's clips: the one it became or duplicates.
AMONG_CLIPS = (ImportOutcome.IMPORTED, ImportOutcome.ALREADY)


def _owners_clips_by_bytes(owner_id: int, files: list[dict]) -> dict[str, dict]:
    """{SHA-256: the clip's id and recorded time} of the owner's clips with the bytes of
    these files. By bytes, not by the file's clip link: a file found already imported
    at intake (or a copy of another file of the same import) names no clip, but the
    check that judged it compared the bytes of the owner's clips, and an owner has one
    clip per bytes (clip_once_per_owner). Only the owner's clips are looked at, so an
    import never shows anything of another person's; a clip deleted since is not found."""
    hashes = {f["sha256"] for f in files if f["outcome"] in AMONG_CLIPS and f["sha256"]}
    clips = Clip.objects.filter(owner_id=owner_id, received_sha256__in=hashes)
    return {
        c["received_sha256"]: {"clip_id": c["pk"], "recorded_at": c["recorded_at"]}
        for c in clips.values("received_sha256", "pk", "recorded_at")
    }


def _listed(file: dict, labels: dict, clips: dict[str, dict]) -> dict:
    clip = clips.get(file["sha256"], {}) if file["outcome"] in AMONG_CLIPS else {}
    return {
        "name": file["name"],
        "outcome": file["outcome"],
        "outcome_label": str(labels[file["outcome"]]),
        "reason": file["reason"],
        "clip_id": clip.get("clip_id"),
        "recorded_at": clip.get("recorded_at"),
    }
