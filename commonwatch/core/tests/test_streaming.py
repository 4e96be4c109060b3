"""Files go out block by block from the ASGI server, as they are read."""

from __future__ import annotations

import os
import warnings

import pytest
from django.http import FileResponse

from commonwatch.core.streaming import BLOCK, FileSent, RangeSent

DATA = os.urandom(2 * BLOCK + 1000)


@pytest.fixture
def stored(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(DATA)
    return path


async def _sent(response) -> tuple[list[bytes], list[str]]:
    """What Django's ASGI handler sends (it iterates the answer with async for), and the
    warnings it gives on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        blocks = [block async for block in response]
    response.close()
    return blocks, [str(w.message) for w in caught]


@pytest.mark.asyncio
async def test_a_whole_file_goes_out_in_blocks(stored):
    blocks, warned = await _sent(FileSent(stored.open("rb")))
    assert b"".join(blocks) == DATA
    assert [len(block) for block in blocks] == [BLOCK, BLOCK, 1000]
    assert warned == []


@pytest.mark.asyncio
async def test_django_own_file_answer_is_read_whole_first(stored):
    """What FileSent is for: Django's warns that it reads the whole file first."""
    _blocks, warned = await _sent(FileResponse(stored.open("rb")))
    assert any("must consume synchronous iterators" in message for message in warned)


@pytest.mark.asyncio
async def test_a_range_goes_out_in_blocks_and_closes_its_file(stored):
    data = stored.open("rb")
    response = RangeSent(data, 1000, BLOCK + 10, status=206)
    blocks, warned = await _sent(response)
    assert b"".join(blocks) == DATA[1000 : 1000 + BLOCK + 10]
    assert response["Content-Length"] == str(BLOCK + 10) and warned == []
    assert data.closed


def test_a_synchronous_server_reads_them_as_before(stored):
    response = RangeSent(stored.open("rb"), 5, 100)
    assert b"".join(response.streaming_content) == DATA[5:105]
    assert b"".join(FileSent(stored.open("rb")).streaming_content) == DATA


@pytest.mark.django_db  # closing an answer ends its request: connections are checked
def test_a_range_never_sent_still_closes_its_file(stored):
    data = stored.open("rb")
    RangeSent(data, 0, 10).close()
    assert data.closed
