"""Where media bytes live: Django's storage API, local disk in the embedded mode and
S3-compatible object storage at scale (settings.MEDIA_STORAGE). Never a public URL."""

from __future__ import annotations

from django.core.files.storage import Storage, storages

MEDIA_STORAGE_ALIAS = "media"


def media_storage() -> Storage:
    return storages[MEDIA_STORAGE_ALIAS]
