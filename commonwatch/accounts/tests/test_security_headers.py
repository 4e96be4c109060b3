"""Strict security headers on every response, and a deploy check with nothing to report."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from commonwatch.accounts.tests.factories import sign_in
from config.settings import _vapid_private_key


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/api/v1/me"])
def test_responses_carry_a_strict_content_security_policy(client, db, url):
    response = client.get(url)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_carry_the_policy_too(client, cast):
    sign_in(client, cast["operator"])

    for url in (reverse("accounts:api_tokens"), reverse("admin:index")):
        assert "'unsafe-inline'" not in client.get(url)["Content-Security-Policy"]


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    alphabet = string.ascii_letters + string.digits + string.punctuation.replace("$", "")
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "VAPID_PRIVATE_KEY": _vapid_private_key(),  # without it: "web push is off"
        "ALLOWED_HOSTS": "example.org",
        "DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output
