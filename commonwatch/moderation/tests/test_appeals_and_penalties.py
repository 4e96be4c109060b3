"""Authors appeal a rejection once; rejections climb a penalty ladder that pauses posting."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import selectors
from commonwatch.community import services as community
from commonwatch.community.models import Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.moderation import services
from commonwatch.moderation.models import Action, Appeal, AppealStatus, Decision, Penalty, Rule
from commonwatch.moderation.penalties import PAUSES, posting_paused_until
from commonwatch.moderation.selectors import open_appeals

pytestmark = pytest.mark.django_db


def _rejected(author, mod, rule=Rule.FALSE):
    post = submit(author)
    return services.reject_post(moderator=mod, post=post, reason="Not what happened.", rule=rule)


def test_a_rejection_cites_a_rule_and_the_first_is_a_warning(author, mod):
    post = _rejected(author, mod, rule=Rule.PRIVATE_INFO)
    decision = Decision.objects.get(post=post, action=Action.REJECT)
    assert decision.rule == Rule.PRIVATE_INFO
    penalty = Penalty.objects.get(decision=decision)
    assert (penalty.user, penalty.step, penalty.posting_until) == (author, 1, None)
    assert posting_paused_until(author) is None
    submit(author)  # a warning does not stop posting


def test_a_rejection_without_a_known_rule_is_refused(author, mod):
    post = submit(author)
    with pytest.raises(ValidationError) as refused:
        services.reject_post(moderator=mod, post=post, reason="No.", rule="rude")
    assert "rule" in refused.value.message_dict
    assert not Penalty.objects.exists()


def test_the_second_rejection_pauses_posting_and_commenting(author, mod):
    _rejected(author, mod)
    _rejected(author, mod)
    until = posting_paused_until(author)
    assert until is not None
    assert abs(until - (timezone.now() + PAUSES[1])) < timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        submit(author)
    assert refused.value.code == "posting_paused"
    neighbor_post = published(resident_at(*CENTER))
    with pytest.raises(ValidationError):
        community.add_comment(author=author, post=neighbor_post, body="Seen it too.")


def test_pauses_grow_step_by_step_and_old_steps_expire(author, mod):
    for post in [submit(author) for _ in range(4)]:
        services.reject_post(moderator=mod, post=post, reason="Not what happened.", rule=Rule.FALSE)
    steps = list(Penalty.objects.filter(user=author).order_by("step"))
    assert [p.step for p in steps] == [1, 2, 3, 4]
    assert steps[2].posting_until - steps[2].created_at > timedelta(days=29)
    assert steps[3].posting_until - steps[3].created_at > timedelta(days=364)
    Penalty.objects.filter(user=author).update(
        created_at=timezone.now() - timedelta(days=400), posting_until=None
    )
    _rejected(author, mod)
    assert Penalty.objects.filter(user=author).latest("created_at").step == 1


def test_an_author_appeals_once_and_a_granted_appeal_publishes_and_lifts(author, mod):
    _rejected(author, mod)
    post = _rejected(author, mod)
    assert posting_paused_until(author) is not None
    appeal = services.appeal(author=author, post=post, statement="It was my own car.")
    with pytest.raises(Conflict, match="already appealed"):
        services.appeal(author=author, post=post, statement="Again.")
    second = moderator()
    services.decide_appeal(moderator=second, appeal=appeal, grant=True, answer="Fair: restored.")
    post.refresh_from_db()
    appeal.refresh_from_db()
    assert post.status == Status.PUBLISHED and post.moderation_note == ""
    assert (appeal.status, appeal.answer) == (AppealStatus.GRANTED, "Fair: restored.")
    assert posting_paused_until(author) is None
    neighbor = resident_at(*CENTER)
    assert [card["id"] for card in selectors.feed_for(neighbor).posts] == [post.pk]
    assert Decision.objects.filter(post=post, action=Action.GRANT_APPEAL, moderator=second).exists()


def test_a_denied_appeal_keeps_the_rejection_and_the_penalty(author, mod):
    post = _rejected(author, mod)
    appeal = services.appeal(author=author, post=post, statement="Please look again.")
    with pytest.raises(ValidationError):
        services.decide_appeal(moderator=moderator(), appeal=appeal, grant=False, answer=" ")
    services.decide_appeal(
        moderator=moderator(), appeal=appeal, grant=False, answer="The rule holds."
    )
    post.refresh_from_db()
    assert post.status == Status.REJECTED
    assert Penalty.objects.get(user=author).lifted_at is None
    with pytest.raises(Conflict, match="already been decided"):
        services.decide_appeal(
            moderator=moderator(), appeal=appeal, grant=True, answer="Changed mind."
        )


def test_only_the_author_appeals_and_only_a_rejection(author, mod):
    post = _rejected(author, mod)
    with pytest.raises(NotAllowed):
        services.appeal(author=resident_at(*CENTER), post=post, statement="Not mine.")
    with pytest.raises(Conflict):
        services.appeal(author=author, post=published(author), statement="Published already.")
    with pytest.raises(ValidationError) as empty:
        services.appeal(author=author, post=post, statement="   ")
    assert "statement" in empty.value.message_dict
    with pytest.raises(NotAllowed):
        services.decide_appeal(
            moderator=resident_at(*CENTER),
            appeal=services.appeal(author=author, post=post, statement="Look again."),
            grant=True,
            answer="Self-service.",
        )
    assert Appeal.objects.get(rejection__post=post).status == AppealStatus.OPEN


def test_a_rejected_comment_is_appealed_and_restored(author, mod):
    post = published(resident_at(*CENTER))
    comment = community.add_comment(author=author, post=post, body="Saw the van at noon.")
    comment = services.reject_comment(
        moderator=mod, comment=comment, reason="Off topic.", rule="off_topic"
    )
    appeal = services.appeal(author=author, comment=comment, statement="It is the same van.")
    services.decide_appeal(
        moderator=moderator(), appeal=appeal, grant=True, answer="Right, restored."
    )
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.status == Status.PUBLISHED and post.comment_count == 1


def test_the_pages_show_standing_appeals_and_answers(client, author, mod):
    _rejected(author, mod)
    post = _rejected(author, mod)
    client.force_login(author)
    mine = client.get("/moderation/mine/").content.decode()
    assert ", your posting and commenting are paused." in mine and "m.." not in mine
    assert "Appeal this decision" in mine
    sent = client.post(f"/moderation/posts/{post.pk}/appeal/", {"statement": "My own car."})
    assert sent.status_code == 302
    mine = client.get("/moderation/mine/").content.decode()
    assert "Appeal sent: waiting for a moderator." in mine
    assert "Your posting is paused until" in client.get("/feed/new/").content.decode()
    form = {"category": "safety", "title": "Loose dog", "body": "Brown dog on Elm.", "lat": 0}
    refused = client.post("/feed/new/", {**form, "lat": CENTER[0], "lng": CENTER[1]})
    assert refused.status_code == 400
    assert "Your posting is paused until" in refused.content.decode()

    sign_in(client, mod)
    queue = client.get("/moderation/").content.decode()
    assert "My own car." in queue
    appeal = Appeal.objects.get(rejection__post=post)
    sign_in(client, moderator())
    decided = client.post(
        f"/moderation/appeals/{appeal.pk}/decision/", {"action": "deny", "answer": "It stands."}
    )
    assert decided.status_code == 302
    client.force_login(author)
    assert "Appeal denied: It stands." in client.get("/moderation/mine/").content.decode()


def test_a_rejected_posts_page_tells_its_author_and_offers_the_appeal(client, author, mod):
    post = _rejected(author, mod)
    client.force_login(author)

    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "A moderator rejected this post, so neighbors do not see it." in page
    assert "Moderator's note: Not what happened." in page
    # The rule it broke, as the e-mail names it, linked to its words in the guidelines.
    rejection = page.split('class="message warning rejected">')[1].split("</p>")[0]
    rule = f'<a href="/guidelines/#rule-{Rule.FALSE.value}">{escape(Rule.FALSE.label)}</a>'
    assert f"Rule: {rule}" in rejection
    assert "not published yet" not in page
    assert "Appeal this decision" in page
    assert f'action="/moderation/posts/{post.pk}/appeal/"' in page
    client.post(f"/moderation/posts/{post.pk}/appeal/", {"statement": "It did happen."})
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    assert "Appeal sent: waiting for a moderator." in page
    waiting = submit(author)
    assert "Appeal" not in client.get(f"/feed/posts/{waiting.pk}/").content.decode()


def test_a_rejected_author_reads_the_rule_in_the_guidelines_words(client, author, mod):
    _rejected(author, mod, rule=Rule.PRIVATE_INFO)
    client.force_login(author)
    mine = client.get("/moderation/mine/").content.decode()
    assert f'href="/guidelines/#rule-{Rule.PRIVATE_INFO.value}"' in mine
    assert escape(str(Rule.PRIVATE_INFO.description)) in mine


def test_the_api_tells_the_author_alone_which_rule_their_post_broke(client, author, mod):
    post = _rejected(author, mod, rule=Rule.PRIVATE_INFO)
    client.force_login(author)
    mine = client.get(f"/api/v1/posts/{post.pk}").json()
    client.force_login(mod)
    moderators = client.get(f"/api/v1/posts/{post.pk}")

    assert mine["rule_cited"] == {
        "name": str(Rule.PRIVATE_INFO.label),
        "url": f"/guidelines/#rule-{Rule.PRIVATE_INFO.value}",
    }
    assert moderators.status_code == 404  # not theirs, and not published


def test_the_api_takes_appeals_and_decides_them(client, author, mod):
    post = _rejected(author, mod)
    client.force_login(author)
    for neither_or_both in ({}, {"post_id": post.pk, "comment_id": post.pk}):
        made = client.post(
            "/api/v1/appeals",
            {**neither_or_both, "statement": "Which one?"},
            content_type="application/json",
        )
        [error] = made.json()["detail"]
        assert (made.status_code, error["loc"]) == (422, ["body", "post_id"])
        assert error["msg"] == "Give post_id or comment_id: the one rejected item you appeal."
    made = client.post(
        "/api/v1/appeals",
        {"post_id": post.pk, "statement": "It was my car."},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["status"] == "open"
    other = resident_at(*CENTER)
    client.force_login(other)
    stolen = client.post(
        "/api/v1/appeals",
        {"post_id": post.pk, "statement": "Mine now."},
        content_type="application/json",
    )
    assert stolen.status_code == 404

    sign_in(client, mod)
    queue = client.get("/api/v1/moderation/queue").json()
    assert [i["post_id"] for i in queue["items"] if i["kind"] == "appeal"] == [post.pk]
    decision = f"/api/v1/moderation/appeals/{made.json()['id']}/decision"
    grant = {"action": "grant", "answer": "Restored."}
    mine = client.post(decision, grant, content_type="application/json")
    assert mine.status_code == 403, "the rejecting moderator does not decide the appeal"
    sign_in(client, moderator())
    decided = client.post(decision, grant, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "granted"


def test_a_comment_is_decided_once_even_if_the_moderator_clicks_twice(author, mod):
    post = published(resident_at(*CENTER))
    comment = community.add_comment(author=author, post=post, body="Saw the van at noon.")
    services.reject_comment(moderator=mod, comment=comment, reason="Off topic.", rule="off_topic")
    with pytest.raises(Conflict, match="already been decided"):
        services.reject_comment(moderator=mod, comment=comment, reason="Again.", rule="other")
    assert Penalty.objects.filter(user=author).count() == 1


def test_a_granted_appeal_moves_later_steps_down_the_ladder(author, mod):
    first = _rejected(author, mod)
    _rejected(author, mod)
    assert posting_paused_until(author) is not None
    appeal = services.appeal(author=author, post=first, statement="It was my own car.")
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=True, answer="Restored.")
    standing = Penalty.objects.get(user=author, lifted_at=None)
    assert (standing.step, standing.posting_until) == (1, None)
    assert posting_paused_until(author) is None


def test_editing_or_deleting_a_rejected_post_withdraws_its_appeal(author, mod):
    edited, deleted = _rejected(author, mod), _rejected(author, mod)
    for post in (edited, deleted):
        services.appeal(author=author, post=post, statement="Please look again.")
    community.edit_post(
        author=author, post=edited, title="Streetlight out", body="Fixed.", category="safety"
    )
    community.delete_post(author=author, post=deleted)
    assert set(Appeal.objects.values_list("status", flat=True)) == {AppealStatus.WITHDRAWN}
    assert not list(open_appeals(mod))


def test_a_post_rejected_again_after_an_appeal_can_be_appealed_again(author, mod):
    post = _rejected(author, mod)
    appeal = services.appeal(author=author, post=post, statement="Look again.")
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=False, answer="It stands.")
    post.refresh_from_db()
    community.edit_post(
        author=author, post=post, title="Streetlight out", body="Reworded.", category="safety"
    )
    post = services.reject_post(moderator=mod, post=post, reason="Still no.", rule=Rule.FALSE)
    again = services.appeal(author=author, post=post, statement="I reworded it.")
    assert again.status == AppealStatus.OPEN and again.rejection.reason == "Still no."


def _as_the_author_sees_it(client, post) -> tuple[str, str, dict]:
    """The post on "My posts", its page, and its API answer, for its author."""
    client.force_login(post.author)
    mine = client.get("/moderation/mine/").content.decode()
    mine = mine.split(f'data-post-id="{post.pk}"')[1].split("</article>")[0]
    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    return mine, page, client.get(f"/api/v1/posts/{post.pk}").json()


def test_a_resubmitted_post_reads_as_waiting_and_its_rejection_stays_in_its_history(
    client, author, mod
):
    """Once its author edits a rejected post and sends it back, they read it as waiting
    for review, not as the rejection their edit answered; moderators still read that
    rejection among its earlier decisions."""
    post = _rejected(author, mod)
    community.edit_post(
        author=author, post=post, title="Streetlight out", body="Reworded.", category="safety"
    )

    mine, page, api = _as_the_author_sees_it(client, post)

    assert "Waiting for moderation" in mine
    for shown in (mine, page):
        assert "Not what happened." not in shown and "Moderator's note" not in shown
        assert "Appeal this decision" not in shown
    assert "A moderator rejected this post" not in page and "not published yet" in page
    assert (api["status"], api["moderation_note"], api["rule_cited"]) == ("pending", "", None)
    sign_in(client, moderator())
    item = client.get("/moderation/").content.decode().split(f'id="item-post-{post.pk}"')[1]
    item = item.split("</article>")[0]
    assert "Decided before" in item and "Not what happened." in item
    # Rejected again, its author reads the new rejection, and may appeal it.
    services.reject_post(moderator=mod, post=post, reason="Still no.", rule=Rule.FALSE)
    mine, page, api = _as_the_author_sees_it(client, post)
    assert "Moderator's note: Still no." in mine and "Not what happened." not in mine
    assert "Appeal this decision" in mine and api["moderation_note"] == "Still no."


def test_an_appeals_outcome_is_shown_only_while_the_post_stands_where_it_left_it(
    client, author, mod
):
    """A denied appeal speaks for a rejected post; once the post is edited and sent back
    (or published after), "Appeal denied" would read as its current state. A granted
    appeal speaks for the published post, not for one taken down again since."""
    denied, granted = _rejected(author, mod), _rejected(author, mod)
    second = moderator()
    for post, grant in ((denied, False), (granted, True)):
        appeal = services.appeal(author=author, post=post, statement="Look again.")
        services.decide_appeal(moderator=second, appeal=appeal, grant=grant, answer="Looked.")
    assert "Appeal denied: Looked." in _as_the_author_sees_it(client, denied)[0]
    assert "Appeal granted: Looked." in _as_the_author_sees_it(client, granted)[0]

    community.edit_post(
        author=author, post=denied, title="Streetlight out", body="Reworded.", category="safety"
    )
    services.requeue_post(moderator=second, post=granted, reason="A second look.")

    for post in (denied, granted):
        mine, page, _api = _as_the_author_sees_it(client, post)
        assert "Waiting for moderation" in mine
        assert "Appeal" not in mine and "Looked." not in mine
    services.approve_post(moderator=second, post=denied)
    assert "Appeal denied" not in _as_the_author_sees_it(client, denied)[0]


def test_posts_resubmitted_before_the_fix_lose_their_old_note(author, mod):
    """The data migration: a post waiting with a note is a resubmission that kept the
    note of the rejection it answered (a note is written only by a rejection)."""
    migration = importlib.import_module(
        "commonwatch.community.migrations.0020_resubmitted_posts_drop_old_notes"
    )
    stale, rejected = _rejected(author, mod), _rejected(author, mod)
    Post.objects.filter(pk=stale.pk).update(status=Status.PENDING)

    migration.drop_old_notes(django_apps, None)

    assert Post.objects.get(pk=stale.pk).moderation_note == ""
    assert Post.objects.get(pk=rejected.pk).moderation_note == "Not what happened."
