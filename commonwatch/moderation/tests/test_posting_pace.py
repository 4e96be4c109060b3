"""How often one account may post, comment and flag (moderation/pace.py).

A new account that sent 20 posts in 0.3 s and 40 comments in 0.8 s had every one
accepted, and the moderators' queue grew by ten pages. Now each account has an hourly
allowance, smaller while it is new; past it, the refusal says when the next one is
possible, on the API (429, Retry-After) and on the form (sent back as written)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.formats import time_format

from commonwatch.community.models import Comment, Post
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.core.errors import RateLimited
from commonwatch.core.tests.concurrency import at_once
from commonwatch.moderation.models import Flag
from commonwatch.moderation.tests.factories import established_neighbor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("posting_pace")]

POST = {
    "category": "safety",
    "title": "Streetlight out",
    "body": "The streetlight at the corner has been dark since Monday.",
    "lat": CENTER[0],
    "lng": CENTER[1],
}


# An hour, told to the next whole minute.
AT_MOST = 3600 + 60


def _api_post(client, n: int = 0):
    return client.post("/api/v1/posts", {**POST, "title": f"Streetlight out, {n}"})


def _api_comment(client, post, n: int = 0):
    return client.post(
        f"/api/v1/posts/{post.pk}/comments",
        {"body": f"Saw it too, on the {n}th."},
        content_type="application/json",
    )


def _an_hour_passes(model, **mine) -> None:
    """Move the account's rows an hour and a second into the past."""
    for row in model.objects.filter(**mine):
        model.objects.filter(pk=row.pk).update(
            created_at=row.created_at - timedelta(hours=1, seconds=1)
        )


def _retry_after(answer) -> int:
    return int(answer["Retry-After"])


def _assert_paced(refused, *, said: str, again: str) -> None:
    """Refused for the pace: 429, what the limit is, when to try again (Retry-After)."""
    assert refused.status_code == 429
    detail = refused.json()["detail"]
    assert detail.startswith(said) and again in detail
    assert 0 < _retry_after(refused) <= AT_MOST


# --- Posts ---------------------------------------------------------------------------


def test_a_new_account_posts_three_times_an_hour_then_hears_when_it_may_again(client):
    author = resident_at(*CENTER)
    client.force_login(author)

    sent = [_api_post(client, n) for n in range(3)]
    refused = _api_post(client, 3)

    assert [answer.status_code for answer in sent] == [201, 201, 201]
    _assert_paced(
        refused,
        said="New accounts can send 3 posts an hour, and you have.",
        again="You can post again at",
    )
    assert refused.json()["retry_at"]
    assert Post.objects.filter(author=author).count() == 3  # nothing of the fourth


def test_the_next_post_is_possible_when_the_first_one_is_an_hour_old(client):
    author = resident_at(*CENTER)
    client.force_login(author)
    for n in range(3):
        _api_post(client, n)
    first = Post.objects.filter(author=author).earliest("created_at")
    Post.objects.filter(pk=first.pk).update(created_at=first.created_at - timedelta(minutes=50))
    first.refresh_from_db()

    refused = _api_post(client, 3)

    # Told to the minute, never too early: the first post leaves the hour by then.
    retry_at = datetime.fromisoformat(refused.json()["retry_at"])
    assert first.created_at + timedelta(hours=1) <= retry_at
    assert retry_at - (first.created_at + timedelta(hours=1)) < timedelta(minutes=1)
    assert retry_at.second == 0 and 9 * 60 < _retry_after(refused) <= 11 * 60

    _an_hour_passes(Post, author=author)
    assert _api_post(client, 4).status_code == 201


def test_the_post_form_comes_back_as_written_with_when_to_post_again(client):
    author = resident_at(*CENTER)
    for n in range(3):
        submit(author, title=f"Earlier {n}")
    client.force_login(author)
    client.cookies["tz"] = "America/New_York"

    page = client.post("/feed/new/", {**POST, "title": "Fourth in an hour"})

    assert page.status_code == 429
    assert 0 < _retry_after(page) <= AT_MOST
    text = page.content.decode()
    assert "New accounts can send 3 posts an hour, and you have." in text
    first = Post.objects.filter(author=author).earliest("created_at").created_at
    local = timezone.localtime(first + timedelta(hours=1, minutes=1), ZoneInfo("America/New_York"))
    when = time_format(local.replace(second=0, microsecond=0), "TIME_FORMAT")
    assert f"You can post again at {when} (America/New_York)." in text
    assert 'value="Fourth in an hour"' in text
    assert "Your post was not sent, and is kept below." in text
    assert "Change what is marked below" not in text  # there is nothing to change
    assert not Post.objects.filter(title="Fourth in an hour").exists()


def test_an_established_neighbor_posts_ten_times_an_hour(client):
    neighbor = established_neighbor()
    _an_hour_passes(Post, author=neighbor)  # the post that made them established
    client.force_login(neighbor)

    sent = [_api_post(client, n) for n in range(10)]
    refused = _api_post(client, 10)

    assert {answer.status_code for answer in sent} == {201}
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("You can send 10 posts an hour, and you have.")


def test_one_account_at_its_limit_leaves_everyone_else_posting(client):
    flooder, neighbor = resident_at(*CENTER), resident_at(*CENTER)
    client.force_login(flooder)
    for n in range(4):
        _api_post(client, n)

    client.force_login(neighbor)
    assert _api_post(client).status_code == 201


def test_moderators_post_at_the_residents_pace(client):
    mod = moderator()
    for n in range(3):
        submit(mod, title=f"Earlier {n}")

    with pytest.raises(RateLimited, match="You can post again at"):
        submit(mod)


# --- Comments ------------------------------------------------------------------------


def test_a_new_account_comments_ten_times_an_hour(client):
    post = published(resident_at(*CENTER))
    commenter = resident_at(*CENTER)
    client.force_login(commenter)

    sent = [_api_comment(client, post, n) for n in range(10)]
    refused = _api_comment(client, post, 10)

    assert {answer.status_code for answer in sent} == {201}
    _assert_paced(
        refused,
        said="New accounts can send 10 comments an hour, and you have.",
        again="You can comment again at",
    )
    assert Comment.objects.filter(author=commenter).count() == 10

    _an_hour_passes(Comment, author=commenter)
    assert _api_comment(client, post, 11).status_code == 201


def test_the_same_comment_sent_again_at_the_limit_is_the_one_already_sent(client):
    """A double click on the tenth comment is that comment, not an eleventh refused."""
    post = published(resident_at(*CENTER))
    commenter = resident_at(*CENTER)
    client.force_login(commenter)
    for n in range(10):
        _api_comment(client, post, n)

    again = _api_comment(client, post, 9)

    assert again.status_code == 201
    assert Comment.objects.filter(author=commenter).count() == 10


def test_the_comment_form_comes_back_with_its_text_and_when_to_comment_again(client):
    post = published(resident_at(*CENTER))
    commenter = resident_at(*CENTER)
    client.force_login(commenter)
    for n in range(10):
        _api_comment(client, post, n)

    page = client.post(f"/feed/posts/{post.pk}/comments/", {"body": "One more thing to add."})

    assert page.status_code == 429
    assert 0 < _retry_after(page) <= AT_MOST
    text = page.content.decode()
    assert "New accounts can send 10 comments an hour, and you have." in text
    assert "You can comment again at" in text
    assert "One more thing to add." in text
    assert not Comment.objects.filter(body="One more thing to add.").exists()


# --- Flags ---------------------------------------------------------------------------


def _posts_to_flag(n: int) -> list[Post]:
    mod = moderator()
    return [published(resident_at(*CENTER), mod, title=f"Post {i}") for i in range(n)]


def test_a_new_account_flags_ten_posts_an_hour(client):
    posts = _posts_to_flag(12)
    flagger = resident_at(*CENTER)
    client.force_login(flagger)

    def flag(post):
        return client.post(
            f"/api/v1/posts/{post.pk}/flags", {"reason": "false"}, content_type="application/json"
        )

    sent = [flag(post) for post in posts[:10]]
    refused = flag(posts[10])

    assert {answer.status_code for answer in sent} == {201}
    _assert_paced(
        refused,
        said="New accounts can flag 10 posts an hour, and you have.",
        again="You can flag again at",
    )
    assert Flag.objects.filter(user=flagger).count() == 10

    # On the post's page, the flag form says the same, and the post stays as it was.
    page = client.post(f"/moderation/posts/{posts[11].pk}/flags/", {"reason": "false"}, follow=True)
    assert "You can flag again at" in page.content.decode()
    assert not Flag.objects.filter(post=posts[11]).exists()

    _an_hour_passes(Flag, user=flagger)
    assert flag(posts[11]).status_code == 201


# --- A burst at once -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_posts_at_once_stops_at_the_allowance():
    """Requests in parallel are counted one after another (the account's row is locked
    while they count), so a burst cannot slip past the allowance together."""
    author = resident_at(*CENTER)
    outcomes = []

    def post(n):
        try:
            submit(author, title=f"Burst {n}")
            outcomes.append("sent")
        except RateLimited:
            outcomes.append("too soon")

    at_once(post, 8)

    assert sorted(outcomes) == ["sent"] * 3 + ["too soon"] * 5
    assert Post.objects.filter(author=author).count() == 3


def test_the_api_document_lists_the_pace_refusal_where_it_can_come(client):
    schema = client.get("/api/v1/openapi.json").json()
    paced = [
        schema["paths"]["/api/v1/posts"]["post"],
        schema["paths"]["/api/v1/posts/{post_id}/comments"]["post"],
        schema["paths"]["/api/v1/posts/{post_id}/flags"]["post"],
    ]

    for operation in paced:
        body = operation["responses"]["429"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/TooSoon"}
    assert set(schema["components"]["schemas"]["TooSoon"]["required"]) == {"detail", "retry_at"}
