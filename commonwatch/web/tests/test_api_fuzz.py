"""A schema-driven fuzz of the whole API: no 5xx, and no answer the document does not describe.

Schemathesis reads /api/v1/openapi.json and sends every operation generated input,
valid and not, as a resident with a read-and-write token and as a moderator signed in
with a session (tokens never do staff work). Each answer must not be a server error
and must match the document: its status, content type, headers and body schema, and
input the document forbids must be refused. The run is bounded (a few dozen cases per
operation) so it fits the test command.

Left out: "schema-valid input must be accepted" (a well-formed but unknown cursor, or
an id that does not exist, is rightly a documented 422 or 404), and, for the session,
"generated bad credentials must be refused" (the test sends its own session cookie
with every request; who is refused is the access matrix's test).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, assume, settings
from schemathesis.specs.openapi import checks

from commonwatch.accounts import services as accounts
from commonwatch.community import services as community
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at
from commonwatch.moderation import services as moderation

pytestmark = pytest.mark.django_db
EXAMPLES_PER_OPERATION = 25


# Read at collection: serving the document touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def in_process_requests():
    """The app answers in this test's transaction: keep Django from closing the connection
    between requests, as its own test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def address_search(settings):
    """Address search answers from the demo's own streets: schemathesis counts any 5xx as a
    server error, and a geocoder that is off or down is a documented 503
    (accounts/tests/test_address_search.py checks that one)."""
    settings.GEOCODER, settings.GEOCODER_URL = "demo", ""


@pytest.fixture
def neighborhood(db, in_process_requests):
    """A little of everything for the fuzz to find: a post, a comment, an open appeal."""
    author = resident_at(*CENTER)
    reader = resident_at(CENTER[0] + 0.001, CENTER[1])
    mod = moderator()
    post = published(author, mod)
    community.add_comment(author=reader, post=post, body="Saw it too.")
    rejected = community.submit_post(
        author=author, category="crime", title="Hm", body="Not so.", lat=CENTER[0], lng=CENTER[1]
    )
    moderation.reject_post(moderator=mod, post=rejected, reason="Not so.", rule="false")
    moderation.appeal(author=author, post=rejected, statement="It did happen.")
    return reader, mod


# The WSGI transport hands schemathesis the body as sent, without undoing a gzip encoding
# (the map data is gzipped when asked): ask for it plain.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def resident_token(neighborhood):
    _token, raw = accounts.create_api_token(user=neighborhood[0], name="fuzz", scope="write")
    return {"headers": {"Authorization": f"Bearer {raw}", **PLAIN}}


@pytest.fixture
def moderator_session(neighborhood):
    """A browser's session: its cookie, and a CSRF token in cookie and header alike."""
    session = Client()
    session.force_login(neighborhood[1])  # no request: the signals stay as the fuzz needs
    csrf = get_random_string(32)
    cookies = {
        django_settings.SESSION_COOKIE_NAME: session.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    }
    return {"headers": {"X-CSRFToken": csrf, **PLAIN}, "cookies": cookies | {"csrftoken": csrf}}


FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
)


NOT_DOCUMENT_RULES = [checks.positive_data_acceptance]


def _sendable(case) -> bool:
    """A multipart form cannot carry null or an empty list: schemathesis leaves such a
    part out, and the request it sends is one without that (optional) field, which the
    API rightly accepts. Such cases say nothing about the document."""
    if case.media_type != "multipart/form-data" or not isinstance(case.body, dict):
        return True
    return all(value is not None and value != [] for value in case.body.values())


@schema.parametrize()
@FUZZ
def test_the_api_answers_a_resident_as_its_document_says(case, resident_token):
    assume(_sendable(case))
    case.call_and_validate(**resident_token, excluded_checks=NOT_DOCUMENT_RULES)


@schema.parametrize()
@FUZZ
def test_the_api_answers_a_moderator_as_its_document_says(case, moderator_session):
    assume(_sendable(case))
    excluded = [*NOT_DOCUMENT_RULES, checks.ignored_auth]
    case.call_and_validate(**moderator_session, excluded_checks=excluded)
