"""A bare ASGI tus sink: the ceiling under bench/clip_ingest_bench.py's tus figures.

Served by the same uvicorn command and options as the app, it answers the bench's
client as the tus endpoint would (201 with a Location, then 204 with the new
Upload-Offset) while it only receives the bytes and drops them: the server, the
loopback and the client, without Django, a database or a disk.
"""

import uuid


def _header(scope, name: bytes) -> bytes:
    return next((value for key, value in scope["headers"] if key == name), b"0")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    received = 0
    while True:
        message = await receive()
        received += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    if scope["method"] == "POST":
        headers = [(b"location", f"{scope['path']}{uuid.uuid4()}".encode())]
        status = 201
    else:
        offset = int(_header(scope, b"upload-offset")) + received
        headers = [(b"upload-offset", str(offset).encode())]
        status = 204
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
