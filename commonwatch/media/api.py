"""/api/v1/media: a file's bytes for a personal token, as /media/ gives them to a browser.

The pages' addresses (`/media/<id>/`) take a signed-in browser only; a script holding a
token reads the same files here, by the same check (policies.VIEW): its owner and the
readers of what it is attached to, everyone else a 404 as for no file.
"""

from __future__ import annotations

from ninja import Router

from commonwatch.accounts.access import SIGNED_IN, api_access
from commonwatch.core.schemas import answers

from . import selectors, serving

router = Router(tags=["media"])
READERS = api_access(SIGNED_IN)
FILE = {200: None}


@router.get("/media/{media_id}", response=answers(FILE), auth=READERS, url_name="media_file")
def media_file(request, media_id: int):
    """The file (a photo or video), with byte ranges; for a file stored in S3, a redirect
    to a short-lived signed address."""
    return serving.respond(request, selectors.viewable_file(request.auth, media_id))


@router.get(
    "/media/{media_id}/thumbnail", response=answers(FILE), auth=READERS, url_name="media_thumbnail"
)
def thumbnail(request, media_id: int):
    """The file's small picture (a video's first frame)."""
    item = selectors.viewable_file(request.auth, media_id)
    return serving.respond(request, item, serving.THUMBNAIL)
