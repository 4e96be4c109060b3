"""The import page: pick a camera and a zip or a folder; then its progress, live.

Without JavaScript the form sends everything at once (within the upload limits). With
it, a folder goes in parts that each fit those limits: the first part starts the import
(`more`), the others are added to it, and the last lets it finish.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonwatch.accounts.access import access, needs
from commonwatch.core.forms import add_errors

from . import policies, selectors, services
from .forms import ImportForm
from .sources import left_out_entries

IMPORT = needs(policies.IMPORT)
RECENT_IMPORTS = 20
MAX_NAME = 200  # of an import, as its owner reads it


@access(IMPORT)
@require_http_methods(["GET", "POST"])
def clip_imports(request):
    cameras = selectors.cameras_to_import_into(request.user)
    form = ImportForm(request.POST or None, cameras=cameras)
    if request.method == "POST" and form.is_valid():
        try:
            clip_import = services.start_import(
                owner=request.user, camera=form.cleaned_data["camera"], **_sent(request)
            )
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            if _wants_json(request):
                return JsonResponse(_links(clip_import))
            return redirect("clip_imports:detail", import_id=clip_import.pk)
    if form.errors and _wants_json(request):
        return JsonResponse({"detail": " ".join(_messages(form))}, status=400)
    context = {
        "form": form,
        "has_cameras": cameras.exists(),
        "imports": selectors.imports_of(request.user)[:RECENT_IMPORTS],
        "upload_limit": settings.MEDIA_MAX_UPLOAD_BYTES,
        "files_limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "video_limit": settings.MEDIA_MAX_VIDEO_BYTES,
    }
    return render(request, "cameras/clip_import.html", context, status=400 if form.errors else 200)


def _sent(request) -> dict:
    archive, folder = request.FILES.getlist("archive"), request.FILES.getlist("folder")
    if archive and folder:
        raise ValidationError(_("Choose a zip file or a folder, not both."), code="both")
    if folder:
        count = request.POST.get("count", "")
        count = (
            int(count) if count.isascii() and count.isdigit() and len(count) < 7 else len(folder)
        )
        # A zip too large for one request comes unpacked by the page's script, in parts.
        unpacked_zip = request.POST.get("zip", "").replace("\\", "/").rsplit("/", 1)[-1]
        name = unpacked_zip.strip()[:MAX_NAME] or _("a folder of %(n)d files") % {"n": count}
        more = request.POST.get("more") == "1"
        return {"uploads": folder, "name": name, "more": more, "left_out": _left_out(request)}
    return {"uploads": archive}


def _left_out(request) -> list:
    """What the page could not send of a folder or of a zip it unpacked (a JSON field)."""
    return left_out_entries(request.POST.get("left_out", ""))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _messages(form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


def _links(clip_import) -> dict:
    return {
        "url": reverse("clip_imports:detail", args=[clip_import.pk]),
        "files_url": reverse("clip_imports:add_files", args=[clip_import.pk]),
    }


@access(IMPORT)
@require_POST
def add_files(request, import_id: int):
    """Another part of a folder sent in parts (JSON: the page's script sends them)."""
    found = selectors.import_for_owner(request.user, import_id)
    try:
        services.add_files(
            owner=request.user,
            clip_import=found,
            uploads=request.FILES.getlist("folder"),
            last=request.POST.get("last") == "1",
            left_out=_left_out(request),
        )
    except ValidationError as refusal:
        return JsonResponse({"detail": " ".join(refusal.messages)}, status=400)
    return JsonResponse(_links(found))


@access(IMPORT)
@require_safe
def clip_import(request, import_id: int):
    return _import_page(request, import_id, "cameras/clip_import_detail.html")


@access(IMPORT)
@require_safe
def progress(request, import_id: int):
    """The progress panel alone, which the page asks for again until the import ends."""
    return _import_page(request, import_id, "cameras/_clip_import_progress.html")


def _import_page(request, import_id: int, template: str):
    found = selectors.import_for_owner(request.user, import_id)
    context = {"clip_import": found, "progress": selectors.progress_of(found)}
    return render(request, template, context)
