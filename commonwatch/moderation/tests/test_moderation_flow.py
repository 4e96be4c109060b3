"""Moderators approve or reject with a reason; all is recorded (flags: test_fair_flags)."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.moderation import queue, services
from commonwatch.moderation.models import Action, Claim, Decision
from commonwatch.moderation.tests.factories import throwaway_account

pytestmark = pytest.mark.django_db


def test_approval_publishes_and_records_who_and_when(author):
    mod = moderator()
    post = submit(author)
    with transaction.atomic():
        services.approve_post(moderator=mod, post=post)
    post.refresh_from_db()
    decision = Decision.objects.get(post=post)
    assert post.status == Status.PUBLISHED and post.published_at is not None
    assert (decision.moderator, decision.action) == (mod, Action.APPROVE)
    assert decision.moderator_name == mod.email


def test_rejection_needs_a_reason_that_the_author_sees(client, author):
    mod = moderator()
    post = submit(author)
    with pytest.raises(ValidationError):
        services.reject_post(moderator=mod, post=post, reason="  ", rule="other")
    services.reject_post(
        moderator=mod, post=post, reason="Please leave out the plate number.", rule="private_info"
    )
    client.force_login(author)
    page = client.get(f"/feed/posts/{post.pk}/")
    assert b"Please leave out the plate number." in page.content
    assert b"Please leave out the plate number." in client.get("/moderation/mine/").content


def test_a_resident_cannot_moderate(author):
    post = submit(author)
    with pytest.raises(NotAllowed):
        services.approve_post(moderator=resident_at(*CENTER), post=post)


def test_a_neighbor_flags_once_and_never_their_own_post(author):
    post = published(author)
    neighbor = resident_at(*CENTER)
    services.flag_post(user=neighbor, post=post, reason="false")
    with pytest.raises(ValidationError):
        services.flag_post(user=neighbor, post=post, reason="false")
    with pytest.raises(ValidationError):
        services.flag_post(user=author, post=post, reason="false")


def test_one_moderator_can_take_a_post_back(author):
    post = published(author)
    services.requeue_post(moderator=moderator(), post=post, reason="Checking a report.")
    post.refresh_from_db()
    assert post.status == Status.PENDING


def test_queue_page_lists_pending_posts_and_decides(client, author):
    mod = moderator()
    post = submit(author, title="Please review me")
    sign_in(client, mod)
    assert b"Please review me" in client.get("/moderation/").content
    response = client.post(f"/moderation/posts/{post.pk}/decision/", {"action": "approve"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED


def test_api_decision_with_field_errors(client, author):
    mod = moderator()
    post = submit(author)
    sign_in(client, mod)
    url = f"/api/v1/moderation/posts/{post.pk}/decision"
    assert client.post(url, {"action": "maybe"}, content_type="application/json").status_code == 422
    bad = client.post(url, {"action": "reject"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "rule"
    bad = client.post(url, {"action": "reject", "rule": "other"}, content_type="application/json")
    assert bad.json()["detail"][0]["loc"][-1] == "reason"
    ok = client.post(
        url,
        {"action": "reject", "rule": "other", "reason": "Duplicate."},
        content_type="application/json",
    )
    assert ok.json() == {"id": post.pk, "status": "rejected"}


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ({"action": "maybe"}, ("action", "Input should be 'approve' or 'reject'")),
        ({"reason": "Fine."}, ("action", "Field required")),
        ({"action": "reject", "rule": "other"}, ("reason", "Field required")),
    ],
)
def test_a_decision_refused_names_the_field_as_sent(client, author, decision, expected):
    """A decision is one of two shapes told apart by its action: the error names the
    field the moderator sent, not the API's parameter or the shape pydantic chose
    (`["body", "payload", "reject", "reason"]`), nor says "Input tag … found using …"."""
    post = submit(author)
    sign_in(client, moderator())

    answer = client.post(
        f"/api/v1/moderation/posts/{post.pk}/decision", decision, content_type="application/json"
    )

    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert (error["loc"], error["msg"]) == (["body", expected[0]], expected[1])
    post.refresh_from_db()
    assert post.status == Status.PENDING


def test_a_moderator_reading_a_post_can_take_it_off_the_feed_for_review(client, author, mod):
    """A post nobody flagged reaches the queue when a moderator sees it break a rule;
    neighbors do not get the button."""
    post = published(author, mod, title="Names a house")
    neighbor = resident_at(*CENTER)
    client.force_login(neighbor)
    assert "take it off the feed" not in client.get(f"/feed/posts/{post.pk}/").content.decode()
    sign_in(client, moderator())

    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    taken = client.post(
        f"/moderation/posts/{post.pk}/requeue/", {"reason": "It names a house."}, follow=True
    )

    assert "Moderator: take it off the feed for review" in page
    assert "The post is back in the queue." in taken.content.decode()
    assert Post.objects.get(pk=post.pk).status == Status.PENDING
    assert f'id="item-post-{post.pk}"' in taken.content.decode()
    again = client.post(f"/moderation/posts/{post.pk}/requeue/", follow=True)
    assert "Only a published post can be taken back into the queue." in again.content.decode()


def _post_page(client, post) -> str:
    return unescape(client.get(f"/feed/posts/{post.pk}/").content.decode())


def test_a_moderator_cannot_take_their_own_post_off_the_feed(client, mod):
    """Nobody decides their own post: its author edits or deletes it like anyone, and a
    take-down is a moderator's decision like the queue's."""
    accounts.set_home(user=mod, lat=CENTER[0], lng=CENTER[1], radius_mi=1.0)
    own = published(mod, title="My own post")
    sign_in(client, mod)

    page = _post_page(client, own)
    refused = client.post(
        f"/moderation/posts/{own.pk}/requeue/", {"reason": "Mine to hide."}, follow=True
    )

    assert "take it off the feed" not in page
    assert f'action="/moderation/posts/{own.pk}/requeue/"' not in page
    assert refused.redirect_chain[-1][0] == f"/feed/posts/{own.pk}/", "back where they were"
    assert "You wrote this: another moderator decides it." in refused.content.decode()
    with pytest.raises(NotAllowed, match="another moderator decides it"):
        services.requeue_post(moderator=mod, post=own, reason="Mine to hide.")
    own.refresh_from_db()
    assert own.status == Status.PUBLISHED
    assert not Decision.objects.filter(post=own, action=Action.REQUEUE).exists()
    services.requeue_post(moderator=moderator(), post=own, reason="A second look.")  # another may


def test_a_take_down_waits_for_another_moderators_claim_on_the_post(client, author, mod):
    """A flagged post still shown is in the queue, where another moderator may have
    claimed it: its page says who holds it and until when, instead of the take-down,
    and a take-down sent anyway is refused as a queue decision would be."""
    post = published(author, title="Flagged but shown")
    services.flag_post(user=throwaway_account(), post=post, reason="false")
    holder = moderator()
    claim = services.claim_item(moderator=holder, kind="post", item=post)
    until = time_format(timezone.localtime(queue.expires_at(claim)), "TIME_FORMAT")
    refusal = (
        f"Claimed by another moderator until {until}: only {holder.email} can decide it until then."
    )
    sign_in(client, mod)

    page = _post_page(client, post)
    refused = client.post(
        f"/moderation/posts/{post.pk}/requeue/", {"reason": "Looks made up."}, follow=True
    )

    assert f"Claimed by {holder.email} until {until}: only they can decide it or take it" in page
    assert f'action="/moderation/posts/{post.pk}/requeue/"' not in page
    assert refused.redirect_chain[-1][0] == f"/feed/posts/{post.pk}/"
    assert refusal in unescape(refused.content.decode())
    with pytest.raises(Conflict) as caught:
        services.requeue_post(moderator=mod, post=post, reason="Looks made up.")
    assert caught.value.message == refusal
    post.refresh_from_db()
    assert post.status == Status.PUBLISHED
    assert not Decision.objects.filter(post=post, action=Action.REQUEUE).exists()
    # Once the claim runs out, anyone may (the claimant may before: the next test).
    Claim.objects.update(claimed_at=timezone.now() - queue.CLAIM_FOR - timedelta(seconds=1))
    assert "Moderator: take it off the feed for review" in _post_page(client, post)
    services.requeue_post(moderator=mod, post=post, reason="Looks made up.")
    assert Post.objects.get(pk=post.pk).status == Status.PENDING


def test_the_claimant_takes_down_the_post_they_claimed(client, author, mod):
    post = published(author, title="Flagged but shown")
    services.flag_post(user=throwaway_account(), post=post, reason="false")
    services.claim_item(moderator=mod, kind="post", item=post)
    sign_in(client, mod)

    assert "Moderator: take it off the feed for review" in _post_page(client, post)
    taken = client.post(f"/moderation/posts/{post.pk}/requeue/", {"reason": "Made up."})

    assert taken["Location"] == "/moderation/"
    assert Post.objects.get(pk=post.pk).status == Status.PENDING
