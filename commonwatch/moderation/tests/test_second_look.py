"""An appeal is another moderator's to decide, and a grant can ask the author for an
edit instead of publishing the rejected text unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import services as community
from commonwatch.community.models import Comment, Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import NotAllowed
from commonwatch.moderation import selectors, services
from commonwatch.moderation.models import Action, AppealStatus, Claim, Decision
from commonwatch.moderation.penalties import standing_steps
from commonwatch.organizations.models import Kind
from commonwatch.organizations.tests.factories import team

pytestmark = pytest.mark.django_db


def _appealed(author, mod, **fields):
    post = submit(author, **fields)
    services.reject_post(
        moderator=mod, post=post, reason="Leave out the plate.", rule="private_info"
    )
    return post, services.appeal(author=author, post=post, statement="It was my own car.")


def test_the_rejecting_moderator_sees_the_appeal_but_cannot_decide_it(client, author, mod):
    post, appeal = _appealed(author, mod, title="My car was hit")
    moderator()  # a second moderator exists
    with pytest.raises(NotAllowed):
        services.decide_appeal(moderator=mod, appeal=appeal, grant=True, answer="Mine to undo.")
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()
    web = client.post(
        f"/moderation/appeals/{appeal.pk}/decision/",
        {"action": "grant", "answer": "Mine."},
        follow=True,
    )

    assert "My car was hit" in page and "It was my own car." in page
    assert "You rejected this, so another moderator decides the appeal" in page
    assert f'action="/moderation/appeals/{appeal.pk}/decision/"' not in page
    assert "another moderator decides the appeal" in web.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert "You are the only moderator" not in page


def test_a_lone_moderator_is_told_appeals_wait_for_a_second_one(client, author):
    team(Kind.MODERATION)
    lone = moderator()
    _appealed(author, lone)
    sign_in(client, lone)
    page = client.get("/moderation/").content.decode()
    notice = page.split('<p class="notice lone-moderator">')[1].split("</p>")[0]
    assert notice.startswith("You are the only moderator."), "information, not an error"


def test_a_second_moderator_decides(author, mod):
    post, appeal = _appealed(author, mod)
    second = moderator()
    services.decide_appeal(moderator=second, appeal=appeal, grant=False, answer="It stands.")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DENIED
    assert Decision.objects.get(post=post, action=Action.DENY_APPEAL).moderator == second


def test_asking_for_an_edit_returns_the_post_to_its_author_then_to_review(client, author, mod):
    post, appeal = _appealed(author, mod, title="Plate in the text", body="Car AB123 hit mine.")
    services.decide_appeal(
        moderator=moderator(),
        appeal=appeal,
        grant=True,
        ask_for_edit=True,
        answer="Fair, but remove the plate number and it can go up.",
    )
    post.refresh_from_db()
    appeal.refresh_from_db()
    assert post.status == Status.REJECTED, "the rejected text is not published unchanged"
    assert appeal.status == AppealStatus.CHANGES_REQUESTED
    assert not standing_steps(author).exists(), "the grant lifts the penalty step"
    assert Decision.objects.filter(post=post, action=Action.REQUEST_CHANGES).exists()
    client.force_login(author)
    mine = client.get("/moderation/mine/").content.decode()
    assert "Changes requested:" in mine and "remove the plate number" in mine
    assert f'href="/feed/posts/{post.pk}/edit/"' in mine

    community.edit_post(
        author=author, post=post, title="A car hit mine", body="Hit at noon.", category="safety"
    )

    post.refresh_from_db()
    assert post.status == Status.PENDING
    assert "Changes requested:" not in client.get("/moderation/mine/").content.decode()
    sign_in(client, mod)
    assert "A car hit mine" in client.get("/moderation/?kind=post").content.decode()
    services.approve_post(moderator=mod, post=post)
    post.refresh_from_db()
    assert (post.status, post.title) == (Status.PUBLISHED, "A car hit mine")


def test_only_a_post_can_go_back_for_an_edit(author, mod):
    post = published(resident_at(*CENTER), mod)
    comment = community.add_comment(author=author, post=post, body="His plate is AB123.")
    services.reject_comment(
        moderator=mod, comment=comment, reason="No plates.", rule="private_info"
    )
    appeal = services.appeal(author=author, comment=comment, statement="It helps.")
    with pytest.raises(ValidationError):
        services.decide_appeal(
            moderator=moderator(), appeal=appeal, grant=True, ask_for_edit=True, answer="Edit it."
        )


def test_the_web_and_the_api_ask_for_an_edit(client, author, mod):
    post, appeal = _appealed(author, mod)
    second = moderator()
    sign_in(client, second)
    page = client.get("/moderation/").content.decode()
    assert 'value="changes"' in page
    client.post(
        f"/moderation/appeals/{appeal.pk}/decision/",
        {"action": "changes", "answer": "Edit the plate out."},
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CHANGES_REQUESTED

    other, by_api = _appealed(author, mod)
    answer = client.post(
        f"/api/v1/moderation/appeals/{by_api.pk}/decision",
        {"action": "changes", "answer": "Edit it."},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "changes"


def _own_work(mod):
    """A moderator's own post waiting, and their appeal of another one, rejected by
    another moderator (returned first)."""
    accounts.set_home(user=mod, lat=CENTER[0], lng=CENTER[1], radius_mi=1.0)
    other = moderator()
    own = submit(mod, title="My own post")
    rejected = submit(mod, title="Rejected one")
    services.reject_post(moderator=other, post=rejected, reason="No plates.", rule="private_info")
    return other, own, services.appeal(author=mod, post=rejected, statement="It was fine.")


def test_a_moderator_decides_nothing_they_wrote(client, mod):
    """Every post passes a moderation step that is someone else's: a moderator who posts
    could otherwise approve it, or grant their own appeal and lift their own penalty."""
    other, own, appeal = _own_work(mod)
    comment = community.add_comment(
        author=mod, post=published(resident_at(*CENTER), other), body="I saw it too."
    )
    shown = published(mod, other, title="My published post")
    community.edit_post(
        author=mod,
        post=shown,
        title=shown.title,
        body="Rewritten from the start.",
        category="safety",
    )
    edit = shown.revisions.get()

    attempts = [
        lambda: services.approve_post(moderator=mod, post=own),
        lambda: services.reject_post(moderator=mod, post=own, reason="x", rule="spam"),
        lambda: services.decide_appeal(moderator=mod, appeal=appeal, grant=True, answer="Mine."),
        lambda: services.approve_comment(moderator=mod, comment=comment),
        lambda: services.reject_comment(moderator=mod, comment=comment, reason="x", rule="other"),
        lambda: services.apply_edit(moderator=mod, revision=edit),
        lambda: services.turn_down_edit(moderator=mod, revision=edit, note="No."),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="another moderator decides it"):
            attempt()
    sign_in(client, mod)
    queue_page = client.get("/moderation/").content.decode()
    web = client.post(f"/moderation/posts/{own.pk}/decision/", {"action": "approve"}, follow=True)

    assert "You wrote this, so another moderator decides it" in queue_page
    assert f'action="/moderation/posts/{own.pk}/decision/"' not in queue_page
    assert f'action="/moderation/appeals/{appeal.pk}/decision/"' not in queue_page
    assert f'action="/moderation/comments/{comment.pk}/decision/"' not in queue_page
    assert f'action="/moderation/edits/{edit.pk}/decision/"' not in queue_page
    edit.refresh_from_db()
    assert (Comment.objects.get(pk=comment.pk).status, edit.status) == (Status.PENDING, "pending")

    assert "another moderator decides it" in web.content.decode()
    own.refresh_from_db()
    appeal.refresh_from_db()
    rejected = Post.objects.get(title="Rejected one")
    assert (own.status, rejected.status) == (Status.PENDING, Status.REJECTED)
    assert appeal.status == AppealStatus.OPEN
    assert standing_steps(mod).count() == 1
    services.approve_post(moderator=other, post=own)  # someone else may


def test_a_queue_opens_on_what_its_moderator_can_decide(client, author, mod):
    """Appeals of one's own rejections and one's own posts wait for another moderator:
    they come after everything this moderator can act on, across pages and filters."""
    # Each by another author: rejections pause posting.
    appeals = [_appealed(resident_at(*CENTER), mod, title=f"Appealed {n}")[1] for n in range(7)]
    own = submit(mod, title="My own post")
    others = [submit(author, title=f"New post {n}") for n in range(selectors.QUEUE_PAGE)]
    sign_in(client, mod)

    def anchors(query=""):
        page = client.get(f"/moderation/?{query}").content.decode()
        return [part.split('"')[0] for part in page.split('class="panel queue-item" id="')[1:]]

    first, second = anchors(), anchors("page=2")

    assert first == [f"item-post-{post.pk}" for post in others]
    assert second == [f"item-appeal-{a.pk}" for a in appeals] + [f"item-post-{own.pk}"]
    assert "For another moderator" in client.get("/moderation/?page=2").content.decode()
    assert anchors("kind=post&page=2") == [f"item-post-{own.pk}"]
    # A second moderator may decide them all: for them, oldest first as before.
    sign_in(client, moderator())
    assert anchors()[:7] == [f"item-appeal-{a.pk}" for a in appeals]


def test_the_rejecting_moderator_cannot_claim_the_appeal_and_so_block_another(client, author, mod):
    """A claim binds the deciding: one who may not decide may not claim either, refused
    for the same reason as the decision, so the moderator who may decide is not kept out."""
    post, appeal = _appealed(author, mod, title="Rejected by me")
    second = moderator()
    sign_in(client, mod)

    api = client.post(f"/api/v1/moderation/claims/appeal/{appeal.pk}")
    web = client.post(f"/moderation/claims/appeal/{appeal.pk}/", follow=True)

    assert api.status_code == 403
    assert "You rejected this; another moderator decides the appeal" in api.json()["detail"]
    page = web.content.decode()
    assert "You rejected this; another moderator decides the appeal" in page
    assert "Claimed for 15 minutes" not in page
    assert not Claim.objects.exists()
    sign_in(client, second)
    decided = client.post(
        f"/api/v1/moderation/appeals/{appeal.pk}/decision",
        {"action": "deny", "answer": "The rule stands."},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "denied"


def test_a_second_moderators_claim_on_the_appeal_never_opens_it_to_the_rejecting_one(
    client, author, mod
):
    """While another moderator holds the appeal, the one who rejected still reads why it
    is not theirs (not the claim, which would suggest waiting it out), and once the claim
    runs out it is still not theirs; a third moderator waits for the claim."""
    post, appeal = _appealed(author, mod, title="Rejected by me")
    second, third = moderator(), moderator()
    services.claim_item(moderator=second, kind="appeal", item=appeal)
    deny = {"action": "deny", "answer": "The rule stands."}
    sign_in(client, mod)

    page = client.get("/moderation/?kind=appeal").content.decode()
    by_rejecter = client.post(
        f"/api/v1/moderation/appeals/{appeal.pk}/decision", deny, content_type="application/json"
    )

    assert "You rejected this, so another moderator decides the appeal" in page
    assert "Claimed by" not in page and 'class="decision"' not in page
    assert by_rejecter.status_code == 403
    assert "You rejected this" in by_rejecter.json()["detail"]
    sign_in(client, third)
    by_third = client.post(
        f"/api/v1/moderation/appeals/{appeal.pk}/decision", deny, content_type="application/json"
    )
    assert by_third.status_code == 409
    assert f"only {second.email} can decide it" in by_third.json()["detail"]
    Claim.objects.update(claimed_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(NotAllowed, match="You rejected this"):
        services.decide_appeal(moderator=mod, appeal=appeal, grant=True, answer="Mine to undo.")
    services.decide_appeal(moderator=third, appeal=appeal, grant=False, answer="It stands.")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.DENIED


def test_a_moderator_cannot_claim_what_they_wrote(client, mod):
    other, own, appeal = _own_work(mod)
    sign_in(client, mod)
    queue_page = client.get("/moderation/").content.decode()

    post_api = client.post(f"/api/v1/moderation/claims/post/{own.pk}")
    appeal_api = client.post(f"/api/v1/moderation/claims/appeal/{appeal.pk}")
    web = client.post(f"/moderation/claims/post/{own.pk}/", follow=True)

    assert f'action="/moderation/claims/post/{own.pk}/"' not in queue_page, "no Claim button"
    assert (post_api.status_code, appeal_api.status_code) == (403, 403)
    assert "You wrote this: another moderator decides it." in post_api.json()["detail"]
    assert "You wrote this: another moderator decides it." in appeal_api.json()["detail"]
    assert "You wrote this: another moderator decides it." in web.content.decode()
    assert not Claim.objects.exists()
    sign_in(client, other)
    approved = client.post(
        f"/api/v1/moderation/posts/{own.pk}/decision",
        {"action": "approve"},
        content_type="application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "published"


def test_a_post_edited_after_changes_were_asked_comes_back_with_what_was_asked(client, author, mod):
    """Whoever reviews the edited post reads why it was rejected and which changes the
    appeal asked for, to tell whether the edit makes them."""
    post, appeal = _appealed(author, mod, title="My car was hit")
    second = moderator()
    services.decide_appeal(
        moderator=second,
        appeal=appeal,
        grant=True,
        ask_for_edit=True,
        answer="Remove the plate number and it can go up.",
    )
    community.edit_post(
        author=author, post=post, title="A car hit mine", body="Hit at noon.", category="safety"
    )
    sign_in(client, moderator())

    page = client.get("/moderation/?kind=post").content.decode()
    item = page.split(f'id="item-post-{post.pk}"')[1].split("</article>")[0]

    assert "Decided before" in item
    assert "Rejected (Shares private information)" in item and "Leave out the plate." in item
    assert "Appeal granted: changes requested" in item
    assert "Remove the plate number and it can go up." in item


def test_an_appealed_comment_is_shown_in_its_thread(client, author, mod):
    """Whether a comment was fair depends on what it answered: the appeal shows the
    post and the comments around it, as the comment's own queue item did."""
    post = published(resident_at(*CENTER), mod, body="Someone tried car doors on Elm.")
    asked = community.add_comment(author=resident_at(*CENTER), post=post, body="What time?")
    services.approve_comment(moderator=mod, comment=asked)
    answer = community.add_comment(author=author, post=post, body="Around 2 am, same guy.")
    Comment.objects.filter(pk=answer.pk).update(created_at=timezone.now() + timedelta(seconds=1))
    services.reject_comment(moderator=mod, comment=answer, reason="Rumor.", rule="false")
    services.appeal(author=author, comment=answer, statement="I saw him myself.")
    sign_in(client, moderator())

    page = client.get("/moderation/?kind=appeal").content.decode()
    item = page.split('data-kind="appeal"')[1].split("</article>")[0]

    assert "Someone tried car doors on Elm." in item and "What time?" in item
    assert "This comment:" in item and "Around 2 am, same guy." in item
