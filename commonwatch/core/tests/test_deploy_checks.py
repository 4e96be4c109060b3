"""check --deploy names what would leak or break in production, and what to set."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from commonwatch.core.checks import (
    email_is_delivered,
    site_url_is_this_sites_https_address,
    static_files_are_collected,
)

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


@pytest.fixture
def production(settings):
    settings.DEBUG = settings.DEMO = False
    settings.EMAIL_BACKEND = SMTP
    settings.SITE_URL = "https://watch.example.org"
    return settings


@pytest.mark.parametrize("backend", [CONSOLE, "django.core.mail.backends.dummy.EmailBackend"])
def test_e_mail_that_goes_nowhere_is_an_error_naming_email_url(production, backend):
    production.EMAIL_BACKEND = backend

    [error] = email_is_delivered(None)

    assert error.id == "commonwatch.E001"
    assert "EMAIL_URL" in error.msg and "smtp" in error.hint


def test_a_relay_or_the_demo_raise_nothing_about_e_mail(production):
    assert email_is_delivered(None) == []

    production.DEMO, production.EMAIL_BACKEND = True, CONSOLE
    assert email_is_delivered(None) == []


@pytest.mark.parametrize("url", ["", "notaurl", "http://127.0.0.1:8000", "https://"])
def test_a_site_url_that_is_not_https_is_an_error_naming_it(production, url):
    production.SITE_URL = url

    [error] = site_url_is_this_sites_https_address(None)

    assert error.id == "commonwatch.E002"
    assert "SITE_URL" in error.msg and "https://" in error.hint


def test_the_sites_https_address_or_the_demo_raise_nothing(production):
    assert site_url_is_this_sites_https_address(None) == []

    production.DEMO, production.SITE_URL = True, "http://127.0.0.1:8000"
    assert site_url_is_this_sites_https_address(None) == []


def test_static_files_not_collected_are_an_error_until_collectstatic_runs(production, tmp_path):
    production.STATIC_ROOT = tmp_path / "static"
    production.STORAGES = {
        **production.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    [error] = static_files_are_collected(None)
    assert error.id == "commonwatch.E003"
    assert "collectstatic" in error.hint

    call_command("collectstatic", interactive=False, verbosity=0)
    assert static_files_are_collected(None) == []


def test_without_hashed_names_there_is_no_manifest_to_look_for():
    """The demo and the tests serve static files by their own names."""
    assert static_files_are_collected(None) == []
