"""A link's key never reaches a log line: uvicorn's, daphne's or Django's own."""

from __future__ import annotations

import contextlib
import logging
import urllib.error
import urllib.request

import pytest
from django.urls import reverse
from uvicorn.logging import AccessFormatter

from commonwatch.community.tests.live_servers import app_server
from commonwatch.core.log_secrets import REQUEST_LOGGERS, HideSecretLinks, without_secrets

KEY = "MzQ:1xYddd:HqvUs3cr3t"


SECRET_LINKS = [
    reverse("account_confirm_email", args=[KEY]),
    reverse("account_reset_password_from_key", kwargs={"uidb36": "1a", "key": KEY}),
    reverse("organizations:invitation", args=[KEY]),
    reverse("notifications:unsubscribe", args=[KEY]),
    reverse("notifications:mute", args=[KEY]) + "?from=mail",
]


@pytest.mark.parametrize("path", SECRET_LINKS)
def test_the_key_of_each_kind_of_link_is_left_out_and_the_rest_kept(path):
    hidden = without_secrets(f'GET {path} HTTP/1.1" 200')

    assert KEY not in hidden and "1a-" not in hidden
    assert path.split(KEY)[0].removesuffix("1a-") + "…" in hidden


def test_other_paths_are_logged_as_they_are():
    for plain in ("/accounts/password/reset/key/done/", "/notifications/", "/feed/?q=invitations"):
        assert without_secrets(plain) == plain


def record(msg, args) -> logging.LogRecord:
    return logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, None)


def test_uvicorns_access_line_keeps_its_shape():
    line = record(
        '%s - "%s %s HTTP/%s" %d',
        ("203.0.113.7:0", "GET", f"/organizations/invitations/{KEY}/", "1.1", 200),
    )

    assert HideSecretLinks().filter(line)
    formatted = AccessFormatter(fmt="%(client_addr)s %(request_line)s %(status_code)s").format(line)

    assert formatted == "203.0.113.7:0 GET /organizations/invitations/…/ HTTP/1.1 200 OK"


def test_daphnes_line_by_name_and_djangos_not_found_are_hidden_too():
    daphne = record("HTTP %(method)s %(path)s %(status)s", {"method": "GET", "status": 200})
    daphne.args["path"] = f"/accounts/confirm-email/{KEY}/"
    django = record("Not Found: %s", (f"/notifications/unsubscribe/{KEY}/",))

    for line in (daphne, django):
        HideSecretLinks().filter(line)
        assert KEY not in line.getMessage() and "…" in line.getMessage()


def test_the_app_servers_access_loggers_and_the_console_carry_the_filter():
    for name in REQUEST_LOGGERS:
        assert any(isinstance(f, HideSecretLinks) for f in logging.getLogger(name).filters)
    root = logging.getLogger()
    assert any(isinstance(f, HideSecretLinks) for h in root.handlers for f in h.filters)


@pytest.mark.django_db(transaction=True)
def test_the_production_app_servers_log_has_no_key(tmp_path):
    """uvicorn as the README runs it, its access log on: each line names the request."""
    with app_server(tmp_path) as app:
        for path in SECRET_LINKS:
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{app.port}{path}", timeout=10)
        log = app.log()

    assert log.count('"GET /') >= len(SECRET_LINKS), log
    assert KEY not in log and "HqvU" not in log
