"""The fixed cast every test can call on, and test-wide settings.

Infrastructure a test is not about is stripped (fast hashing, in-memory mail,
tasks run inline); tests about workers, PostgreSQL or the browser opt back in.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from commonwatch.accounts.roles import STAFF_ROLES, Role
from commonwatch.accounts.tests.factories import UserFactory, staff_with_mfa

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": [django_settings.TASK_QUEUE],
    }
}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file, so real worker processes can open it too.

    It lives in pytest's temporary directory, which is unique per run and per xdist
    worker. SQLITE_TEST_NAME still wins when set (settings.py).
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database["TEST"].get("NAME"):
        database["TEST"]["NAME"] = str(tmp_path_factory.getbasetemp() / "test.sqlite3")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def resident(db):
    return UserFactory(role=Role.RESIDENT)


@pytest.fixture
def staff(db):
    """One MFA-enrolled user per staff role, keyed by role."""
    return {role: staff_with_mfa(role) for role in STAFF_ROLES}


@pytest.fixture
def cast(resident, staff):
    """Visitor (None), a resident and every staff role: the authorization matrix's rows."""
    return {"visitor": None, Role.RESIDENT: resident, **staff}
