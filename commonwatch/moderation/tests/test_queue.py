"""The queue a page at a time, filtered, claimable, keeping the moderator's place, with
what each decision needs; moderators land on it when they sign in."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import escape

from commonwatch.accounts.adapters import AccountAdapter
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory, sign_in
from commonwatch.accounts.tests.test_mfa_login import AUTHENTICATE, current_code
from commonwatch.community import services as community
from commonwatch.community.models import Comment, Post, PostRevision, RevisionStatus, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import Conflict
from commonwatch.geo.approximate import approximate_area
from commonwatch.geo.models import PlaceLabel
from commonwatch.geo.places import place_cell
from commonwatch.moderation import queue, selectors, services
from commonwatch.moderation.models import Appeal, Claim, Decision, Penalty
from commonwatch.moderation.tests.factories import throwaway_account

pytestmark = pytest.mark.django_db


def _anchors(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('class="panel queue-item" id="')[1:]]


def test_the_queue_is_paginated_oldest_first(client, author, mod):
    posts = [submit(author, title=f"Post number {n}") for n in range(selectors.QUEUE_PAGE + 2)]
    sign_in(client, mod)

    first = client.get("/moderation/").content.decode()
    second = client.get("/moderation/?page=2").content.decode()

    assert _anchors(first) == [f"item-post-{p.pk}" for p in posts[: selectors.QUEUE_PAGE]]
    assert _anchors(second) == [f"item-post-{p.pk}" for p in posts[selectors.QUEUE_PAGE :]]
    assert "Page 2 of 2" in second


def test_the_api_answers_a_page_past_the_last_with_how_many_pages_there_are(client, author, mod):
    """A script reading pages until one comes back empty or refused must stop."""
    posts = [submit(author, title=f"Post number {n}") for n in range(selectors.QUEUE_PAGE + 1)]
    sign_in(client, mod)

    last = client.get("/api/v1/moderation/queue?page=2")
    past = client.get("/api/v1/moderation/queue?page=3")
    far = client.get("/api/v1/moderation/queue?page=100000")

    assert last.status_code == 200 and last.json()["pages"] == 2
    assert [i["id"] for i in last.json()["items"]] == [posts[-1].pk]
    assert past.status_code == far.status_code == 404
    assert past.json() == {"detail": "Page 3 is past the last one: the queue has 2 pages."}
    assert far.json() == {"detail": "Page 100000 is past the last one: the queue has 2 pages."}


def test_an_empty_queue_is_one_empty_page(client, mod):
    sign_in(client, mod)

    first = client.get("/api/v1/moderation/queue")
    second = client.get("/api/v1/moderation/queue?page=2")

    assert first.status_code == 200
    assert (first.json()["pages"], first.json()["items"]) == (1, [])
    assert second.status_code == 404
    assert second.json() == {"detail": "Page 2 is past the last one: the queue has 1 page."}


def test_the_queue_page_past_the_last_shows_the_last_to_a_moderator_coming_back(
    client, author, mod
):
    """Deciding the last item of the last page sends the moderator back to a page that
    no longer exists: they see the one before, not an error."""
    posts = [submit(author, title=f"Post number {n}") for n in range(selectors.QUEUE_PAGE + 1)]
    sign_in(client, mod)

    page = client.get("/moderation/?page=3").content.decode()

    assert "Page 2 of 2" in page
    assert _anchors(page) == [f"item-post-{posts[-1].pk}"]


def test_filters_by_kind_age_and_flags(client, author, mod):
    new = submit(author, title="Brand new")
    old = submit(author, title="Old one")
    Post.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=4))
    flagged = published(author, mod, title="Flagged one")
    for _n in range(3):
        services.flag_post(user=throwaway_account(), post=flagged, reason="false")
    once = published(author, mod, title="Flagged once")
    services.flag_post(user=throwaway_account(), post=once, reason="false")
    # Back in review: a published post a moderator took down is a post, not an edit.
    requeued = published(author, mod, title="Taken back")
    Post.objects.filter(pk=requeued.pk).update(status=Status.PENDING)
    # An edit of a published post waiting for a moderator while the post stays up.
    edited = published(author, mod, title="Changed since")
    revision = _waiting_edit(author, edited)
    comment = community.add_comment(author=author, post=once, body="Still there at 5.")
    sign_in(client, mod)

    def shown(query):
        return _anchors(client.get(f"/moderation/?{query}").content.decode())

    assert shown("kind=comment") == [f"item-comment-{comment.pk}"]
    assert shown("kind=edit") == [f"item-edit-{revision.pk}"]
    posts = shown("kind=post")
    assert f"item-post-{new.pk}" in posts and f"item-post-{requeued.pk}" in posts
    assert f"item-post-{edited.pk}" not in posts, "an edit keeps its post up and out of review"
    assert shown("age=3d") == [f"item-post-{old.pk}"]
    assert set(shown("flags=1")) == {f"item-post-{flagged.pk}", f"item-post-{once.pk}"}
    assert shown("flags=3") == [f"item-post-{flagged.pk}"]
    assert (
        "Nothing waiting matches these filters."
        in client.get("/moderation/?kind=appeal").content.decode()
    )
    assert shown("kind=bogus&age=forever&flags=x") == shown("")


def test_the_summary_counts_the_whole_queue_whatever_the_filters(client, author, mod):
    _one_item_of_each_kind(author, mod)
    old = submit(author, title="Old one")
    Post.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=4))
    sign_in(client, mod)
    totals = {"post": 2, "edit": 1, "comment": 1, "appeal": 1}
    summary = "2 new or flagged posts, 1 edited post, 1 comment, 1 appeal."

    for query in ("", "kind=comment", "kind=appeal", "kind=edit", "age=3d", "flags=1"):
        page = client.get(f"/moderation/?{query}").content.decode()
        assert summary in page, f"with ?{query} the summary counts only what the filters keep"
        listed = client.get(f"/api/v1/moderation/queue?{query}").json()
        assert listed["counts"] == totals, query

    # What the filters keep is still counted apart: it is what the pages hold.
    assert client.get("/api/v1/moderation/queue?kind=comment").json()["count"] == 1
    assert client.get("/api/v1/moderation/queue").json()["count"] == 5


def test_the_queue_headings_skip_no_level_for_screen_reader_users(client, author, mod):
    """Screen reader users move by headings: "The author" of each item sits under the
    item's h2, so it is an h3; an h4 there read as a level missing."""
    _one_item_of_each_kind(author, mod)
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", page)]

    assert levels.count(3) >= 4, "each item names its author under a heading"
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def _recent_decisions(page: str) -> list[str]:
    section = page.split("<h2>Recent decisions</h2>")[1].split("</section>")[0]
    return [unescape(line.split("</li>")[0]) for line in section.split("<li>")[1:]]


def test_each_recent_decision_says_what_it_was_about(client, author, mod):
    approved = published(author, mod, title="Van idling on Elm")
    rejected = submit(resident_at(*CENTER), title="Plates of the van")
    services.reject_post(moderator=mod, post=rejected, reason="No plates.", rule="private_info")
    commenter = resident_at(*CENTER)
    comment = community.add_comment(author=commenter, post=approved, body="It is my cousin's.")
    services.reject_comment(moderator=mod, comment=comment, reason="Names.", rule="private_info")
    gone = published(resident_at(*CENTER), mod, title="Soon deleted")
    community.delete_post(author=gone.author, post=gone)
    sign_in(client, mod)

    lines = _recent_decisions(client.get("/moderation/").content.decode())

    post_page = reverse("community:post", args=[approved.pk])
    on_comment, on_rejected, on_approved = lines[1], lines[2], lines[3]
    assert f'<a href="{post_page}#comments">a comment on “Van idling on Elm”</a>' in on_comment
    assert "Rejected" in on_comment and "Names." in on_comment
    rejected_page = reverse("community:post", args=[rejected.pk])
    assert f'<a href="{rejected_page}">“Plates of the van”</a>' in on_rejected
    assert f'<a href="{post_page}">“Van idling on Elm”</a>' in on_approved
    # A deleted post kept no title, and its page is gone: the line says only that.
    assert "a deleted post" in lines[0] and "<a " not in lines[0]


def _waiting_edit(author, post, body="A new story altogether, which a moderator reads first."):
    """An edit too large to apply at once: it waits while neighbors see the post."""
    community.edit_post(
        author=author, post=post, title=post.title, body=body, category=post.category
    )
    return post.revisions.get(status=RevisionStatus.PENDING)


def test_a_claimed_item_is_seen_by_others_but_decided_only_by_its_claimer(client, author, mod):
    post = submit(author, title="Claimed post")
    other = moderator()
    services.claim_item(moderator=mod, kind="post", item=post)
    sign_in(client, other)

    page = client.get("/moderation/").content.decode()
    assert "Claimed post" in page and f"Claimed by {mod.email} until" in page
    refused = client.post(
        f"/moderation/posts/{post.pk}/decision/", {"action": "approve"}, follow=True
    )
    assert "Claimed by another moderator until" in refused.content.decode()
    post.refresh_from_db()
    assert post.status == Status.PENDING
    with pytest.raises(Conflict):
        services.claim_item(moderator=other, kind="post", item=post)

    services.approve_post(moderator=mod, post=post)
    assert not Claim.objects.exists(), "a decision releases the claim"


def test_the_claim_and_its_refusal_give_the_same_time(client, author, mod):
    """ "until 10:46" beside the item and "until 10:46 a.m." in the refusal read as two
    different times (and 14:05 is not how the site writes times elsewhere)."""
    post = submit(author, title="Claimed post")
    claim = services.claim_item(moderator=mod, kind="post", item=post)
    until = time_format(timezone.localtime(queue.expires_at(claim)), "TIME_FORMAT")
    sign_in(client, moderator())

    page = client.get("/moderation/").content.decode()
    refused = client.post(f"/moderation/posts/{post.pk}/decision/", {"action": "approve"})

    assert f"Claimed by {mod.email} until {until}:" in unescape(page)
    assert f"Claimed by another moderator until {until}:" in unescape(
        client.get(refused["Location"]).content.decode()
    )


def _one_of_each_kind_claimed(author, holder) -> dict:
    """A waiting post, comment, edit and appeal, each claimed by `holder`: {anchor:
    (the decision's API path, a decision it would refuse, the claim's time as shown)}."""
    neighbor = resident_at(*CENTER)
    post = submit(author, title="Waiting post")
    comment = community.add_comment(
        author=neighbor, post=published(author, title="A thread"), body="Seen it too."
    )
    revision = _waiting_edit(author, published(author, title="Edited since"))
    rejected = submit(neighbor, title="Plates")
    services.reject_post(
        moderator=moderator(), post=rejected, reason="No plates.", rule="private_info"
    )
    appeal = services.appeal(author=neighbor, post=rejected, statement="They were mine.")
    decisions = {
        ("post", post): {"action": "reject", "rule": "off_topic", "reason": "Not here."},
        ("comment", comment): {"action": "approve"},
        ("edit", revision): {"action": "approve"},
        ("appeal", appeal): {"action": "grant", "answer": "Fair."},
    }
    claimed = {}
    for (kind, item), decision in decisions.items():
        claim = services.claim_item(moderator=holder, kind=kind, item=item)
        until = time_format(timezone.localtime(queue.expires_at(claim)), "TIME_FORMAT")
        path = f"/api/v1/moderation/{kind}s/{item.pk}/decision"
        claimed[f"item-{kind}-{item.pk}"] = (path, decision, until)
    return claimed


def _whole_state():
    """Everything a decision would change: statuses, decisions, penalties, appeals."""
    return (
        list(Post.objects.order_by("pk").values_list("status", "body", "moderation_note")),
        list(Comment.objects.order_by("pk").values_list("status", flat=True)),
        list(PostRevision.objects.order_by("pk").values_list("status", flat=True)),
        list(Appeal.objects.order_by("pk").values_list("status", flat=True)),
        Decision.objects.count(),
        Penalty.objects.count(),
    )


def test_while_another_moderators_claim_runs_the_item_has_no_decision_form(client, author, mod):
    """The claim says who holds the item and until when, and the approve/reject, apply
    or grant buttons are not there to press (pressed, they were refused only after the
    moderator had read the item and written a reason). Sent anyway, the decision is
    refused with the claim's time and changes nothing."""
    holder = moderator()
    claimed = _one_of_each_kind_claimed(author, holder)
    before = _whole_state()
    sign_in(client, mod)

    page = unescape(client.get("/moderation/").content.decode())
    answers = {
        anchor: client.post(path, decision, content_type="application/json")
        for anchor, (path, decision, _until) in claimed.items()
    }

    for anchor, (_path, _decision, until) in claimed.items():
        item = _item_html(page, anchor)
        assert f"Claimed by {holder.email} until {until}: only they can decide it" in item
        assert 'class="decision"' not in item and 'name="action"' not in item, anchor
        assert answers[anchor].status_code == 409, anchor
        assert answers[anchor].json()["detail"] == (
            f"Claimed by another moderator until {until}: "
            f"only {holder.email} can decide it until then."
        )
    assert _whole_state() == before, "a refused decision changes nothing"
    # The claimant reads every item with its form, as before.
    sign_in(client, holder)
    theirs = client.get("/moderation/").content.decode()
    for anchor in claimed:
        item = _item_html(theirs, anchor)
        assert 'class="decision"' in item and "Claimed by you until" in item, anchor


def test_once_a_claim_runs_out_anyone_may_decide_the_item_again(client, author, mod):
    holder = moderator()
    claimed = _one_of_each_kind_claimed(author, holder)
    Claim.objects.update(claimed_at=timezone.now() - queue.CLAIM_FOR - timedelta(seconds=1))
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()

    assert "Claimed by" not in page
    for anchor, (path, decision, _until) in claimed.items():
        assert 'class="decision"' in _item_html(page, anchor), anchor
        assert client.post(path, decision, content_type="application/json").status_code == 200
    assert not Claim.objects.exists(), "each decision released the claim that ran out"


def test_a_claim_expires_and_can_be_released(author, mod):
    post = submit(author)
    other = moderator()
    services.claim_item(moderator=mod, kind="post", item=post)
    Claim.objects.update(claimed_at=timezone.now() - queue.CLAIM_FOR - timedelta(seconds=1))
    services.claim_item(moderator=other, kind="post", item=post)
    assert Claim.objects.get().moderator == other
    with pytest.raises(Conflict, match=f"until .*: only {other.email} can decide it"):
        services.unclaim_item(moderator=mod, kind="post", pk=post.pk)  # not theirs: stays
    assert Claim.objects.get().moderator == other
    services.unclaim_item(moderator=other, kind="post", pk=post.pk)
    assert not Claim.objects.exists()
    with pytest.raises(Exception, match="Claim a post"):
        services.claim_item(moderator=mod, kind="user", item=None)


def test_releasing_another_moderators_claim_is_refused_saying_who_holds_it(client, author, mod):
    post = submit(author, title="Held post")
    other = moderator()
    services.claim_item(moderator=other, kind="post", item=post)
    sign_in(client, mod)

    api = client.delete(f"/api/v1/moderation/claims/post/{post.pk}")
    web = client.post(f"/moderation/claims/post/{post.pk}/", {"release": "1"}, follow=True)

    assert api.status_code == 409
    assert api.json()["detail"].startswith("Claimed by another moderator until")
    assert f"only {other.email} can decide it" in api.json()["detail"]
    page = web.content.decode()
    assert f"only {other.email} can decide it" in page
    assert "Claim released" not in page
    assert f"Claimed by {other.email} until" in page
    assert Claim.objects.get().moderator == other


def test_claim_and_release_from_the_page_return_to_the_same_place(client, author, mod):
    posts = [submit(author) for _ in range(3)]
    sign_in(client, mod)
    here = "/moderation/?kind=post&page=1"
    target = posts[1]

    claimed = client.post(
        f"/moderation/claims/post/{target.pk}/", {"next": here, "after": f"item-post-{target.pk}"}
    )
    assert claimed["Location"] == f"{here}#item-post-{target.pk}"
    assert "Claimed by you until" in client.get(here).content.decode()
    client.post(f"/moderation/claims/post/{target.pk}/", {"release": "1", "next": here})
    assert not Claim.objects.exists()
    assert client.post("/moderation/claims/user/1/").status_code == 404
    assert client.post("/moderation/claims/post/999999/").status_code == 404


def test_after_a_decision_the_queue_returns_to_the_same_page_and_filters_next_item_focused(
    client, author, mod
):
    first, second = submit(author), submit(author)
    sign_in(client, mod)
    page = client.get("/moderation/?kind=post").content.decode()
    assert f'name="after" value="item-post-{second.pk}"' in page
    assert 'name="next" value="/moderation/?kind=post"' in page

    done = _approve(client, first, back_to="/moderation/?kind=post&page=1", then=second)

    assert done["Location"] == f"/moderation/?kind=post&page=1#item-post-{second.pk}"
    for unsafe in ("https://evil.example/moderation/", "/feed/", "//evil.example/"):
        other = client.post(
            f"/moderation/posts/{second.pk}/decision/",
            {"action": "bogus", "next": unsafe, "after": "javascript:alert(1)"},
        )
        assert other["Location"] == f"/moderation/#item-post-{second.pk}"


def test_deciding_the_last_item_of_a_page_brings_the_next_pages_first_into_view(
    client, author, mod
):
    """The next page's first item moves up onto this page: that is the one to decide
    next, not the item above, which the moderator already passed over."""
    posts = [submit(author, title=f"Post number {n}") for n in range(selectors.QUEUE_PAGE + 1)]
    last, coming_up = posts[selectors.QUEUE_PAGE - 1], posts[selectors.QUEUE_PAGE]
    sign_in(client, mod)
    page = client.get("/moderation/?kind=post").content.decode()
    assert f'name="after" value="item-post-{coming_up.pk}"' in _item_html(
        page, f"item-post-{last.pk}"
    )

    done = _approve(client, last, back_to="/moderation/?kind=post", then=coming_up)

    assert done["Location"] == f"/moderation/?kind=post#item-post-{coming_up.pk}"
    assert f'id="item-post-{coming_up.pk}"' in client.get(done["Location"]).content.decode()


def _one_item_of_each_kind(author, mod) -> None:
    """A new post, a waiting edit, a comment and an appeal in the queue."""
    submit(author, title="Brand new")
    _waiting_edit(author, published(author, mod, title="Changed since"))
    community.add_comment(author=author, post=published(author, mod), body="Still there at 5.")
    rejected = submit(author, title="Plates")
    services.reject_post(moderator=mod, post=rejected, reason="No plates.", rule="private_info")
    services.appeal(author=author, post=rejected, statement="They were mine.")


def _approve(client, post, *, back_to: str, then):
    """Approve from the queue as its form does: where to come back, and the item after."""
    return client.post(
        f"/moderation/posts/{post.pk}/decision/",
        {"action": "approve", "next": back_to, "after": f"item-post-{then.pk}"},
    )


def _item_html(page: str, anchor: str) -> str:
    """The one queue item's markup, up to the next item."""
    return page.split(f'id="{anchor}"')[1].split("<article")[0]


def _refused_on_its_item(client, url: str, data: dict, anchor: str) -> str:
    """Send a decision that is refused: the moderator comes back to that same item (not
    the next), with the reasons beside its form, announced, and not at the top."""
    refused = client.post(url, {"next": "/moderation/?kind=" + anchor.split("-")[1], **data})
    assert refused["Location"].endswith(f"#{anchor}")
    page = client.get(refused["Location"]).content.decode()
    assert 'class="messages"' not in page, "the refusal is beside the item, not up top"
    item = _item_html(page, anchor)
    assert f'role="alert" id="{anchor}-refused"' in item
    assert client.get(refused["Location"]).content.decode().count('role="alert"') == 0, (
        "shown once, then gone"
    )
    return item


def test_a_rejection_without_a_rule_stays_on_its_item_keeping_what_was_typed(client, author, mod):
    first, second = submit(author), submit(author)
    sign_in(client, mod)
    anchor = f"item-post-{first.pk}"

    item = _refused_on_its_item(
        client,
        f"/moderation/posts/{first.pk}/decision/",
        {"action": "reject", "reason": "Shows a plate", "after": f"item-post-{second.pk}"},
        anchor,
    )
    no_reason = _refused_on_its_item(
        client,
        f"/moderation/posts/{first.pk}/decision/",
        {"action": "reject", "rule": "private_info", "reason": ""},
        anchor,
    )

    assert "Choose the rule the post or comment breaks." in item
    assert 'value="Shows a plate"' in item
    assert '<option value="private_info" selected>' in no_reason
    assert "Tell the author why" in no_reason
    first.refresh_from_db()
    assert first.status == Status.PENDING


def test_refused_edit_and_appeal_decisions_stay_on_their_item_keeping_the_text(client, author, mod):
    """Claimed meanwhile by another moderator: the item comes back without its form (the
    decision is theirs until the claim ends), and what was written is still there to read."""
    revision = _waiting_edit(author, published(author, title="Changed since"))
    rejected = submit(author, title="Plates")
    services.reject_post(moderator=mod, post=rejected, reason="No plates.", rule="private_info")
    appeal = services.appeal(author=author, post=rejected, statement="They were mine.")
    other, second = moderator(), moderator()
    services.claim_item(moderator=other, kind="edit", item=revision)
    services.claim_item(moderator=other, kind="appeal", item=appeal)
    sign_in(client, second)

    edit = _refused_on_its_item(
        client,
        f"/moderation/edits/{revision.pk}/decision/",
        {"action": "reject", "note": "Keep the old photo."},
        f"item-edit-{revision.pk}",
    )
    answer = _refused_on_its_item(
        client,
        f"/moderation/appeals/{appeal.pk}/decision/",
        {"action": "deny", "answer": "The rule stands."},
        f"item-appeal-{appeal.pk}",
    )

    for item, written in ((edit, "Keep the old photo."), (answer, "The rule stands.")):
        assert "Claimed by another moderator until" in item
        assert f"What you wrote, not sent: “{written}”" in item
        assert 'class="decision"' not in item and "<textarea" not in item


def test_each_item_shows_location_standing_earlier_decisions_flags_and_thread(client, author, mod):
    earlier = submit(author, title="Earlier one")
    services.reject_post(moderator=mod, post=earlier, reason="No.", rule="off_topic")
    post = published(author, mod, title="The thread")
    neighbor = resident_at(*CENTER)
    before = community.add_comment(author=neighbor, post=post, body="Seen it at noon.")
    services.approve_comment(moderator=mod, comment=before)
    waiting = community.add_comment(author=neighbor, post=post, body="The comment to decide.")
    Comment.objects.filter(pk=waiting.pk).update(created_at=timezone.now() + timedelta(seconds=1))
    after = community.add_comment(author=resident_at(*CENTER), post=post, body="Gone by three.")
    Comment.objects.filter(pk=after.pk).update(created_at=timezone.now() + timedelta(seconds=2))
    services.approve_comment(moderator=mod, comment=after)
    flagged = published(author, mod, title="Flagged for a note")
    services.flag_post(
        user=throwaway_account(), post=flagged, reason="private_info", note="Names my house"
    )
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()

    assert (
        "Seen it at noon." in page and "The comment to decide." in page and "Gone by three." in page
    )
    # No place name yet: said so; the coordinates and cell wait in "Location details".
    item = page.split(f'id="item-comment-{waiting.pk}"')[1].split("</article>")[0]
    assert "Approximate location: no place name yet" in item
    details = _location_details(item)
    assert f"cell {format(post.cell, 'x')}" in details
    assert f"{post.lat:.3f}, {post.lng:.3f}" in details
    assert f"{post.exact_lat:.5f}" not in page
    area = json.dumps(approximate_area(post.lat, post.lng))
    assert 'class="map small area-map"' in page and f'data-area="{escape(area)}"' in page
    assert "1 penalty step this year" in page and "new or not established" in page
    assert "Rejected (Not about neighborhood safety)" in page
    assert "Names my house" in page and "Shares private information" in page
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">now</time></span></li>', page)


def test_the_location_is_a_small_map_of_the_hexagon_named_when_known(client, author, mod):
    post = submit(author, title="Near a named corner")
    PlaceLabel.objects.create(cell=place_cell(post.lat, post.lng), label="Elm St & 5th Ave")
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()
    item = page.split(f'id="item-post-{post.pk}"')[1].split("</article>")[0]

    corners = json.loads(unescape(item.split('data-area="')[1].split('"')[0]))
    assert corners == [list(c) for c in approximate_area(post.lat, post.lng)]
    assert len(corners) == 6, "the ~100 m hexagon of the public point, not a point"
    text = item.split('<p class="meta location">')[1].split("</p>")[0]
    assert text.startswith("Approximate location: near Elm St &amp; 5th Ave")
    assert f"{post.lat:.3f}" not in text and "cell" not in text, "the name replaces the codes"
    details = _location_details(item)
    assert f"{post.lat:.3f}, {post.lng:.3f}" in details, "kept, folded away, for who needs them"
    assert f"H3 cell {format(post.cell, 'x')}" in details
    assert str(post.exact_lat) not in item
    assert "community/area-map.js" in page


def _location_details(item: str) -> str:
    """The folded "Location details" of a queue item: closed until the moderator opens it."""
    opening = '<details class="meta location-details"><summary>Location details</summary>'
    assert item.count(opening) == 1, "closed (no open attribute), once per item"
    return item.split(opening)[1].split("</details>")[0]


def test_durations_read_naturally_under_a_minute_and_after(client, author, mod):
    fresh = submit(author, title="Just sent")
    older = submit(resident_at(*CENTER), title="Sent two hours ago")
    Post.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    get_user_model().objects.filter(pk=older.author_id).update(
        date_joined=timezone.now() - timedelta(days=3)
    )
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()
    new = page.split(f'id="item-post-{fresh.pk}"')[1].split("</article>")[0]
    old = page.split(f'id="item-post-{older.pk}"')[1].split("</article>")[0]

    assert "0\xa0minutes" not in page and "0 minutes" not in page
    assert "waiting less than a minute" in new
    assert "Account less than a minute old" in new
    assert "waiting 2\xa0hours" in old
    assert "Account 3\xa0days old" in old


def test_the_api_lists_filters_and_claims(client, author, mod):
    post = submit(author, title="Via the API")
    flagged = published(author, mod)
    services.flag_post(user=throwaway_account(), post=flagged, reason="false", note="Made up")
    sign_in(client, mod)

    everything = client.get("/api/v1/moderation/queue").json()
    flagged_only = client.get("/api/v1/moderation/queue?flags=1").json()
    bad = client.get("/api/v1/moderation/queue?kind=user")

    assert [(i["kind"], i["id"]) for i in everything["items"]] == [
        ("post", post.pk),
        ("post", flagged.pk),
    ]
    assert everything["counts"]["post"] == 2 and everything["pages"] == 1
    assert [i["id"] for i in flagged_only["items"]] == [flagged.pk]
    item = flagged_only["items"][0]
    assert item["flags"][0]["note"] == "Made up" and item["status"] == "published"
    assert item["cell"] == format(flagged.cell, "x") and "exact_lat" not in item
    assert bad.status_code == 422

    claimed = client.post(f"/api/v1/moderation/claims/post/{post.pk}")
    assert claimed.status_code == 200 and claimed.json()["moderator"] == mod.email
    sign_in(client, moderator())
    assert client.post(f"/api/v1/moderation/claims/post/{post.pk}").status_code == 409
    refused = client.post(
        f"/api/v1/moderation/posts/{post.pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert client.post("/api/v1/moderation/claims/post/999999").status_code == 404
    sign_in(client, mod)
    assert client.delete(f"/api/v1/moderation/claims/post/{post.pk}").status_code == 204
    assert not Claim.objects.exists()


def test_a_moderator_signing_in_lands_on_the_queue(client, mod):
    client.post("/accounts/login/", {"login": mod.email, "password": PASSWORD})
    signed_in = client.post(AUTHENTICATE, {"code": current_code(mod.totp_secret)})
    assert signed_in["Location"] == "/moderation/"


def test_an_explicit_next_wins_and_residents_land_on_their_feed(client, mod, author):
    client.post(
        "/accounts/login/?next=/moderation/log/", {"login": mod.email, "password": PASSWORD}
    )
    signed_in = client.post(AUTHENTICATE, {"code": current_code(mod.totp_secret)})
    assert signed_in["Location"] == "/moderation/log/"
    client.logout()
    resident = client.post("/accounts/login/", {"login": author.email, "password": PASSWORD})
    assert resident["Location"] == reverse("community:feed")
    request = RequestFactory().get("/")
    request.user = UserFactory()  # no home yet: setting it comes first
    assert AccountAdapter().get_login_redirect_url(request) == reverse("accounts:home")


def test_deciding_what_another_moderator_just_decided_says_so(client, author, mod):
    """Two moderators on one item: the second learns it was decided (409, or back on the
    queue with a message), not that it does not exist."""
    post = published(author)
    comment = community.add_comment(author=resident_at(*CENTER), post=post, body="Seen it too.")
    rejected = submit(author, title="Plates")
    services.reject_post(moderator=mod, post=rejected, reason="No plates.", rule="private_info")
    appeal = services.appeal(author=author, post=rejected, statement="They were mine.")
    first, second = moderator(), moderator()
    services.approve_comment(moderator=first, comment=comment)
    services.decide_appeal(moderator=first, appeal=appeal, grant=False, answer="No.")
    sign_in(client, second)

    api = client.post(
        f"/api/v1/moderation/comments/{comment.pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    page = client.post(
        f"/moderation/appeals/{appeal.pk}/decision/",
        {"action": "grant", "answer": "Yes."},
        follow=True,
    )
    again = client.post(
        f"/moderation/posts/{post.pk}/decision/", {"action": "approve"}, follow=True
    )

    assert api.status_code == 409 and "already been decided" in api.json()["detail"]
    assert (
        page.status_code == 200 and "This appeal has already been decided." in page.content.decode()
    )
    assert "This post has already been decided" in again.content.decode()


@pytest.mark.parametrize("first_decision", ["approve", "keep"])
def test_a_rejection_sent_after_another_moderator_published_the_post_is_refused(
    client, author, mod, first_decision
):
    """Two moderators with the same page open: one approves a new post (or keeps a
    flagged one), the other's rejection arrives after. It must not overturn the first
    decision, take the post off the feed or cost its author a penalty step."""
    if first_decision == "approve":
        post = submit(author, title="Two moderators, one post")
        services.approve_post(moderator=moderator(), post=post)
    else:
        post = published(author, title="Two moderators, one post")
        services.flag_post(user=throwaway_account(), post=post, reason="false")
        services.keep_post(moderator=moderator(), post=post)
    sign_in(client, mod)

    page = client.post(
        f"/moderation/posts/{post.pk}/decision/",
        {"action": "reject", "rule": "false", "reason": "Not so.", "next": "/moderation/"},
        follow=True,
    )
    api = client.post(
        f"/api/v1/moderation/posts/{post.pk}/decision",
        {"action": "reject", "rule": "false", "reason": "Not so."},
        content_type="application/json",
    )

    assert "This post has already been decided: it is published." in page.content.decode()
    assert api.status_code == 409
    assert Post.objects.get(pk=post.pk).status == Status.PUBLISHED
    assert not author.penalties.exists()
