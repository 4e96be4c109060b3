"""The fixed cast every test can call on, and test-wide settings.

Infrastructure a test is not about is stripped (fast hashing, in-memory mail,
tasks run inline); tests about workers, PostgreSQL or the browser opt back in.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TASK_BACKEND", "immediate")

from commonwatch.accounts.roles import STAFF_ROLES, Role  # noqa: E402
from commonwatch.accounts.tests.factories import UserFactory, staff_with_mfa  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
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
