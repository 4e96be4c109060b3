"""Running the installed ``commonwatch-agent`` program, and the app server it sends to,
as their own processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from commonwatch.community.tests.live_servers import app_server

AGENT = Path(sys.executable).parent / "commonwatch-agent"
TOKEN = "cwcam_" + "t" * 40
# The checkout under test: the installed script would otherwise import the code of the
# checkout the environment was installed from (an editable install), not this one.
CHECKOUT = Path(__file__).resolve().parents[3]


def agent_env(base: dict[str, str], **extra: str) -> dict[str, str]:
    """An environment in which the installed agent runs this checkout's code."""
    return {**base, "PYTHONPATH": str(CHECKOUT), **extra}


def start_agent(source, spool: Path, server: str, *extra: str, token: str = TOKEN):
    """The agent, logging to agent.log beside its spool (a file: a pipe nobody reads
    would fill up and stop it)."""
    env = agent_env(dict(os.environ), COMMONWATCH_AGENT_TOKEN=token)
    # Quick rolls and retries keep the tests short; the rest are the defaults.
    command = [str(AGENT), str(source), "--server", server, "--spool", str(spool)]
    command += ["--pre-roll", "2", "--post-roll", "2", "--retry-min", "0.2", "--retry-max", "1"]
    with open(log_of(spool), "ab") as log:
        return subprocess.Popen([*command, "-v", *extra], env=env, stdout=log, stderr=log)


def log_of(spool: Path) -> Path:
    return Path(spool).parent / "agent.log"


def wait_for(condition, timeout: float, what: str, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def app_server_running(tmp_path, **settings):
    """The app server, with settings (environment variables) of the test's own."""
    with app_server(tmp_path, data_dir=tmp_path / "server", **settings) as server:
        yield f"http://127.0.0.1:{server.port}"
