"""Django's ASGI handler with the synchronous request path run as one call.

Commonwatch's middleware, views and ORM calls are synchronous. Django's own ASGI
handler runs the middleware stack in async mode: each sync-only middleware and view
is adapted (a thread hop each way), and every request gets its own thread-sensitive
context, hence a new thread and a new database connection. Measured at 1,000,000 posts
(bench/http_bench.py) that cost ~20 ms per API request on a loaded machine.

Here the stack is loaded in sync mode (nothing is adapted) and a request's Django
code runs in the process's one thread for synchronous work, as a sync WSGI worker
would: its database connection is kept between requests (CONN_MAX_AGE), and the
request_started / request_finished signals (which check that connection) run in the
same thread. One app process thus runs one request's Django code at a time; run one
process per core (docs/scale.md). Reading the body and writing the answer stay async.

A script's read (GET or HEAD under /api/ with a bearer token and no cookie, not of a
file) skips even that hop: its Django code runs in the event loop's own thread, as a
WSGI worker runs a request, holding the loop for its few milliseconds. The two thread
hand-offs cost more than the framework's own work on a slow virtual machine (~0.3 ms of
a 1.5 ms `/api/v1/me`, bench/README.md). Such a request has no session, so nothing in it
signs anyone in or out or publishes to live sockets (the channel layer's calls need the
sync thread), and none of these paths waits on an outside service (the geocoder's has
its own threads).
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.urls import set_script_prefix

# A request whose view waits on the network (a clip's bytes still streaming in, another
# server's answer, the object store taking uploaded files) names under this scope key the
# executor its Django code runs on: waiting in the process's one sync thread would hold
# every other request up as long.
OWN_THREADS = "commonwatch.own_threads"

SCRIPT_READ_METHODS = frozenset({"GET", "HEAD"})
FILE_PATHS = ("/api/v1/media/", "/api/v1/clips/")


class OwnThreads:
    """ASGI layer: requests to `path` run their Django code on `threads` threads of their
    own (more wait their turn), each with its own database connection."""

    def __init__(self, app, *, path: re.Pattern, threads: int, name: str):
        self.app, self.path = app, path
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix=name)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.path.fullmatch(scope["path"]):
            scope = {**scope, OWN_THREADS: self.executor}
        return await self.app(scope, receive, send)


class SyncStackASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        # No ThreadSensitiveContext per request: sync work goes to the one shared thread.
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send):
        """Django's handle with one trip to the sync thread per request, not three.

        Django sends request_started, gets the response and closes it (request_finished)
        in three separate hops to the thread, and races the view against a disconnect
        listener, which cannot stop a synchronous view anyway. Here one hop does all
        three for an answer held in memory; a streamed one (files) is closed after its
        last byte is sent, or as soon as the client is gone.
        """
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            run = self._runner(scope)
            response = await run(self._respond, scope, body_file)
            if response.streaming and scope["method"] == "HEAD":
                response.streaming_content = ()  # headers only: read nothing of the file
            try:
                if response.streaming:
                    await self._send_while_connected(response, send, receive)
                else:
                    await self.send_response(response, send)
            finally:
                if response.streaming:
                    await run(response.close)
        finally:
            body_file.close()

    async def _send_while_connected(self, response, send, receive):
        """Stop sending (and reading the file) once the client has gone.

        uvicorn drops what is sent to a closed connection without a word, so a 50 MB clip
        abandoned after its first block was still read to its end, for nobody. The body
        has been read: the next message is the disconnect. Stopping between two sends, not
        by cancelling, never closes the file under a block being read on a worker thread.
        """
        gone = asyncio.ensure_future(receive())

        async def send_while_connected(message):
            if gone.done():
                raise RequestAborted
            await send(message)

        try:
            await self.send_response(response, send_while_connected)
        except RequestAborted:
            pass
        finally:
            gone.cancel()

    def _runner(self, scope):
        """How this request's synchronous calls run: where its Django code belongs."""
        if _is_script_read(scope):
            return _in_loop_thread
        own = scope.get(OWN_THREADS)

        async def run(call, *args):
            if own is None:
                return await sync_to_async(call, thread_sensitive=True)(*args)
            return await sync_to_async(call, thread_sensitive=False, executor=own)(*args)

        return run

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        if not response.streaming:
            response.close()  # request_finished, in this thread: its connection's checks
        return response


async def _in_loop_thread(call, *args):
    """Call it here. Django refuses the ORM in a thread with a running loop (async code
    must not block it); this blocks it on purpose, so the loop is hidden from Django for
    the call and put back before anything awaits."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        return call(*args)
    finally:
        asyncio._set_running_loop(loop)


def _is_script_read(scope) -> bool:
    """An API read by a bearer token, without a browser's session cookie, of an answer
    made from the database alone: files (a clip's access history, a bucket's signing)
    keep the sync thread."""
    path = scope["path"]
    if scope["method"] not in SCRIPT_READ_METHODS or not path.startswith("/api/"):
        return False
    if OWN_THREADS in scope or path.startswith(FILE_PATHS):
        return False
    headers = dict(scope["headers"])  # names are lower case (ASGI); a repeat counts once
    bearer = headers.get(b"authorization", b"")[:7].lower() == b"bearer "
    return bearer and b"cookie" not in headers
