"""The owner's clip library, clip pages and clip files: each checks the owner, then calls
one selector or service. Nobody but the owner gets past clip_for_owner (404)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonwatch.accounts.access import access, needs
from commonwatch.media import serving

from . import clips, library
from .clip_forms import LibraryFilterForm
from .clip_policies import CLIPS
from .models import ClipAccessAction, RecordedAtSource

OWN_CLIPS = needs(CLIPS)


def respond(request, clip, variant: str = ""):
    """The clip's file (media.serving), kept out of every cache: a deleted clip must not
    stay playable from the browser's cache of a shared computer."""
    response = serving.respond(request, clip.media, variant)
    response["Cache-Control"] = "private, no-store"
    return response


@access(OWN_CLIPS)
@require_safe
def clip_library(request):
    """Each day's clips per camera on a time axis, newest day first, with thumbnails."""
    form = LibraryFilterForm(request.GET or None, cameras=library.cameras_of(request.user))
    found = []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        filters = form.range() if form.is_bound else {}
        found = library.clips_of(request.user, **filters)
    context = {
        "form": form,
        "days": library.timeline(found),
        "count": len(found),
        "truncated": len(found) >= library.LIBRARY_LIMIT,
        "refusals": library.refusals_of(request.user),
        "unknown_times": any(c.recorded_at_source == RecordedAtSource.ARRIVAL for c in found),
        "hours": range(0, 25, 6),
    }
    return render(request, "cameras/clip_library.html", context, status=status)


@access(OWN_CLIPS)
@require_safe
def clip_page(request, clip_id: int):
    clip = library.clip_for_owner(request.user, clip_id)
    history = library.history_of(clip)
    older, newer = library.older_and_newer(request.user, clip)
    context = {
        "clip": library.clip_card(clip),
        "older": older,
        "newer": newer,
        "history": history,
        # The page says nobody else opened the clip only while that is what its history says.
        "others_opened": any(entry.actor_id != request.user.pk for entry in history),
    }
    return render(request, "cameras/clip_detail.html", context)


@access(OWN_CLIPS)
@require_safe
def clip_video(request, clip_id: int):
    """The video, with byte ranges for seeking; one viewing is one entry in its history."""
    clip = library.watchable_clip(request.user, clip_id)
    clips.record_access(actor=request.user, clip=clip)
    return respond(request, clip)


@access(OWN_CLIPS)
@require_safe
def clip_download(request, clip_id: int):
    clip = library.watchable_clip(request.user, clip_id)
    clips.record_access(actor=request.user, clip=clip, action=ClipAccessAction.DOWNLOADED)
    response = respond(request, clip)
    stamp = timezone.localtime(clip.recorded_at).strftime("%Y%m%d-%H%M%S")  # as its page says
    response["Content-Disposition"] = f'attachment; filename="clip-{clip.pk}-{stamp}.mp4"'
    return response


@access(OWN_CLIPS)
@require_safe
def clip_thumbnail(request, clip_id: int):
    clip = library.watchable_clip(request.user, clip_id)
    return respond(request, clip, serving.THUMBNAIL)


@access(OWN_CLIPS)
@require_http_methods(["GET", "POST"])
def delete_clip(request, clip_id: int):
    """GET asks "are you sure?" on a page of its own (no script needed); POST deletes."""
    clip = library.clip_for_owner(request.user, clip_id)
    if request.method == "GET":
        return render(request, "cameras/clip_delete.html", {"clip": library.clip_card(clip)})
    clips.delete_clip(owner=request.user, clip=clip)
    messages.success(request, _("The clip is deleted, with its file."))
    return redirect("clips:library")


@access(OWN_CLIPS)
@require_POST
def dismiss_refusal(request, refusal_id: int):
    refusal = library.refusal_for_owner(request.user, refusal_id)
    clips.dismiss_refusal(owner=request.user, refusal=refusal)
    return redirect("clips:library")
