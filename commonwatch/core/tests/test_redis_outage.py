"""The scale mode through a Redis outage: everything keeps answering, nothing is lost.

Cache, task queue and live channel all point at a Redis of this test's own, which is
stopped mid-way: signing up and in, approving a post and reading all still answer
(no 500, even after a commit), the e-mail and the alerts wait in the outbox, and
once Redis is back a real RQ worker process carries them out.
"""

from __future__ import annotations

from email import message_from_string

import pytest
from django.urls import reverse

from commonwatch.accounts.tests.factories import PASSWORD, sign_in
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    post_alerts,
    resident_at,
    submit,
)
from commonwatch.core.models import OutboxMessage
from commonwatch.core.tests.processes import PrivateRedis, manage, process_env
from config.settings import redis_channel_layer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_server():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def scale_mode(settings, redis_server):
    url = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "commonwatch.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": settings.INSTALL_NAME,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [settings.TASK_QUEUE]}
    }
    settings.RQ_QUEUES = {settings.TASK_QUEUE: {"URL": f"{url}?socket_connect_timeout=1"}}
    settings.CHANNEL_LAYERS = {"default": redis_channel_layer(url)}
    return redis_server


def test_an_outage_answers_every_request_and_loses_no_work(client, scale_mode, tmp_path):
    author, reader = resident_at(*CENTER), resident_at(CENTER[0] + 0.002, CENTER[1])
    post, mod = submit(author), moderator()

    scale_mode.stop()

    joined = client.post(
        reverse("account_signup"),
        {"email": "newcomer@example.org", "password1": "a walk by the river 42"}
        | {"password2": "a walk by the river 42"},
    )
    assert joined.status_code == 302, joined.content[:500]
    signed_in = client.post(reverse("account_login"), {"login": reader.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("community:feed")
    sign_in(client, mod)
    decided = client.post(
        reverse("moderation:decide_post", args=[post.pk]), {"action": "approve"}, follow=True
    )
    assert decided.status_code == 200
    assert b"Approved and published." in decided.content
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED
    assert client.get(reverse("moderation:log")).status_code == 200
    client.force_login(reader)
    assert [p["id"] for p in client.get("/api/v1/feed").json()["posts"]] == [post.pk]
    waiting = set(OutboxMessage.objects.filter(done_at=None).values_list("kind", flat=True))
    assert waiting == {
        "accounts.email",
        "community.post_alerts",
        "community.announce_post",
        "notifications.fan_out",  # the author is told of the decision
    }
    assert not post_alerts().exists()

    scale_mode.start()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = process_env(
        tmp_path,
        TASK_BACKEND="rq",
        REDIS_URL=scale_mode.url,
        EMAIL_URL=f"filemail:///{mail_dir}",
    )
    worker = manage("task_worker", "--burst", env=env)

    assert worker.returncode == 0, worker.stderr
    assert not OutboxMessage.objects.filter(done_at=None).exists()
    assert list(post_alerts().values_list("recipient_id", flat=True)) == [reader.pk]
    sent = [
        message_from_string(chunk.strip())["To"]
        for path in mail_dir.glob("*.log")
        for chunk in path.read_text().split("-" * 79)
        if chunk.strip()
    ]
    assert sent == ["newcomer@example.org"]
