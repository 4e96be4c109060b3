"""What the owner sees when the agent cannot start, and the small rules it runs on."""

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from commonwatch.agent.upload import Backoff
from commonwatch.agent.zones import ZoneError, parse_zones

from .process import AGENT, TOKEN, agent_env


def run(*args, token=TOKEN):
    env = agent_env({"COMMONWATCH_AGENT_TOKEN": token, "PATH": "/usr/bin:/bin"})
    return subprocess.run([str(AGENT), *args], env=env, capture_output=True, text=True, timeout=60)


def test_the_agent_is_installed_with_the_project():
    result = run("--help")

    assert result.returncode == 0
    assert "motion zones" in result.stdout


@pytest.mark.parametrize(
    ("token", "zones", "message"),
    [
        ("", "[]", "a device token (cwcam_...) is needed"),
        ("secret", "[]", "a device token (cwcam_...) is needed"),
        (TOKEN, "[[[0, 0], [1, 1]]]", "zone 1 needs at least 3 points"),
        (TOKEN, "[[[0, 0], [2, 0], [1, 1]]]", "zone 1: each point is [x, y]"),
        (TOKEN, "{", "zones are not valid JSON"),
        (TOKEN, "[[[0, 0], [0.5, 0.5], [1, 1]]]", "zone 1 covers no area"),
    ],
)
def test_bad_settings_stop_the_agent_with_a_clear_message(tmp_path, token, zones, message):
    result = run(
        str(tmp_path),
        "--server",
        "http://127.0.0.1:9",
        "--spool",
        str(tmp_path / "s"),
        "--zones",
        zones,
        token=token,
    )

    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "s").exists()


class RedirectsToHttps(BaseHTTPRequestHandler):
    """A production server reached over plain http: it redirects to https."""

    def do_OPTIONS(self):  # noqa: N802 - http.server's naming
        self.send_response(301)
        self.send_header("Location", f"https://127.0.0.1:{self.server.server_port}{self.path}")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_server_that_redirects_stops_the_agent_naming_the_address_to_use(tmp_path):
    """The agent followed the redirect into a TLS error and retried it forever."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), RedirectsToHttps)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        address = f"http://127.0.0.1:{server.server_port}"
        result = run(str(tmp_path), "--server", address, "--spool", str(tmp_path / "s"))
    finally:
        server.shutdown()

    assert result.returncode == 2
    assert f"the server at {address} redirects to https://127.0.0.1:" in result.stderr
    assert "as --server" in result.stderr and not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (["--retry-min", "0"], "argument --retry-min: '0' is not a number > 0"),
        (["--retry-max", "-1"], "argument --retry-max: '-1' is not a number > 0"),
        (["--retry-min", "10", "--retry-max", "1"], "--retry-min must not be longer than"),
        (["--poll", "0"], "argument --poll: '0' is not a number > 0"),
        (["--poll", "inf"], "argument --poll: 'inf' is not a number > 0"),
        (["--settle", "-5"], "argument --settle: '-5' is not a number >= 0"),
        (["--pre-roll", "1e9"], "argument --pre-roll: '1e9' is not a number >= 0 and <= 60"),
        (["--post-roll", "nan"], "argument --post-roll: 'nan' is not a number >= 0 and <= 60"),
    ],
)
def test_numbers_out_of_their_bounds_stop_the_agent_with_argparses_message(
    tmp_path, setting, message
):
    result = run(str(tmp_path), "--server", "http://127.0.0.1:9", "--spool", "s", *setting)

    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("spool", ["a-file", "/proc/nope"])
def test_a_spool_that_cannot_be_a_folder_is_named_in_one_line(tmp_path, spool):
    (tmp_path / "a-file").write_text("token")
    path = spool if spool.startswith("/") else str(tmp_path / spool)

    result = run(str(tmp_path), "--server", "http://127.0.0.1:9", "--spool", path)

    assert result.returncode == 2
    assert result.stderr.startswith(f"commonwatch-agent: cannot use {path} as the spool folder")
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_agent_refuses_the_zones_the_server_refuses_by_the_same_least_area():
    from commonwatch.agent import zones as agent_zones
    from commonwatch.cameras import zones as server_zones

    sliver = [[0, 0], [1, 0], [1, 1e-5]]
    assert agent_zones.MIN_AREA == server_zones.MIN_AREA
    assert agent_zones.area(sliver) == server_zones._area(sliver)


def test_a_missing_source_is_named(tmp_path):
    result = run(
        str(tmp_path / "nowhere.mp4"),
        "--server",
        "http://127.0.0.1:9",
        "--spool",
        str(tmp_path / "s"),
    )

    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_a_server_address_must_be_http(tmp_path):
    result = run(str(tmp_path), "--server", "ftp://example.org", "--spool", str(tmp_path / "s"))

    assert result.returncode == 2
    assert "--server is an http:// or https:// address" in result.stderr


def test_a_file_that_is_not_a_video_is_named_and_nothing_is_queued(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("shopping list")

    result = run(str(path), "--server", "http://127.0.0.1:9", "--spool", str(tmp_path / "s"))

    assert result.returncode == 1
    assert f"cannot read {path}" in result.stderr
    assert list((tmp_path / "s" / "queue").iterdir()) == []


def test_zones_can_come_from_a_file(tmp_path):
    path = tmp_path / "zones.json"
    path.write_text("[[[0, 0.5], [1, 0.5], [1, 1]]]")

    assert parse_zones(f"@{path}") == [[[0.0, 0.5], [1.0, 0.5], [1.0, 1.0]]]
    with pytest.raises(ZoneError, match="cannot read the zones file"):
        parse_zones(f"@{tmp_path / 'missing.json'}")


def test_waits_after_failures_double_up_to_the_longest_then_start_again():
    backoff = Backoff(first=1, most=8)

    waits = [backoff.next_wait() for _ in range(6)]
    backoff.reset()

    for wait, ceiling in zip(waits, [1, 2, 4, 8, 8, 8], strict=True):
        assert ceiling / 2 <= wait <= ceiling
    assert backoff.next_wait() <= 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the token file {path}: No such file or directory"),
        ("not a token", "the token file {path} holds no device token (they start with cwcam_)"),
        (b"\xff\xfe\x00", "cannot read the token file {path}: it is not text"),
    ],
)
def test_a_token_file_that_holds_no_token_is_named(tmp_path, content, message):
    path = tmp_path / "camera.token"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)

    result = run(
        str(tmp_path),
        *("--server", "http://127.0.0.1:9", "--spool", str(tmp_path / "s")),
        *("--token-file", str(path)),
    )

    assert result.returncode == 2
    assert message.format(path=path) in result.stderr
    assert "Errno" not in result.stderr


def test_a_refusal_reads_as_the_servers_own_sentence():
    from tusclient.exceptions import TusCommunicationError

    from commonwatch.agent.upload import _describe

    revoked = TusCommunicationError(
        "Attempt to retrieve create file url with status 401",
        401,
        b'{"detail": "This token was revoked or does not exist."}',
    )
    unreachable = TusCommunicationError("Connection refused")

    assert _describe(revoked) == "HTTP 401: This token was revoked or does not exist."
    assert _describe(unreachable) == "Connection refused"
    assert _describe(TusCommunicationError("x", 502, b"<html>Bad gateway</html>")) == (
        "HTTP 502: <html>Bad gateway</html>"
    )
