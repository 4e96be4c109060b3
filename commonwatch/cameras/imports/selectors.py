"""What an owner sees of their imports, and nobody else: another's import is not found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F
from django.utils.translation import gettext as _

from commonwatch.core.errors import NotFound
from commonwatch.core.policies import can, restrict

from ..models import Camera, ClipImport, ImportOutcome, ImportState
from . import policies

# The files listed with an import's progress: the latest outcomes, most recent first.
LISTED_FILES = 200


def imports_of(user):
    return restrict(ClipImport.objects.select_related("camera"), user, policies.IMPORT)


def import_for_owner(user, import_id: int) -> ClipImport:
    found = imports_of(user).filter(pk=import_id).first()
    if found is None:
        raise NotFound(_("This does not exist, or it is not yours to see."))
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
    """Done out of total, the count of each outcome, and the files that have one."""
    rows = clip_import.files.values("outcome").annotate(n=Count("pk"))
    counts = {outcome: 0 for outcome in ImportOutcome.values}
    counts.update({row["outcome"]: row["n"] for row in rows})
    total = sum(counts.values())
    files = (
        clip_import.files.exclude(outcome=ImportOutcome.WAITING)
        .order_by("-pk")
        .values("name", "outcome", "reason", recorded_at=F("clip__recorded_at"))[:LISTED_FILES]
    )
    labels = dict(ImportOutcome.choices)
    return Progress(
        state=clip_import.state,
        state_label=str(clip_import.get_state_display()),
        reason=clip_import.reason,
        total=total,
        done=total - counts[ImportOutcome.WAITING],
        counts=counts,
        files=[{**f, "outcome_label": str(labels[f["outcome"]])} for f in files],
    )
