"""Strict security headers on every response, and a deploy check with nothing to report."""

from __future__ import annotations

import os
import secrets
import string

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.core.tests.processes import manage
from config.vapid import new_private_key


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
        "VAPID_PRIVATE_KEY": new_private_key(),  # without it: "web push is off"
        "ALLOWED_HOSTS": "example.org",
        "SITE_URL": "https://example.org",
        "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
        "DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)

    assert manage("collectstatic", "--noinput", env=env).returncode == 0  # the checklist's step
    result = manage("check", "--deploy", env=env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output


def test_the_policy_is_django_csps_and_follows_its_settings(client, db, settings):
    """The header is built once per process (core/csp.py): the same string django-csp
    builds, and a changed policy is served at once."""
    from csp.utils import build_policy

    assert client.get("/api/v1/me")["Content-Security-Policy"] == build_policy()

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


def test_an_answer_with_its_own_policy_keeps_it(rf):
    """A view that changes its policy (django-csp's decorators) goes through django-csp."""
    from django.http import HttpResponse

    from commonwatch.core.csp import CSPMiddleware

    response = HttpResponse()
    response._csp_update = {"img-src": ["https://tiles.example"]}
    answer = CSPMiddleware(lambda request: response)(rf.get("/"))

    assert "img-src 'self' data: https://tiles.example" in answer["Content-Security-Policy"]


def test_answers_to_a_signed_in_person_are_never_cached(client, resident):
    """The same Cache-Control Django's never-cache helpers write, marked private."""
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers, patch_cache_control

    client.force_login(resident)
    expected = HttpResponse()
    add_never_cache_headers(expected)
    patch_cache_control(expected, private=True)

    response = client.get("/api/v1/me")

    assert response["Cache-Control"] == expected["Cache-Control"]
    assert response.has_header("Expires")
