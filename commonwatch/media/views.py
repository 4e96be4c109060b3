"""The one way to receive a media file's bytes: checked, then handed over (media.serving)."""

from __future__ import annotations

from django.views.decorators.http import require_safe

from commonwatch.accounts.access import SIGNED_IN, access

from . import selectors, serving


@access(SIGNED_IN)  # then per file (policies.VIEW): its owner and its attachment's readers
@require_safe
def media_file(request, media_id: int):
    return serving.respond(request, selectors.viewable_file(request.user, media_id))


@access(SIGNED_IN)  # as media_file
@require_safe
def thumbnail(request, media_id: int):
    item = selectors.viewable_file(request.user, media_id)
    return serving.respond(request, item, serving.THUMBNAIL)
