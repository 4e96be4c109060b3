"""The app server's settings with a media storage that stalls (stalling_storage)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "media": {"BACKEND": "commonwatch.media.tests.stalling_storage.StallingStorage"},
}
