"""Flags reach a moderator from the first one; only established neighbors can hide a
post before a moderator decides; the flagger is told the truth and never lands on a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community import selectors as community
from commonwatch.community import services as posting
from commonwatch.community.models import Status
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    published,
    resident_at,
    submit,
)
from commonwatch.core.errors import Conflict
from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.tests.test_distance_and_cells import offset
from commonwatch.moderation import services, trust
from commonwatch.moderation.models import Action, Decision, Flag
from commonwatch.moderation.tests.factories import established_neighbor, throwaway_account

pytestmark = pytest.mark.django_db


def _status(post) -> str:
    post.refresh_from_db()
    return post.status


def test_three_throwaway_accounts_cannot_take_a_post_down(author, mod):
    post = published(author, mod)
    reader = resident_at(*CENTER)
    for n in range(3):
        flagged = services.flag_post(
            user=throwaway_account(), post=post, reason="false", note=f"fake {n}"
        )
        assert not flagged.hidden
    assert _status(post) == Status.PUBLISHED
    assert [p["id"] for p in community.feed_for(reader).posts] == [post.pk]
    assert not Decision.objects.filter(post=post, action=Action.REQUEUE).exists()


def test_established_neighbors_hide_a_post_at_the_threshold_and_not_before(author, mod):
    post = published(author, mod)
    neighbors = [established_neighbor(mod) for _ in range(trust.ESTABLISHED_FLAGS_TO_HIDE)]
    services.flag_post(user=throwaway_account(), post=post, reason="false")
    for neighbor in neighbors[:-1]:
        assert not services.flag_post(user=neighbor, post=post, reason="false").hidden
    assert _status(post) == Status.PUBLISHED

    last = services.flag_post(user=neighbors[-1], post=post, reason="profiling")

    assert last.hidden and "hidden" in last.message
    assert _status(post) == Status.PENDING
    assert post.pk not in [p["id"] for p in community.feed_for(neighbors[0]).posts]
    assert Decision.objects.get(post=post, action=Action.REQUEUE).moderator is None


@pytest.mark.parametrize(
    "spoil",
    ["too_new", "unconfirmed_email", "nothing_published", "recent_penalty", "closed"],
)
def test_each_condition_of_an_established_account_is_needed(mod, spoil):
    user = established_neighbor(mod)
    assert trust.is_established(user)
    if spoil == "too_new":
        user.date_joined = timezone.now() - trust.ESTABLISHED_AFTER + timedelta(days=1)
        user.save(update_fields=["date_joined"])
    elif spoil == "unconfirmed_email":
        EmailAddress.objects.filter(user=user).update(verified=False)
    elif spoil == "nothing_published":
        for post in user.posts.all():
            services.flag_post(user=throwaway_account(), post=post, reason="false")
            services.reject_post(moderator=mod, post=post, reason="Not so.", rule="false")
    elif spoil == "recent_penalty":
        rejected = submit(user)
        services.reject_post(moderator=mod, post=rejected, reason="No.", rule="off_topic")
    else:
        user.is_active = False
        user.save(update_fields=["is_active"])
    assert not trust.is_established(user)


def test_a_lifted_penalty_does_not_count_against_standing(mod):
    user = established_neighbor(mod)
    rejected = submit(user)
    services.reject_post(moderator=mod, post=rejected, reason="No.", rule="off_topic")
    appeal = services.appeal(author=user, post=rejected, statement="It was on topic.")
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=True, answer="Right.")
    assert trust.is_established(user)


def test_the_first_flag_reaches_the_queue_with_every_reason_and_note(client, author, mod):
    post = published(author, mod, title="Loud party on Elm")
    services.flag_post(user=throwaway_account(), post=post, reason="false", note="Never happened")
    services.flag_post(user=throwaway_account(), post=post, reason="harassment", note="Mocks me")
    sign_in(client, mod)

    page = client.get("/moderation/").content.decode()

    assert "Loud party on Elm" in page
    assert "Never happened" in page and "Mocks me" in page
    assert "False or misleading" in page and "Harassment or hate" in page
    assert "Still shown: flags have not hidden it" in page
    assert "0 from established accounts" in page


def test_keeping_a_flagged_post_answers_its_flags_and_leaves_it_up(client, author, mod):
    post = published(author, mod, title="Kept post")
    services.flag_post(user=throwaway_account(), post=post, reason="false")
    sign_in(client, mod)

    client.post(f"/moderation/posts/{post.pk}/decision/", {"action": "approve"})

    assert _status(post) == Status.PUBLISHED
    assert not Flag.objects.filter(post=post, resolved=False).exists()
    assert Decision.objects.filter(post=post, action=Action.KEEP, moderator=mod).exists()
    queue = client.get("/moderation/").content.decode()
    assert f'id="item-post-{post.pk}"' not in queue  # the recent decisions name it, only
    with pytest.raises(Conflict):
        services.keep_post(moderator=mod, post=post)


def test_a_moderator_can_reject_a_flagged_post_that_is_still_shown(author, mod):
    post = published(author, mod)
    services.flag_post(user=throwaway_account(), post=post, reason="private_info")
    services.reject_post(moderator=mod, post=post, reason="It names a house.", rule="private_info")
    assert _status(post) == Status.REJECTED
    assert not Flag.objects.filter(post=post, resolved=False).exists()


def test_no_reason_is_preselected_and_a_flag_without_one_is_refused_clearly(client, author, mod):
    post = published(author, mod)
    neighbor = throwaway_account()
    sign_in(client, neighbor)

    page = client.get(f"/feed/posts/{post.pk}/").content.decode()
    form = page[page.index('name="reason"') - 200 : page.index("Flag for moderators")]
    assert 'type="radio"' in form and "checked" not in form

    answer = client.post(f"/moderation/posts/{post.pk}/flags/", {"note": "hm"}, follow=True)

    assert answer.redirect_chain[-1][0] == f"/feed/posts/{post.pk}/"
    assert "no reason is picked for you" in answer.content.decode()
    assert not Flag.objects.exists()
    with pytest.raises(ValidationError):
        services.flag_post(user=neighbor, post=post, reason="")


def test_the_flagger_is_told_it_stays_up_until_a_moderator_decides(client, author, mod):
    post = published(author, mod)
    sign_in(client, throwaway_account())

    answer = client.post(f"/moderation/posts/{post.pk}/flags/", {"reason": "false"}, follow=True)

    assert answer.redirect_chain[-1][0] == f"/feed/posts/{post.pk}/"
    page = answer.content.decode()
    assert "A moderator will review it; it stays visible until then." in page
    # The post now says they flagged it, instead of offering a flag they cannot add.
    assert "You flagged this post: False or misleading." in page
    assert "Flag for moderators" not in page


def test_the_flagger_reads_that_a_moderator_kept_the_post_once_one_did(client, author, mod):
    """After the decision the post no longer says a moderator will review the flag."""
    post = published(author, mod)
    flagger = throwaway_account()
    services.flag_post(user=flagger, post=post, reason="false")
    services.keep_post(moderator=moderator(), post=post)
    sign_in(client, flagger)

    page = client.get(f"/feed/posts/{post.pk}/").content.decode()

    assert "You flagged this post: False or misleading." in page
    assert "A moderator looked at it and kept it up" in page
    assert "A moderator reviews every flag" not in page


def test_the_flagger_whose_flag_hides_the_post_lands_on_the_feed_not_a_404(client, author, mod):
    post = published(author, mod)
    neighbors = [established_neighbor(mod) for _ in range(trust.ESTABLISHED_FLAGS_TO_HIDE)]
    for neighbor in neighbors[:-1]:
        services.flag_post(user=neighbor, post=post, reason="false")
    sign_in(client, neighbors[-1])

    answer = client.post(f"/moderation/posts/{post.pk}/flags/", {"reason": "false"}, follow=True)

    assert answer.status_code == 200
    assert answer.redirect_chain[-1][0] == "/feed/"
    assert "hidden this post until a moderator reviews it" in answer.content.decode()


def _flag_answer(client, post_id):
    answer = client.post(f"/moderation/posts/{post_id}/flags/", {"reason": "false"}, follow=True)
    messages = [str(m) for m in answer.context["messages"]]
    return answer.status_code, tuple(answer.redirect_chain), tuple(messages)


def test_a_post_no_longer_shown_gets_one_answer_whatever_happened_to_it(client, author, mod):
    """Hidden by flags, rejected, deleted, outside the circle or never there: the
    flagger cannot tell one from another, and nothing is written."""
    hidden = published(author, mod)
    services.requeue_post(moderator=mod, post=hidden, reason="Checking.")
    rejected = published(author, mod)
    services.flag_post(user=throwaway_account(), post=rejected, reason="false")
    services.reject_post(moderator=mod, post=rejected, reason="No.", rule="false")
    deleted = published(author, mod)
    posting.delete_post(author=author, post=deleted)
    far_away = offset(*CENTER, miles_to_m(3), 0)
    far = published(resident_at(*far_away), mod, lat=far_away[0], lng=far_away[1])
    flagger = throwaway_account()
    sign_in(client, flagger)

    answers = {_flag_answer(client, p) for p in (hidden.pk, rejected.pk, deleted.pk, far.pk, 9999)}

    assert len(answers) == 1
    status, chain, messages = answers.pop()
    assert status == 200 and chain[-1][0] == "/feed/"
    assert messages == (
        "This post is not shown in the feed, so there is nothing to flag. "
        "If it broke the rules, moderators have it already or its author "
        "removed it.",
    )
    assert not Flag.objects.filter(user=flagger).exists()


def test_the_api_tells_the_flagger_what_happens_and_requires_a_reason(client, author, mod):
    post = published(author, mod)
    sign_in(client, throwaway_account())
    url = f"/api/v1/posts/{post.pk}/flags"

    missing = client.post(url, {"note": "x"}, content_type="application/json")
    made = client.post(url, {"reason": "false"}, content_type="application/json")

    assert missing.status_code == 422
    assert made.status_code == 201
    assert made.json() == {
        "detail": "Thank you. A moderator will review it; it stays visible until then.",
        "hidden": False,
    }


def test_a_flag_refused_as_a_whole_is_located_at_the_body_not_a_django_name(client, author, mod):
    """The refusal is of the request, not of one field: its place is the body alone, not
    `["body", "__all__"]`."""
    post = published(author, mod)
    sign_in(client, author)

    refused = client.post(
        f"/api/v1/posts/{post.pk}/flags", {"reason": "false"}, content_type="application/json"
    )

    assert refused.status_code == 422
    assert refused.json()["detail"] == [
        {
            "loc": ["body"],
            "msg": "You cannot flag your own post; edit or delete it instead.",
            "type": "value_error",
        }
    ]
    assert not post.flags.exists()
