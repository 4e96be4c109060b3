"""A bare ASGI "hello": the floor under every figure of bench/http_bench.py.

Served by the same uvicorn command and options as the app, it measures the server,
the loopback and the bench's client without any framework.
"""

BODY = b"hello"
HEADERS = [(b"content-type", b"text/plain"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
