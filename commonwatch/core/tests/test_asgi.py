"""The app server runs a request's Django code in one thread, with nothing adapted."""

from __future__ import annotations

import logging
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.core.signals import request_started

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import HomeFactory
from commonwatch.core.asgi import SyncStackASGIHandler
from config.asgi import application


def test_no_middleware_is_adapted_between_sync_and_async(settings, caplog):
    settings.DEBUG = True  # Django names each adaptation only in DEBUG mode
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        SyncStackASGIHandler()

    assert not [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_requests_share_one_thread_for_their_django_code_and_its_connection():
    home = await database_sync_to_async(HomeFactory)()
    _token, raw = await database_sync_to_async(services.create_api_token)(
        user=home.user, name="script"
    )
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {raw}".encode())]
    threads = []

    def note(**kwargs):
        threads.append(threading.get_ident())

    request_started.connect(note)  # runs close_old_connections in the request's thread
    try:
        answers = [
            await HttpCommunicator(application, "GET", "/api/v1/me", headers=headers).get_response(
                timeout=30
            )
            for _ in range(2)
        ]
    finally:
        request_started.disconnect(note)

    assert [a["status"] for a in answers] == [200, 200]
    assert len(threads) == 2 and threads[0] == threads[1], "Django's own: a new thread each"
