"""The fixed cast every test can call on, and test-wide settings.

Infrastructure a test is not about is stripped (fast hashing, in-memory mail,
tasks run inline); tests about workers, PostgreSQL or the browser opt back in.
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from commonwatch.accounts.tests.factories import UserFactory, operator
from commonwatch.moderation.pace import PACES as RESIDENTS_PACES
from commonwatch.organizations.models import Kind
from commonwatch.organizations.models import Role as MembershipRole
from commonwatch.organizations.tests.factories import member_of, organization, team

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

    from commonwatch.geo.selectors import forget_place_labels

    cache.clear()
    forget_place_labels()  # each test's database names its own places


@pytest.fixture(autouse=True)
def _posting_pace_lifted(monkeypatch):
    """Tests build neighborhoods by posting many times a minute as new accounts: the
    pace still counts (its lock and query run) but never refuses, unless a test asks for
    `posting_pace`, the figures residents have (moderation/pace.py)."""
    from commonwatch.moderation import pace

    lifted = pace.Pace(new=1_000_000, established=1_000_000)
    monkeypatch.setattr(pace, "PACES", dict.fromkeys(pace.PACES, lifted))


@pytest.fixture
def posting_pace(monkeypatch):
    """The posting pace as residents have it: the lift above undone for this test."""
    from commonwatch.moderation import pace

    monkeypatch.setattr(pace, "PACES", RESIDENTS_PACES)
    return pace


@pytest.fixture
def resident(db):
    return UserFactory()


PERSONAS = (
    "visitor",
    "resident",
    "moderator",
    "officer_a",
    "officer_b",
    "oversight",
    "legal",
    "operator",
)


@pytest.fixture
def cast(resident):
    """Who the access matrix and the ownership tests try every URL as: a visitor (None),
    a resident, a resident who moderates, an officer of agency A and one of agency B, an
    oversight member, a legal reviewer and an operator. Staff have a second factor."""
    agency_a = organization(Kind.AGENCY, "Agency A")
    agency_b = organization(Kind.AGENCY, "Agency B")
    return {
        "visitor": None,
        "resident": resident,
        "moderator": member_of(team(Kind.MODERATION)),
        "officer_a": member_of(agency_a),
        "officer_b": member_of(agency_b),
        "oversight": member_of(team(Kind.OVERSIGHT)),
        "legal": member_of(team(Kind.LEGAL)),
        "operator": operator(),
    }


@pytest.fixture
def agency_admin(db):
    return member_of(organization(Kind.AGENCY, "Agency A"), MembershipRole.ADMIN)


@pytest.fixture
def migrate_to():
    """Migrates the test database to some migrations and gives their models (a data
    migration's test); whatever happens, the tests after it find the latest schema."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        MigrationExecutor(connection).migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
