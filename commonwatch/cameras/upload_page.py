"""The browser's upload page: the owner picks a camera and video files, and tus-js-client
sends each one to the resumable endpoint (cameras.tus), showing its progress."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from commonwatch.accounts.access import access, needs

from .models import Camera
from .policies import UPLOAD_CLIPS

# Bytes per request: small enough that the bar moves and a dropped connection loses
# little, large enough that a clip takes few requests.
BROWSER_CHUNK_BYTES = 8 * 1024 * 1024


@access(needs(UPLOAD_CLIPS))
@require_http_methods(["GET"])
def clip_upload(request):
    context = {
        "cameras": Camera.objects.filter(owner=request.user).order_by("name", "pk"),
        "endpoint": reverse("api:api-root") + "clip-uploads/",
        "chunk_bytes": BROWSER_CHUNK_BYTES,
        "max_bytes": settings.CAMERA_MAX_CLIP_BYTES,
        "max_mb": settings.CAMERA_MAX_CLIP_BYTES >> 20,
    }
    return render(request, "cameras/clip_upload.html", context)


app_name = "clip_uploads"
urlpatterns = [path("", clip_upload, name="upload")]
