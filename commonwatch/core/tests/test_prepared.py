"""The statements every request runs are prepared by PostgreSQL once; every other query
still binds its parameters on the client, with no limit on how many it has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commonwatch.accounts import selectors
from commonwatch.accounts.models import TokenScope
from commonwatch.accounts.services import create_api_token
from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.community.models import Post

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)
pytestmark = pytest.mark.django_db


def _token():
    _token, raw = create_api_token(
        user=UserFactory(), name="phone", scope=TokenScope.READ, lifetime_days=30
    )
    return raw


@postgres_only
def test_the_token_lookup_is_planned_once_per_connection():
    raw = _token()
    for _ in range(6):  # psycopg prepares a statement on its fifth run (DB_PREPARE_THRESHOLD)
        assert selectors.token_for(raw) is not None

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]

    assert any('FROM "accounts_apitoken"' in statement for statement in prepared)


def test_a_prepared_lookup_is_logged_like_any_query():
    raw = _token()
    with CaptureQueriesContext(connection) as queries:
        found = selectors.token_for(raw)

    assert found is not None and found.user.email
    assert ['"accounts_apitoken"' in q["sql"] for q in queries.captured_queries] == [True]


@postgres_only
def test_other_queries_take_more_parameters_than_a_prepared_statement_may():
    """PostgreSQL's protocol allows 65,535 bound parameters; a notification's recipients or
    a cleanup's ids can be more, and Django's client-side binding has no such limit."""
    assert Post.objects.filter(pk__in=range(1, 70_001)).count() == 0
