"""Authors' edits of published posts are queue items like the others: paged in the same
oldest-first order, filtered, claimed, decided without losing the moderator's place,
and shown with their word diff, flags and the author's standing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services as community
from commonwatch.community.models import Post, PostRevision, RevisionStatus
from commonwatch.community.tests.factories import moderator, published, submit
from commonwatch.core.errors import Conflict
from commonwatch.moderation import selectors, services
from commonwatch.moderation.models import Claim
from commonwatch.moderation.tests.factories import throwaway_account

pytestmark = pytest.mark.django_db


def _anchors(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('class="panel queue-item" id="')[1:]]


def _waiting_edit(author, post, body="A new story altogether, which a moderator reads first."):
    """An edit too large to apply at once: it waits while neighbors see the post."""
    community.edit_post(
        author=author, post=post, title=post.title, body=body, category=post.category
    )
    return post.revisions.get(status=RevisionStatus.PENDING)


def _aged(revision, days: float) -> None:
    when = timezone.now() - timedelta(days=days)
    PostRevision.objects.filter(pk=revision.pk).update(created_at=when)


def test_edits_page_with_the_other_items_oldest_first(client, author, mod):
    posts = [submit(author, title=f"Post number {n}") for n in range(selectors.QUEUE_PAGE)]
    Post.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    oldest = _waiting_edit(author, published(author, mod, title="Edited long ago"))
    _aged(oldest, days=2)
    newest = _waiting_edit(author, published(author, mod, title="Edited just now"))
    sign_in(client, mod)

    first = client.get("/moderation/").content.decode()
    second = client.get("/moderation/?page=2").content.decode()

    assert _anchors(first)[0] == f"item-edit-{oldest.pk}"
    assert len(_anchors(first)) == selectors.QUEUE_PAGE
    assert _anchors(second) == [f"item-post-{posts[-1].pk}", f"item-edit-{newest.pk}"]
    assert "2 edited posts" in first and "Page 2 of 2" in second
    assert "Edits of published posts" in first  # the kind filter offers them


def test_edits_follow_the_age_and_flags_filters(client, author, mod):
    old = _waiting_edit(author, published(author, mod, title="Old edit"))
    _aged(old, days=4)
    flagged = published(author, mod, title="Flagged then edited")
    services.flag_post(user=throwaway_account(), post=flagged, reason="false")
    held = _waiting_edit(author, flagged, body=flagged.body + " Update: seen again.")
    sign_in(client, mod)

    def shown(query):
        return _anchors(client.get(f"/moderation/?{query}").content.decode())

    assert shown("kind=edit") == [f"item-edit-{old.pk}", f"item-edit-{held.pk}"]
    assert shown("kind=edit&age=3d") == [f"item-edit-{old.pk}"]
    assert shown("kind=edit&flags=1") == [f"item-edit-{held.pk}"]
    assert shown("kind=edit&flags=3") == []
    assert f"item-post-{flagged.pk}" in shown("flags=1"), "the flagged post waits as well"


def test_an_edit_shows_its_diff_reasons_flags_and_the_authors_standing(client, author, mod):
    earlier = _waiting_edit(author, published(author, mod, title="Earlier"))
    services.turn_down_edit(moderator=mod, revision=earlier, note="Post a new report instead.")
    post = published(author, mod, title="Streetlight", body="The streetlight is out again.")
    services.flag_post(user=throwaway_account(), post=post, reason="false", note="Fixed already")
    revision = _waiting_edit(author, post, body="The streetlight works again since Friday.")
    sign_in(client, mod)

    page = client.get("/moderation/?kind=edit").content.decode()
    item = page.split(f'id="item-edit-{revision.pk}"')[1].split("</article>")[0]

    assert "<del>is out again.</del>" in item and "<ins>works again since Friday.</ins>" in item
    assert "Neighbors see the published text until you decide" in item
    assert "flagged" in item  # why it waits: neighbors' open flags on the post
    assert "Fixed already" in item and "1 open flag" in item
    assert "Not applied: “Post a new report instead.”" in item
    assert "Account" in item and "new or not established" in item
    assert f'action="/moderation/edits/{revision.pk}/decision/"' in item
    assert f'action="/moderation/claims/edit/{revision.pk}/"' in item


def test_a_claimed_edit_is_decided_only_by_its_claimer(client, author, mod):
    post = published(author, mod, body="Grey cat missing since Sunday near the creek.")
    revision = _waiting_edit(author, post, body="Found! Thanks to all who looked for our cat.")
    services.claim_item(moderator=mod, kind="edit", item=revision)
    other = moderator()
    sign_in(client, other)

    page = client.get("/moderation/").content.decode()
    refused = client.post(
        f"/moderation/edits/{revision.pk}/decision/", {"action": "approve"}, follow=True
    )
    api_refused = client.post(
        f"/api/v1/moderation/edits/{revision.pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )

    assert f"Claimed by {mod.email} until" in page
    assert f'action="/moderation/edits/{revision.pk}/decision/"' not in page, "no form to send"
    assert "Claimed by another moderator until" in refused.content.decode()
    assert f"only {mod.email} can decide it" in refused.content.decode()
    assert api_refused.status_code == 409
    assert api_refused.json()["detail"].startswith("Claimed by another moderator until")
    assert client.post(f"/api/v1/moderation/claims/edit/{revision.pk}").status_code == 409
    with pytest.raises(Conflict):
        services.turn_down_edit(moderator=other, revision=revision, note="No.")
    assert Post.objects.get(pk=post.pk).body.startswith("Grey cat")

    services.apply_edit(moderator=mod, revision=revision)
    assert Post.objects.get(pk=post.pk).body.startswith("Found!")
    assert not Claim.objects.exists(), "a decision releases the claim"


def test_deciding_an_edit_returns_to_the_same_place_next_item_named(client, author, mod):
    first = _waiting_edit(author, published(author, mod, title="First"))
    second = _waiting_edit(author, published(author, mod, title="Second"))
    sign_in(client, mod)
    page = client.get("/moderation/?kind=edit").content.decode()
    assert f'name="after" value="item-edit-{second.pk}"' in page

    claimed = client.post(
        f"/moderation/claims/edit/{first.pk}/",
        {"next": "/moderation/?kind=edit", "after": f"item-edit-{first.pk}"},
    )
    assert claimed["Location"] == f"/moderation/?kind=edit#item-edit-{first.pk}"
    assert Claim.objects.get().item == f"edit:{first.pk}"

    silent = client.post(
        f"/moderation/edits/{first.pk}/decision/",
        {"action": "reject", "next": "/moderation/?kind=edit", "after": f"item-edit-{second.pk}"},
        follow=True,
    )
    assert "Tell the author why" in silent.content.decode()
    assert PostRevision.objects.get(pk=first.pk).status == RevisionStatus.PENDING

    done = client.post(
        f"/moderation/edits/{first.pk}/decision/",
        {
            "action": "reject",
            "note": "Post a new report for that.",
            "next": "/moderation/?kind=edit&page=1",
            "after": f"item-edit-{second.pk}",
        },
    )
    assert done["Location"] == f"/moderation/?kind=edit&page=1#item-edit-{second.pk}"
    assert PostRevision.objects.get(pk=first.pk).status == RevisionStatus.REJECTED
    assert not Claim.objects.exists()
    assert _anchors(client.get("/moderation/?kind=edit").content.decode()) == [
        f"item-edit-{second.pk}"
    ]


def test_the_api_queue_gives_an_edit_beside_the_published_text(client, author, mod):
    post = published(author, mod, body="A ladder left against the school fence.")
    revision = _waiting_edit(author, post, body="Somebody took the ladder away; all good now.")
    sign_in(client, mod)

    listed = client.get("/api/v1/moderation/queue?kind=edit").json()
    claimed = client.post(f"/api/v1/moderation/claims/edit/{revision.pk}")
    released = client.delete(f"/api/v1/moderation/claims/edit/{revision.pk}")

    [item] = listed["items"]
    assert (item["kind"], item["id"], item["post_id"]) == ("edit", revision.pk, post.pk)
    assert item["body"].startswith("Somebody took") and item["edit_reasons"]
    assert item["published_body"] == "A ladder left against the school fence."
    assert item["status"] == "pending" and listed["counts"]["edit"] == 1
    assert claimed.status_code == 200 and claimed.json()["item"] == f"edit:{revision.pk}"
    assert released.status_code == 204 and not Claim.objects.exists()
    assert client.post("/api/v1/moderation/claims/edit/999999").status_code == 404


def test_residents_neither_see_nor_claim_edits(client, author, mod):
    revision = _waiting_edit(author, published(author, mod))
    sign_in(client, author)

    assert client.get("/moderation/?kind=edit").status_code == 403
    assert client.post(f"/moderation/claims/edit/{revision.pk}/").status_code == 403
    assert (
        client.post(f"/moderation/edits/{revision.pk}/decision/", {"action": "approve"}).status_code
        == 403
    )
    assert client.post(f"/api/v1/moderation/claims/edit/{revision.pk}").status_code == 403
    assert PostRevision.objects.get().status == RevisionStatus.PENDING
    assert not Claim.objects.exists()


def test_a_claim_follows_the_edit_its_author_replaced(client, author, mod):
    post = published(author, mod)
    first = _waiting_edit(author, post, body="A first rewrite that a moderator must read.")
    services.claim_item(moderator=mod, kind="edit", item=first)
    second = _waiting_edit(author, post, body="A second rewrite, sent while it was claimed.")

    assert Claim.objects.get().item == f"edit:{second.pk}"
    sign_in(client, moderator())
    refused = client.post(
        f"/api/v1/moderation/edits/{second.pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 409


def test_an_edit_another_moderator_just_decided_says_so_in_the_queue(client, author, mod):
    """Two moderators on one edit: the second is told it was decided, back on the queue
    where they were, not sent to a "not found" page."""
    waiting = _waiting_edit(author, published(author, mod, title="Decided twice"))
    services.apply_edit(moderator=moderator(), revision=waiting)
    sign_in(client, mod)

    for action, note in (("approve", ""), ("reject", "Keep it short.")):
        answer = client.post(
            f"/moderation/edits/{waiting.pk}/decision/",
            {"action": action, "note": note, "next": "/moderation/?kind=edit&page=2"},
            follow=True,
        )
        assert answer.redirect_chain[-1][0].startswith("/moderation/?kind=edit&page=2")
        assert "This edit has been decided or replaced meanwhile." in answer.content.decode()
    assert PostRevision.objects.get(pk=waiting.pk).status == RevisionStatus.APPLIED
