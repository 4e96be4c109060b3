"""The app server runs a request's Django code in one thread, with nothing adapted: the
process's one sync thread, or for an API read the event loop's own."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.core.signals import request_started

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import HomeFactory
from commonwatch.core.asgi import SyncStackASGIHandler, _in_loop_thread
from commonwatch.media.tests.factories import jpeg_with_gps, processed
from config.asgi import application


def test_no_middleware_is_adapted_between_sync_and_async(settings, caplog):
    settings.DEBUG = True  # Django names each adaptation only in DEBUG mode
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        SyncStackASGIHandler()

    assert not [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]


async def _threads_of(requests):
    """The thread each request's Django code ran in (request_started fires in it)."""
    threads = []

    def note(**kwargs):
        threads.append(threading.get_ident())

    request_started.connect(note)  # runs close_old_connections in the request's thread
    try:
        answers = [
            await HttpCommunicator(application, method, path, headers=headers).get_response(
                timeout=30
            )
            for method, path, headers in requests
        ]
    finally:
        request_started.disconnect(note)
    return [a["status"] for a in answers], threads


async def _token_headers():
    home = await database_sync_to_async(HomeFactory)()
    _token, raw = await database_sync_to_async(services.create_api_token)(
        user=home.user, name="script"
    )
    return [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {raw}".encode())]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_pages_api_writes_and_browsers_api_reads_share_one_thread_for_django_code():
    headers = await _token_headers()
    with_cookie = [*headers, (b"cookie", b"theme=dark")]
    statuses, threads = await _threads_of(
        [
            ("GET", "/healthz", headers),
            ("POST", "/api/v1/feed", headers),
            ("GET", "/api/v1/me", with_cookie),
        ]
    )

    assert statuses == [200, 405, 200]
    assert len(set(threads)) == 1, "Django's own: a new thread each"
    assert threads[0] != threading.get_ident(), "never in the event loop's thread"


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_scripts_api_reads_run_in_the_event_loops_thread_and_leave_it_running():
    loop = asyncio.get_running_loop()
    headers = await _token_headers()
    statuses, threads = await _threads_of(
        [("GET", "/api/v1/me", headers), ("GET", "/api/v1/feed", headers)]
    )

    assert statuses == [200, 200]
    assert threads == [threading.get_ident()] * 2
    assert asyncio.get_running_loop() is loop


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_reads_of_files_or_without_a_bearer_token_keep_the_sync_thread():
    headers = await _token_headers()
    not_bearer = [(b"host", b"127.0.0.1"), (b"authorization", b"Basic Y3c6eA==")]
    statuses, threads = await _threads_of(
        [("GET", "/api/v1/me", not_bearer), ("GET", "/api/v1/media/1", headers)]
    )

    assert statuses == [401, 404]
    assert threading.get_ident() not in threads


@pytest.mark.asyncio
async def test_a_failing_call_in_the_loops_thread_gives_the_loop_back():
    loop = asyncio.get_running_loop()

    def fails():
        raise RuntimeError("view broke")

    with pytest.raises(RuntimeError, match="view broke"):
        await _in_loop_thread(fails)

    assert asyncio.get_running_loop() is loop


async def _streamed(communicator) -> dict:
    """A streamed answer: its last message has no body (the communicator's own reader
    insists on one)."""
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(30)
    body = b""
    while True:
        chunk = await communicator.receive_output(30)
        body += chunk.get("body", b"")
        if not chunk.get("more_body"):
            break
    await communicator.wait()
    return {"status": start["status"], "headers": start["headers"], "body": body}


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_head_of_a_file_sends_its_headers_and_reads_none_of_it():
    home = await database_sync_to_async(HomeFactory)()
    photo = await database_sync_to_async(processed)(home.user, jpeg_with_gps(), "cat.jpg")
    _token, raw = await database_sync_to_async(services.create_api_token)(
        user=home.user, name="script"
    )
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {raw}".encode())]
    path = f"/api/v1/media/{photo.pk}"

    got = await _streamed(HttpCommunicator(application, "GET", path, headers=headers))
    head = await _streamed(HttpCommunicator(application, "HEAD", path, headers=headers))

    assert (got["status"], head["status"]) == (200, 200)
    assert len(got["body"]) > 0 and head["body"] == b""
    length = {k.lower(): v for k, v in head["headers"]}[b"content-length"]
    assert int(length) == len(got["body"])
