"""Work sent at once from several threads, as a burst of requests reaches app servers."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections


def at_once(work: Callable[[int], object], times: int, *, timeout: float = 60) -> None:
    """Run work(0) … work(times - 1) in threads released together; each thread's own
    database connection is closed after it, so the test database can be dropped."""
    start = threading.Barrier(times)

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
