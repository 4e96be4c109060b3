"""Files sent block by block from the ASGI server, never read whole into memory first.

Django's ASGI handler cannot send a synchronous iterator as it goes: it reads one to the
end into a list (StreamingHttpResponse.__aiter__), so a 50 MB clip sat in memory for
every request of it, and a few dozen at once could take the server's memory. These
answers read each block on a worker thread as the previous one goes out; a synchronous
server (WSGI, Django's test client) reads them as before.
"""

from __future__ import annotations

import asyncio

from django.http import FileResponse, StreamingHttpResponse

BLOCK = 256 * 1024


class _SentInBlocks:
    async def __aiter__(self):
        blocks = iter(self.streaming_content)
        while (block := await asyncio.to_thread(next, blocks, None)) is not None:
            yield block


class FileSent(_SentInBlocks, FileResponse):
    """A whole file."""

    block_size = BLOCK


class RangeSent(_SentInBlocks, StreamingHttpResponse):
    """`length` bytes of an open binary file from `start` (which it closes)."""

    def __init__(self, data, start: int, length: int, **kwargs):
        super().__init__(_blocks(data, start, length), **kwargs)
        self._resource_closers.append(data.close)  # also if never sent
        self["Content-Length"] = str(length)


def _blocks(data, start: int, length: int):
    with data:
        data.seek(start)
        while length > 0 and (block := data.read(min(BLOCK, length))):
            length -= len(block)
            yield block
