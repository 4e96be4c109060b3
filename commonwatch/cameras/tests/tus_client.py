"""Speaking tus to the API from a test: a camera's device token, and requests with the
protocol's headers already set."""

from __future__ import annotations

import base64
import secrets

from commonwatch.accounts.selectors import token_digest
from commonwatch.cameras.models import Camera
from commonwatch.cameras.selectors import DEVICE_TOKEN_PREFIX

UPLOADS = "/api/v1/clip-uploads/"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OFFSET_TYPE = "application/offset+octet-stream"


def device_token(camera: Camera) -> str:
    """Give the camera a new device token (as the owner's token page will) and return it."""
    raw = DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(24)
    Camera.objects.filter(pk=camera.pk).update(
        token_digest=token_digest(raw), token_prefix=raw[:12]
    )
    return raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def metadata(**pairs) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in pairs.items())


def create(client, length: int, *, meta: str = "", **headers):
    extra = {**TUS, "HTTP_UPLOAD_LENGTH": str(length), **headers}
    if meta:
        extra["HTTP_UPLOAD_METADATA"] = meta
    return client.post(UPLOADS, **extra)


def patch(client, location: str, data: bytes, offset: int, **headers):
    return client.generic(
        "PATCH",
        location,
        data,
        content_type=OFFSET_TYPE,
        **{**TUS, "HTTP_UPLOAD_OFFSET": str(offset), **headers},
    )


def head(client, location: str, **headers):
    return client.head(location, **{**TUS, **headers})


def delete(client, location: str, **headers):
    return client.delete(location, **{**TUS, **headers})
