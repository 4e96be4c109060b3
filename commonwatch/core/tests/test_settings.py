"""Settings fail closed, and installs sharing one Redis stay apart."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from cryptography.fernet import Fernet
from django.conf import settings

from commonwatch.core.tests.processes import PrivateRedis
from config.settings import redis_channel_layer
from config.vapid import new_private_key

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DEMO": settings.DEMO,
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SESSION_COOKIE_SECURE": getattr(settings, "SESSION_COOKIE_SECURE", False),
    "cache_prefix": settings.CACHES["default"].get("KEY_PREFIX"),
    "layer_prefix": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix"),
    "queues": list(settings.RQ_QUEUES),
    "task_queues": settings.TASKS["default"]["QUEUES"],
}))
"""


def load_settings(tmp_path, **env: str) -> subprocess.CompletedProcess:
    return start(tmp_path, "-c", f"import django; django.setup(); {PRINT_SETTINGS}", **env)


def start(tmp_path, *arguments: str, **env: str) -> subprocess.CompletedProcess:
    """python *arguments with this test's environment only, from the project's root."""
    ours = (
        "DEBUG",
        "DEMO",
        "SECRET_KEY",
        "ENCRYPTION_KEYS",
        "VAPID_PRIVATE_KEY",
        "INSTALL_NAME",
        "REDIS_URL",
    )
    clean = {key: value for key, value in os.environ.items() if key not in ours}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DATA_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_configuration_commonwatch_refuses_to_start_rather_than_run_open(tmp_path):
    started = load_settings(tmp_path)

    assert started.returncode != 0
    assert "SECRET_KEY must be set (DEMO and DEBUG are off)" in started.stderr
    assert not list(tmp_path.glob("secret*")), "no key is made up outside the demo mode"


def production(tmp_path, **env: str) -> subprocess.CompletedProcess:
    keys = {"SECRET_KEY": "x" * 60, "ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    return load_settings(tmp_path, **keys, VAPID_PRIVATE_KEY=new_private_key(), **env)


def test_production_is_the_default_once_its_secrets_are_given(tmp_path):
    started = production(tmp_path)

    assert started.returncode == 0, started.stderr
    loaded = json.loads(started.stdout)
    assert loaded["DEBUG"] is loaded["DEMO"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] is False
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["SECURE_HSTS_PRELOAD"] is False, "preloading is the operator's choice"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("X-Forwarded-Scheme", ["HTTP_X_FORWARDED_SCHEME", "https"]), ("", None)],
)
def test_the_proxys_https_header_is_named_or_none_is_trusted(tmp_path, header, expected):
    started = production(tmp_path, TRUSTED_PROTO_HEADER=header)

    assert started.returncode == 0, started.stderr
    assert json.loads(started.stdout)["SECURE_PROXY_SSL_HEADER"] == expected


def test_the_demo_makes_its_keys_and_serves_plain_http_without_debug_pages(tmp_path):
    """The demo shows visitors the site's own 404 and 500 pages, as production does."""
    started = load_settings(tmp_path, DEMO="true")

    assert started.returncode == 0, started.stderr
    loaded = json.loads(started.stdout)
    assert loaded["DEBUG"] is False and loaded["DEMO"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is False
    assert loaded["MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] is True
    assert (tmp_path / "secret_key").exists() and (tmp_path / "vapid_private_key").exists()


def test_the_dev_mode_makes_its_own_keys_once_and_keeps_them(tmp_path):
    first = load_settings(tmp_path, DEBUG="true")
    second = load_settings(tmp_path, DEBUG="true")

    assert first.returncode == second.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert (tmp_path / "encryption_keys").exists()


def test_every_redis_name_carries_the_install_name(tmp_path):
    started = load_settings(
        tmp_path, DEBUG="true", INSTALL_NAME="riverside", REDIS_URL="redis://127.0.0.1:6379/3"
    )

    assert started.returncode == 0, started.stderr
    loaded = json.loads(started.stdout)
    assert loaded["cache_prefix"] == loaded["layer_prefix"] == "riverside"
    assert loaded["queues"] == loaded["task_queues"] == ["riverside"]


def test_with_redis_an_install_must_name_itself(tmp_path):
    started = load_settings(tmp_path, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/3")

    assert started.returncode != 0
    assert "INSTALL_NAME must be set with REDIS_URL" in started.stderr


def test_a_bad_install_name_is_refused(tmp_path):
    started = load_settings(tmp_path, DEBUG="true", INSTALL_NAME="Bad Name!")

    assert started.returncode != 0
    assert "INSTALL_NAME" in started.stderr


def test_a_setting_that_is_not_a_number_is_named_in_the_refusal(tmp_path):
    started = load_settings(tmp_path, DEBUG="true", DB_CONN_MAX_AGE="ten minutes")

    assert started.returncode != 0
    assert "DB_CONN_MAX_AGE cannot be read" in started.stderr


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("ENCRYPTION_KEYS", "notakey", "ENCRYPTION_KEYS cannot be read"),
        ("TIME_ZONE", "", "TIME_ZONE cannot be read"),
        ("TIME_ZONE", "Mars/Base", "TIME_ZONE cannot be read"),
        ("DATABASE_URL", "foo", "DATABASE_URL names no database"),
        ("DATABASE_URL", "mysql://user:hunter2@db/x", "DATABASE_URL names no database"),
        ("DATABASE_URL", "postgres://user:hunter2@db:notaport/x", "DATABASE_URL cannot be read"),
        ("EMAIL_URL", "smtp://user:hunter2@host:notaport", "EMAIL_URL cannot be read"),
        ("REDIS_URL", "notaurl", "REDIS_URL must start with"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
    ],
)
def test_a_setting_that_cannot_work_stops_the_start_naming_it(tmp_path, name, value, said):
    """Found at start-up, not as a 500 on the first password reset or log page; the
    value itself is not repeated, since URLs and keys carry passwords."""
    started = load_settings(tmp_path, DEBUG="true", INSTALL_NAME="x", **{name: value})

    assert started.returncode != 0
    assert said in started.stderr
    assert "hunter2" not in started.stderr


@pytest.mark.parametrize(
    "entry", [["manage.py", "check"], ["-c", "import config.asgi"], ["-c", "import config.wsgi"]]
)
def test_a_refused_setting_is_one_sentence_not_a_traceback(tmp_path, entry):
    """What a service's log shows when a variable is missing: the sentence, nothing else."""
    started = start(tmp_path, *entry)

    assert started.returncode == 1
    assert started.stderr.startswith("SECRET_KEY must be set (DEMO and DEBUG are off).")
    assert started.stderr.count("\n") == 1


def test_a_data_dir_that_cannot_be_made_is_one_sentence_naming_it(tmp_path):
    (tmp_path / "a-file").touch()

    started = start(tmp_path, "manage.py", "check", DEBUG="true", DATA_DIR=str(tmp_path / "a-file"))

    assert started.returncode == 1
    assert started.stderr == f"DATA_DIR cannot be used: File exists: {tmp_path / 'a-file'}\n"


def test_other_errors_at_start_up_keep_their_traceback(tmp_path):
    started = start(
        tmp_path, "-c", "import config.asgi", DEBUG="true", DJANGO_SETTINGS_MODULE="config.nothere"
    )

    assert started.returncode != 0
    assert "Traceback" in started.stderr and "ModuleNotFoundError" in started.stderr


@pytest.mark.parametrize("entry", ["config.asgi", "config.wsgi"])
@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("MAP_TILES", "/srv/nothere/region.pmtiles", "MAP_TILES names /srv/nothere/region.pmtiles"),
        ("GEOCODER", "nominatm", "GEOCODER='nominatm' is not one of"),
    ],
)
def test_an_app_server_stops_on_what_the_checks_refuse(tmp_path, entry, name, value, said):
    """uvicorn and gunicorn run no checks: the basemap answered 404 to every visitor."""
    started = start(tmp_path, "-c", f"import {entry}", DEBUG="true", **{name: value})

    assert started.returncode == 1
    assert started.stderr.startswith(said) and started.stderr.count("\n") == 1


PEM_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg0j5zBzCIZ7Yq1f5w
-----END PRIVATE KEY-----"""


@pytest.mark.parametrize("value", ["!!!!", "abc", PEM_KEY, "A" * 44])
def test_a_vapid_key_that_is_not_32_raw_bytes_is_refused_saying_how_to_make_one(tmp_path, value):
    """ "abc" once passed as a 2-byte key, and a PEM key gave a traceback naming nothing."""
    started = load_settings(tmp_path, DEBUG="true", VAPID_PRIVATE_KEY=value)

    assert started.returncode != 0
    assert "VAPID_PRIVATE_KEY cannot be read" in started.stderr
    assert "32-byte" in started.stderr and "config.vapid import new_private_key" in started.stderr


@pytest.fixture
def shared_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.mark.worker
def test_two_installs_on_one_redis_never_get_each_others_live_posts(shared_redis):
    """Redis pub/sub ignores database numbers: only the prefix keeps installs apart."""
    url = f"{shared_redis.url.rsplit('/', 1)[0]}/1"
    other_url = f"{shared_redis.url.rsplit('/', 1)[0]}/2"

    def layer(address: str, install: str) -> RedisPubSubChannelLayer:
        return RedisPubSubChannelLayer(**redis_channel_layer(address, install)["CONFIG"])

    async def listen_and_publish():
        north, south = layer(url, "northside"), layer(other_url, "southside")
        north_inbox, south_inbox = await north.new_channel(), await south.new_channel()
        await north.group_add("cell.42", north_inbox)
        await south.group_add("cell.42", south_inbox)
        await north.group_send("cell.42", {"type": "post.published", "text": "north's post"})
        received = await asyncio.wait_for(north.receive(north_inbox), 5)
        try:
            leaked = await asyncio.wait_for(south.receive(south_inbox), 0.5)
        except TimeoutError:
            leaked = None
        await north.flush()
        await south.flush()
        return received, leaked

    received, leaked = asyncio.run(listen_and_publish())

    assert received["text"] == "north's post"
    assert leaked is None


def test_the_deploy_check_asks_for_trusted_proxies_in_the_scale_mode(settings):
    from commonwatch.core.checks import client_addresses_behind_a_load_balancer as check

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = 0, None
    assert [warning.id for warning in check(None)] == ["commonwatch.W001"]

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert check(None) == []
