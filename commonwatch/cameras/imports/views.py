"""The import page: pick a camera and a zip or a folder; then its progress, live."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commonwatch.accounts.access import access, needs
from commonwatch.core.forms import add_errors

from . import policies, selectors, services
from .forms import ImportForm

IMPORT = needs(policies.IMPORT)
RECENT_IMPORTS = 20


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
            return redirect("clip_imports:detail", import_id=clip_import.pk)
    context = {
        "form": form,
        "has_cameras": cameras.exists(),
        "imports": selectors.imports_of(request.user)[:RECENT_IMPORTS],
        "upload_limit": settings.MEDIA_MAX_UPLOAD_BYTES,
    }
    return render(request, "cameras/clip_import.html", context, status=400 if form.errors else 200)


def _sent(request) -> dict:
    archive, folder = request.FILES.getlist("archive"), request.FILES.getlist("folder")
    if archive and folder:
        raise ValidationError(_("Choose a zip file or a folder, not both."), code="both")
    if folder:
        return {"uploads": folder, "name": _("a folder of %(n)d files") % {"n": len(folder)}}
    return {"uploads": archive}


@access(IMPORT)
@require_GET
def clip_import(request, import_id: int):
    found = selectors.import_for_owner(request.user, import_id)
    context = {"clip_import": found, "progress": selectors.progress_of(found)}
    return render(request, "cameras/clip_import_detail.html", context)


@access(IMPORT)
@require_GET
def progress(request, import_id: int):
    """The progress panel alone, which the page asks for again until the import ends."""
    found = selectors.import_for_owner(request.user, import_id)
    context = {"clip_import": found, "progress": selectors.progress_of(found)}
    return render(request, "cameras/_clip_import_progress.html", context)
