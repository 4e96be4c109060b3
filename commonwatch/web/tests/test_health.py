"""Load balancers and orchestrators ask whether a process is alive and ready to serve."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.urls import reverse

from commonwatch.web import health

pytestmark = pytest.mark.django_db


def test_a_live_process_answers_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        answer = client.get(reverse("web:healthz"))

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-store" in answer["Cache-Control"]


def test_ready_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""

    answer = client.get(reverse("web:readyz"))

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-store" in answer["Cache-Control"]


def test_not_ready_names_the_database_when_it_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", refuse)

    answer = client.get(reverse("web:readyz"))

    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "down": ["database"]}


def test_not_ready_names_redis_when_the_scale_mode_cannot_reach_it(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    answer = client.get(reverse("web:readyz"))

    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "down": ["redis"]}


def test_probes_over_plain_http_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production's default

    assert client.get(reverse("web:healthz")).status_code == 200
    assert client.get(reverse("web:home")).status_code == 301
