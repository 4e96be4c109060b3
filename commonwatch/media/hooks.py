"""How the apps that attach files take part in what this app does, without it importing them.

community registers a reader test for post media in its AppConfig.ready(); cameras
registers its clips' rules. A file nobody's reader test admits is seen by its owner alone.
"""

from __future__ import annotations

from collections.abc import Callable

# (user, media_file) -> bool: may this user see the file through what it is attached to?
readers: list[Callable[[object, object], bool]] = []
# media_file -> bool: is the file served only through its attachment's own pages (which
# keep an access history)? The media URLs then answer 404 for it, even to its owner.
served_elsewhere: list[Callable[[object], bool]] = []
# media_file -> cleaning.VideoRules | None: how to clean this video, if not as a post's.
video_rules: list[Callable[[object], object]] = []
# (media_file, cleaned) -> None: the file is ready; called in the transaction that says so.
ready: list[Callable[[object, object], None]] = []
# (media_file, reason) -> None: processing refused the file; called in the transaction
# that records it FAILED (the attachment may discard it and keep a notice instead).
refused: list[Callable[[object, str], None]] = []
# names -> the subset an attachment still needs (an unfinished resumable upload's part):
# the sweep of unnamed files leaves those alone.
kept_names: list[Callable[[list[str]], set[str]]] = []


def may_read_through_attachment(user, media_file) -> bool:
    return any(reader(user, media_file) for reader in readers)


def is_served_elsewhere(media_file) -> bool:
    return any(test(media_file) for test in served_elsewhere)


def rules_for(media_file, default):
    """The first rules an attachment gives for this file, else `default`."""
    for provider in video_rules:
        found = provider(media_file)
        if found is not None:
            return found
    return default
