"""Import a household's exported clips from a folder or a zip on this machine.

For operators moving an owner over from another camera app: the same checks as the
owner's import page (imports.services), run here and now with a progress bar, so a
large export needs no upload at all. The clips are then processed by the task worker.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from commonwatch.cameras.imports import services
from commonwatch.cameras.imports.selectors import progress_of
from commonwatch.cameras.imports.sources import ArchiveRefused, folder_entries, zip_entries
from commonwatch.cameras.models import Camera, ClipImport, ImportOutcome, ImportState


class Command(BaseCommand):
    help = "Import exported clips (a folder or a zip) into one camera of one owner."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="the owner's e-mail")
        parser.add_argument("--camera", required=True, type=int, help="the camera's id")
        parser.add_argument("path", type=Path, help="a folder or a .zip file")

    def handle(self, *args, owner: str, camera: int, path: Path, **options):
        self.verbosity = options["verbosity"]
        found = Camera.objects.filter(pk=camera, owner__email__iexact=owner).first()
        if found is None:
            raise CommandError(f"{owner} has no camera {camera}.")
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        clip_import = ClipImport.objects.create(
            owner=found.owner, camera=found, name=path.name, state=ImportState.IMPORTING
        )
        try:
            waiting = self._stage(clip_import, path)
        except (ArchiveRefused, zipfile.BadZipFile, ValidationError) as refusal:
            services.refuse(clip_import, str(refusal))
            raise CommandError(f"Refused: {refusal}") from refusal
        for file in tqdm(waiting, desc="Importing", unit="clip", disable=self.verbosity < 1):
            services.import_file(file_id=file.pk)
        self._report(clip_import)

    def _stage(self, clip_import: ClipImport, path: Path):
        if path.is_dir():
            return self._stage_entries(clip_import, list(folder_entries(path)))
        with zipfile.ZipFile(path) as archive:
            return self._stage_entries(clip_import, zip_entries(archive))

    def _stage_entries(self, clip_import: ClipImport, entries):
        reading = tqdm(entries, desc="Reading", unit="file", disable=self.verbosity < 1)
        # In no transaction of ours: stage_all keeps the bytes first, then records them in
        # a short one (a long one would hold every other writer of the site on SQLite).
        waiting = services.stage_all(clip_import, reading)
        services.finish_if_settled(clip_import)
        return waiting

    def _report(self, clip_import: ClipImport) -> None:
        clip_import.refresh_from_db()
        progress = progress_of(clip_import)
        counts = progress.counts
        self.stdout.write(
            f"{progress.total} files: {counts[ImportOutcome.IMPORTED]} imported, "
            f"{counts[ImportOutcome.ALREADY]} already imported, "
            f"{counts[ImportOutcome.SKIPPED]} skipped, {counts[ImportOutcome.FAILED]} failed."
        )
        for file in clip_import.files.exclude(reason=""):
            self.stdout.write(f"  {file.name}: {file.get_outcome_display()}. {file.reason}")
