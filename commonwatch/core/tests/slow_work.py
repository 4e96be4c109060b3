"""A piece of outbox work that stops half-way until the test lets it finish.

Registered in the test process (to put it) and in the worker process started by
``python -m commonwatch.core.tests.slow_worker`` (to run it): the handler writes
"started", then waits for "finish" before it writes "done", so a test can kill the
worker while the work is under way.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from commonwatch.core import outbox

SLOW = "test.slow"


@outbox.handler(SLOW)
def slow(*, workdir: str) -> None:
    folder = Path(workdir)
    (folder / "started").write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not (folder / "finish").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never let the work finish")
        time.sleep(0.05)
    with (folder / "done").open("a") as done:
        done.write("done\n")
