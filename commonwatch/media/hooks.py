"""How the apps that attach files say who may see them, without this app importing them.

community registers a reader test for post media in its AppConfig.ready(); cameras will
register one for clips. A file nobody's test admits is seen by its owner alone.
"""

from __future__ import annotations

from collections.abc import Callable

# (user, media_file) -> bool: may this user see the file through what it is attached to?
readers: list[Callable[[object, object], bool]] = []


def may_read_through_attachment(user, media_file) -> bool:
    return any(reader(user, media_file) for reader in readers)
