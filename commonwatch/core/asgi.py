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
            response = await self._in_thread(scope)(scope, body_file)
            try:
                if response.streaming:
                    await self._send_while_connected(response, send, receive)
                else:
                    await self.send_response(response, send)
            finally:
                if response.streaming:
                    await sync_to_async(response.close, thread_sensitive=True)()
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

    def _in_thread(self, scope):
        if (own := scope.get(OWN_THREADS)) is not None:
            return sync_to_async(self._respond, thread_sensitive=False, executor=own)
        return sync_to_async(self._respond, thread_sensitive=True)

    def _respond(self, scope, body_file):
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        if not response.streaming:
            response.close()  # request_finished, in this thread: its connection's checks
        return response
