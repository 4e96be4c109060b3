"""Camera pages: the owner's own cameras only; anyone else's is, to them, no camera."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from commonwatch.accounts.access import access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.core import shown_once
from commonwatch.core.forms import add_errors, answered_status

from . import selectors, services
from .forms import CameraForm, KeepingForm, ZonesForm
from .policies import OWN
from .zones import MAX_CORNERS, MAX_ZONES, MIN_CORNERS

OWNER = needs(OWN)


@access(OWNER)
@require_http_methods(["GET"])
def camera_list(request):
    cameras = selectors.cameras_of(request.user)
    return render(request, "cameras/camera_list.html", {"cameras": cameras})


@access(OWNER)
@require_http_methods(["GET", "POST"])
def new_camera(request):
    form = CameraForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            camera, token = services.register_camera(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            # Shown once, on the token page's next view: only its digest is kept.
            _show_token_once(request, camera, token, registered=True)
            return redirect("cameras:token", camera_id=camera.pk)
    home = home_of(request.user)
    context = {"form": form, "camera": None, "center": (home.lat, home.lng) if home else None}
    return render(request, "cameras/camera_form.html", context, status=answered_status(form))


@access(OWNER)
@require_http_methods(["GET", "POST"])
def camera_detail(request, camera_id: int):
    camera = selectors.camera_for_owner(request.user, camera_id)
    initial = {field: getattr(camera, field) for field in CameraForm.base_fields}
    initial.update(lat=camera.exact_lat, lng=camera.exact_lng)
    form = CameraForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_camera(owner=request.user, camera=camera, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": camera.name})
            return redirect("cameras:list")
    context = {"form": form, "camera": camera}
    return render(request, "cameras/camera_form.html", context, status=answered_status(form))


@access(OWNER)
@require_http_methods(["GET", "POST"])
def camera_zones(request, camera_id: int):
    camera = selectors.camera_for_owner(request.user, camera_id)
    initial = {"privacy_zones": camera.privacy_zones, "motion_zones": camera.motion_zones}
    form = ZonesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # Only the kinds sent change: a script posting its privacy zones keeps the motion ones.
            sent = {
                name: zones for name, zones in form.cleaned_data.items() if name in request.POST
            }
            try:
                services.update_camera(owner=request.user, camera=camera, **sent)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The zones of “%(name)s” are saved.") % {"name": camera.name}
                )
                return redirect("cameras:zones", camera_id=camera.pk)
        status = 400
    context = {
        "camera": camera,
        "form": form,
        "latest_clip": selectors.latest_clip_with_thumbnail(camera),
        "limits": {"zones": MAX_ZONES, "min": MIN_CORNERS, "max": MAX_CORNERS},
    }
    return render(request, "cameras/camera_zones.html", context, status=status)


@access(OWNER)
@require_http_methods(["GET", "POST"])
def camera_token(request, camera_id: int):
    """The device token's state; POST `rotate` makes a new one (shown once). Revoking
    asks first, on a page of its own (revoke_token)."""
    camera = selectors.camera_for_owner(request.user, camera_id)
    if request.method == "POST" and request.POST.get("action") == "rotate":
        token = services.rotate_device_token(owner=request.user, camera=camera)
        _show_token_once(request, camera, token)
        return redirect("cameras:token", camera_id=camera.pk)
    if request.method == "POST":
        context = {"camera": camera, "new_token": None}
        return render(request, "cameras/camera_token.html", context, status=400)
    shown = shown_once.take(request, _token_page(camera)) or {}
    context = {
        "camera": camera,
        "new_token": shown.get("token"),
        "registered": shown.get("registered", False),
    }
    return shown_once.not_cached(render(request, "cameras/camera_token.html", context))


def _token_page(camera) -> str:
    return f"cameras:token:{camera.pk}"


def _show_token_once(request, camera, token: str, *, registered: bool = False) -> None:
    """The new device token, for the token page's next view only (Post/Redirect/Get)."""
    secret = {"token": token, "registered": registered}
    shown_once.keep_for_one_view(request, _token_page(camera), secret)


@access(OWNER)
@require_http_methods(["GET", "POST"])
def revoke_token(request, camera_id: int):
    """GET asks "are you sure?" on a page of its own (no script needed), as deleting a
    post does; POST ends the token. A camera without one has nothing to revoke."""
    camera = selectors.camera_for_owner(request.user, camera_id)
    if not camera.token_prefix:
        return redirect("cameras:token", camera_id=camera.pk)
    if request.method == "GET":
        return render(request, "cameras/camera_token_revoke.html", {"camera": camera})
    services.revoke_device_token(owner=request.user, camera=camera)
    messages.success(request, _("The device token was revoked: uploads with it now fail."))
    return redirect("cameras:token", camera_id=camera.pk)


@access(OWNER)
@require_http_methods(["GET", "POST"])
def remove_camera(request, camera_id: int):
    camera = selectors.camera_for_owner(request.user, camera_id)
    if request.method == "POST":
        services.remove_camera(owner=request.user, camera=camera)
        messages.success(
            request, _("“%(name)s” and its clips are removed.") % {"name": camera.name}
        )
        return redirect("cameras:list")
    clips = camera.clips.count()
    return render(request, "cameras/camera_remove.html", {"camera": camera, "clips": clips})


@access(OWNER)
@require_http_methods(["GET", "POST"])
def storage(request):
    """Clip settings: how long clips are kept, and the storage they take."""
    keeping = selectors.keeping_of(request.user)
    form = KeepingForm(request.POST or None, initial={"retention_days": keeping.retention_days})
    context = {"form": form, "storage": selectors.storage_of(request.user)}
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["retention_days"]
        going = selectors.clips_past(request.user, days)
        if going.count and not form.cleaned_data["confirmed"]:
            # Deleting footage for good is asked first, saying how much goes.
            context["confirm"] = {"days": days, "going": going}
            return render(request, "cameras/camera_storage.html", context)
        try:
            services.keep_clips_for(owner=request.user, retention_days=days)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your clip settings are saved."))
            return redirect(reverse("cameras:storage"))
    status = answered_status(form)
    return render(request, "cameras/camera_storage.html", context, status=status)
