"""Moderators decide authors' edits of published posts through the API too."""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services as community
from commonwatch.community.models import Post, RevisionStatus
from commonwatch.community.tests.factories import published

pytestmark = pytest.mark.django_db

EDITS = "/api/v1/moderation/edits"


def _rewrite(author, post, body):
    """An edit too large to apply at once: it waits for a moderator."""
    community.edit_post(
        author=author, post=post, title=post.title, body=body, category=post.category
    )
    return post.revisions.get(status=RevisionStatus.PENDING)


def _decide(client, revision, **payload):
    return client.post(f"{EDITS}/{revision.pk}/decision", payload, content_type="application/json")


def test_a_moderator_lists_a_waiting_edit_beside_the_published_text(client, author, mod):
    post = published(author, mod, body="A ladder left against the school fence.")
    revision = _rewrite(author, post, "Somebody took the ladder away this morning; all good now.")
    sign_in(client, mod)

    listed = client.get(EDITS).json()

    assert [(e["id"], e["post_id"]) for e in listed] == [(revision.pk, post.pk)]
    assert listed[0]["published_body"] == "A ladder left against the school fence."
    assert listed[0]["body"].startswith("Somebody took the ladder") and listed[0]["reasons"]


def test_turning_an_edit_down_needs_a_note_and_keeps_the_published_text(client, author, mod):
    post = published(author, mod, body="Streetlight out at the corner of the park.")
    revision = _rewrite(author, post, "Totally different text about something else entirely.")
    sign_in(client, mod)

    silent = _decide(client, revision, action="reject")
    told = _decide(client, revision, action="reject", note="Post a new report for that.")
    again = _decide(client, revision, action="approve")

    assert silent.status_code == 422
    assert told.status_code == 200 and told.json() == {"id": revision.pk, "status": "rejected"}
    assert again.status_code == 409  # decided already: says so
    assert Post.objects.get(pk=post.pk).body == "Streetlight out at the corner of the park."


def test_applying_an_edit_shows_it_to_neighbors(client, author, mod):
    post = published(author, mod, body="Grey cat missing since Sunday near the creek.")
    revision = _rewrite(author, post, "Found! Thanks to everyone who looked for our grey cat.")
    sign_in(client, mod)

    applied = _decide(client, revision, action="approve")

    assert applied.json() == {"id": revision.pk, "status": "applied"}
    assert Post.objects.get(pk=post.pk).body.startswith("Found!")


def test_residents_cannot_list_or_decide_edits(client, author, mod):
    post = published(author, mod)
    revision = _rewrite(author, post, "A completely rewritten text that needs a moderator.")
    sign_in(client, author)

    assert client.get(EDITS).status_code == 403
    assert _decide(client, revision, action="approve").status_code == 403
    assert post.revisions.get().status == RevisionStatus.PENDING
