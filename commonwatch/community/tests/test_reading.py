"""What a resident reads: cards with distance, age and photo, search inside their circle,
the "Resolved / Found" mark only a post's author sets, and the thread's labels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.audit.models import AuditEntry
from commonwatch.community import selectors, services, transitions
from commonwatch.community.models import Post, Status
from commonwatch.community.search import MAX_SEARCH_CHARS, ensure_sqlite_index
from commonwatch.community.templatetags.cards import miles, short_age, time_since
from commonwatch.community.tests.factories import (
    CENTER,
    moderator,
    published,
    resident_just_outside,
    submit,
)
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.geo.distance import haversine_m
from commonwatch.moderation import services as moderation

pytestmark = pytest.mark.django_db


def titles(page):
    return [card["title"] for card in page.posts]


def bearer(user, scope="write"):
    _token, raw = accounts.create_api_token(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# Search -----------------------------------------------------------------------------


def test_search_finds_posts_by_every_word_and_word_starts(author, neighbor):
    mod = moderator()
    published(author, mod, title="Bike stolen", body="A red bike was taken from the rack.")
    published(author, mod, title="Streetlight out", body="Dark corner by the bakery.")

    assert titles(selectors.search_posts(neighbor, "bike")) == ["Bike stolen"]
    assert titles(selectors.search_posts(neighbor, "RED rack")) == ["Bike stolen"]
    assert titles(selectors.search_posts(neighbor, "bak")) == ["Streetlight out"]
    assert titles(selectors.search_posts(neighbor, "bike bakery")) == []
    assert titles(selectors.feed_for(neighbor, q="dark")) == ["Streetlight out"]


def test_search_keeps_the_feeds_filters_and_order(author, neighbor):
    mod = moderator()
    older = published(author, mod, title="Lost cat", body="Grey cat", category="lost_pet")
    published(author, mod, title="Cat on the road", body="A cat sits on the road.")
    Post.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=3))

    assert titles(selectors.search_posts(neighbor, "cat")) == ["Cat on the road", "Lost cat"]
    assert titles(selectors.search_posts(neighbor, "cat", category="lost_pet")) == ["Lost cat"]
    assert titles(selectors.search_posts(neighbor, "cat", period="day")) == ["Cat on the road"]


def test_search_pages_by_cursor(author, neighbor):
    mod = moderator()
    for i in range(5):
        published(author, mod, title=f"Parcel taken {i}", body="Another parcel gone.")
    first = selectors.search_posts(neighbor, "parcel", limit=3)
    rest = selectors.search_posts(neighbor, "parcel", limit=3, cursor=first.next_cursor)
    assert len(first.posts) == 3 and len(rest.posts) == 2 and rest.next_cursor is None
    assert {p["id"] for p in first.posts}.isdisjoint(p["id"] for p in rest.posts)


def test_search_never_finds_what_the_feed_would_not_show(author, neighbor):
    mod = moderator()
    outsider = resident_just_outside()
    published(author, mod, title="Zebra crossing paint", body="Fresh paint.")
    submit(author, title="Zebra waiting", body="Still pending.")
    rejected = submit(author, title="Zebra rejected", body="Turned down.")
    with transaction.atomic():
        moderation.reject_post(moderator=mod, post=rejected, reason="Off topic.", rule="off_topic")
    deleted = published(author, mod, title="Zebra deleted", body="Gone.")
    services.delete_post(author=author, post=deleted)
    taken_down = published(author, mod, title="Zebra taken down", body="Sent back.")
    transitions.send_back(taken_down.pk)

    assert titles(selectors.search_posts(neighbor, "zebra")) == ["Zebra crossing paint"]
    assert titles(selectors.search_posts(outsider, "zebra")) == []
    assert titles(selectors.search_posts(neighbor, "gone")) == []  # erased with the post


def test_an_edited_post_is_found_by_its_new_words_once_published_again(author, neighbor):
    mod = moderator()
    post = published(author, mod, title="Loud party", body="Music until 3 am.")
    services.edit_post(
        author=author, post=post, title="Loud concert", body="Music.", category="community"
    )
    assert titles(selectors.search_posts(neighbor, "concert")) == []  # the edit waits
    services.approve_edit(moderator=mod, revision=post.revisions.get())

    assert titles(selectors.search_posts(neighbor, "concert")) == ["Loud concert"]
    assert titles(selectors.search_posts(neighbor, "party")) == []


def test_search_refuses_too_long_a_query(neighbor):
    with pytest.raises(ValueError, match="at most"):
        selectors.search_posts(neighbor, "x" * (MAX_SEARCH_CHARS + 1))
    with pytest.raises(ValueError, match="words"):
        selectors.search_posts(neighbor, " ".join(["a"] * 9))


def test_search_words_cannot_inject_query_syntax(author, neighbor):
    published(author, title="Quote test", body='He said "hello" (twice) OR NOT near*')
    assert titles(selectors.search_posts(neighbor, '"hello" OR -near* )(')) == ["Quote test"]
    assert titles(selectors.search_posts(neighbor, "!!! ???")) == ["Quote test"]  # no words


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
def test_sqlite_search_index_is_rebuilt_when_a_migration_dropped_its_triggers(author, neighbor):
    published(author, title="Ladder left out", body="Next to the fence.")
    assert ensure_sqlite_index(connection) is False
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER community_post_search_insert")
        cursor.execute(
            "INSERT INTO community_post_search(community_post_search) VALUES ('delete-all')"
        )
    assert ensure_sqlite_index(connection) is True
    assert titles(selectors.search_posts(neighbor, "ladder")) == ["Ladder left out"]


def test_feed_page_and_api_search_and_refuse_too_long_queries(client, author, neighbor):
    published(author, title="Bike stolen", body="From the rack.")
    published(author, title="Streetlight out", body="Dark.")
    client.force_login(neighbor)

    page = client.get(reverse("community:feed"), {"q": "bike"})
    assert page.status_code == 200
    assert b"Bike stolen" in page.content and b"Streetlight out" not in page.content
    too_long = client.get(reverse("community:feed"), {"q": "x" * (MAX_SEARCH_CHARS + 1)})
    assert too_long.status_code == 400
    assert b"at most 100 characters" in too_long.content

    api = client.get("/api/v1/feed", {"q": "bike"}, **bearer(neighbor, "read"))
    assert [p["title"] for p in api.json()["posts"]] == ["Bike stolen"]
    api_long = client.get("/api/v1/feed", {"q": "x" * 101}, **bearer(neighbor, "read"))
    assert api_long.status_code == 422
    api_many = client.get("/api/v1/feed", {"q": "a b c d e f g h i"}, **bearer(neighbor, "read"))
    assert api_many.status_code == 422
    assert api_many.json()["detail"][0]["loc"][-1] == "q"


def test_an_empty_filtered_feed_says_so_and_offers_to_clear(client, author, neighbor):
    published(author, title="Bike stolen")
    client.force_login(neighbor)

    filtered = client.get(reverse("community:feed"), {"q": "nothing", "category": "crime"})
    assert b"No post matches these filters." in filtered.content
    assert f'href="{reverse("community:feed")}">Clear the filters'.encode() in filtered.content
    unfiltered = client.get(reverse("community:feed"))
    assert b"No post matches" not in unfiltered.content


# Cards ------------------------------------------------------------------------------


def test_cards_measure_distance_from_home_to_the_public_point(author, neighbor):
    post = published(author, title="Near")
    card = selectors.feed_for(neighbor).posts[0]
    home = neighbor.home
    assert card["distance_m"] == round(haversine_m(home.lat, home.lng, post.lat, post.lng))
    # Its author, who sees the exact point, is still told the public distance.
    own = selectors.feed_for(author).posts[0]
    assert own["distance_m"] == round(
        haversine_m(author.home.lat, author.home.lng, post.lat, post.lng)
    )


def test_short_ages_and_miles():
    now = timezone.now()
    assert short_age(now - timedelta(seconds=20), now) == "now"
    assert short_age(now - timedelta(minutes=5), now) == "5 min"
    assert short_age(now - timedelta(hours=2, minutes=59), now) == "2 h"
    assert short_age(now - timedelta(days=3, hours=1), now) == "3 d"
    assert time_since(now - timedelta(seconds=59), now) == "less than a minute"
    assert time_since(now + timedelta(seconds=5), now) == "less than a minute"
    assert time_since(now - timedelta(minutes=1), now) == "1\xa0minute"
    assert time_since(now - timedelta(hours=2, minutes=5), now) == "2\xa0hours, 5\xa0minutes"
    assert miles(100) == "< 0.1 mi"
    assert miles(483) == "0.3 mi"
    assert miles(20_000) == "12 mi"


def test_feed_card_shows_distance_age_and_comment_count(client, author, neighbor):
    published(author, title="Fence down")
    client.force_login(neighbor)
    html = client.get(reverse("community:feed")).content.decode()
    assert '<span class="distance">0.2 mi</span>' in html
    assert ">now</time>" in html and "title=" in html
    assert "0 comments" in html


def test_cards_published_since_the_last_visit_are_marked_new(client, author, neighbor):
    client.force_login(neighbor)
    published(author, title="Before the first visit")
    first = client.get(reverse("community:feed")).content.decode()
    assert "badge new" not in first  # nothing to compare with on a first visit
    published(author, title="After it")
    second = client.get(reverse("community:feed")).content.decode()
    assert second.count('class="badge new"') == 1
    assert 'New: </span><a href="' in second


# Author labels ----------------------------------------------------------------------


def test_author_labels_on_feed_post_page_comments_and_api(client, author, neighbor):
    mod = moderator()
    post = published(author, mod, title="Labels")
    comment = services.add_comment(author=neighbor, post=post, body="I saw it too.")
    with transaction.atomic():
        moderation.approve_comment(moderator=mod, comment=comment)

    assert selectors.feed_for(neighbor).posts[0]["author"] == "Neighbor #1"
    assert selectors.feed_for(author).posts[0]["author"] == "You"
    assert [c["author"] for c in selectors.comments_for(author, post)] == ["Neighbor #2"]
    assert [c["author"] for c in selectors.comments_for(neighbor, post)] == ["You"]

    client.force_login(neighbor)
    page = client.get(reverse("community:post", args=[post.pk])).content.decode()
    assert '<span class="author">Neighbor #1</span>' in page
    assert '<span class="author">You</span>' in page
    api = client.get(f"/api/v1/posts/{post.pk}", **bearer(author, "read")).json()
    assert api["author"] == "You" and api["mine"] is True


def test_feed_cards_name_no_author_but_you(client, author, neighbor):
    """Every post's author is "Neighbor #1" of its own thread: on a list of cards that
    read as one person posting everything, so a card names its author only to them."""
    published(neighbor, title="Mine")
    published(author, title="A neighbor's")
    client.force_login(neighbor)
    html = client.get(reverse("community:feed")).content.decode()
    assert html.count('class="author"') == 1
    assert '<span class="author">You</span>' in html
    assert "Neighbor #" not in html


def test_comments_are_oldest_first_with_times(client, author, neighbor):
    mod = moderator()
    post = published(author, mod, title="Thread")
    for body in ("First!", "Second."):
        comment = services.add_comment(author=neighbor, post=post, body=body)
        with transaction.atomic():
            moderation.approve_comment(moderator=mod, comment=comment)
    client.force_login(author)
    page = client.get(reverse("community:post", args=[post.pk])).content.decode()
    assert page.index("First!") < page.index("Second.")
    assert page.count("<time datetime=") >= 3  # the post and both comments


# Resolved / Found -------------------------------------------------------------------


def test_the_author_marks_a_lost_pet_found_and_opens_it_again(author, neighbor):
    post = published(author, title="Lost dog", category="lost_pet")

    services.set_resolved(author=author, post=post, resolved=True)
    card = selectors.feed_for(neighbor).posts[0]
    assert card["resolved"] is True and card["resolved_label"] == "Found"
    services.set_resolved(author=author, post=post, resolved=True)  # twice: one entry
    services.set_resolved(author=author, post=post, resolved=False)

    assert selectors.feed_for(neighbor).posts[0]["resolved"] is False
    entries = AuditEntry.objects.filter(
        target_type="community.post", target_id=str(post.pk), action__startswith="community."
    )
    assert list(entries.order_by("sequence").values_list("action", "actor_id")) == [
        ("community.post.resolved", author.pk),
        ("community.post.reopened", author.pk),
    ]


def test_other_categories_are_resolved_not_found(author):
    post = published(author, title="Streetlight out", category="safety")
    services.set_resolved(author=author, post=post, resolved=True)
    assert selectors.post_card(Post.objects.get(pk=post.pk), author)["resolved_label"] == "Resolved"


def test_nobody_but_the_author_may_resolve(client, author, neighbor):
    post = published(author, title="Lost cat", category="lost_pet")
    with pytest.raises(NotAllowed):
        services.set_resolved(author=neighbor, post=post, resolved=True)
    with pytest.raises(NotAllowed):
        services.set_resolved(author=moderator(), post=post, resolved=True)

    client.force_login(neighbor)
    page = client.get(reverse("community:post", args=[post.pk])).content.decode()
    assert "Mark as found" not in page
    refused = client.post(reverse("community:resolve", args=[post.pk]), {"resolved": "on"})
    assert refused.status_code == 404
    api = client.put(
        f"/api/v1/posts/{post.pk}/resolved",
        {"resolved": True},
        content_type="application/json",
        **bearer(neighbor),
    )
    assert api.status_code == 404
    assert Post.objects.get(pk=post.pk).resolved_at is None
    assert not AuditEntry.objects.filter(action="community.post.resolved").exists()


def test_the_author_resolves_on_the_page_and_through_the_api(client, author, neighbor):
    post = published(author, title="Lost cat", category="lost_pet")
    client.force_login(author)
    assert "Mark as found" in client.get(reverse("community:post", args=[post.pk])).content.decode()

    response = client.post(reverse("community:resolve", args=[post.pk]), {"resolved": "on"})
    assert response.status_code == 302
    client.force_login(neighbor)
    feed = client.get(reverse("community:feed")).content.decode()
    assert '<span class="badge resolved">Found</span>' in feed

    api = client.put(
        f"/api/v1/posts/{post.pk}/resolved",
        {"resolved": False},
        content_type="application/json",
        **bearer(author),
    )
    assert api.status_code == 200 and api.json()["resolved"] is False
    read_only = client.put(
        f"/api/v1/posts/{post.pk}/resolved",
        {"resolved": True},
        content_type="application/json",
        **bearer(author, "read"),
    )
    assert read_only.status_code == 403


@pytest.mark.parametrize("said", ["yes", 1, "on", None])
def test_resolved_is_true_or_false_and_nothing_like_it(client, author, said):
    post = published(author, title="Lost cat", category="lost_pet")

    api = client.put(
        f"/api/v1/posts/{post.pk}/resolved",
        {"resolved": said},
        content_type="application/json",
        **bearer(author),
    )

    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "resolved"]
    assert Post.objects.get(pk=post.pk).resolved_at is None


def test_only_a_published_post_is_marked_resolved(client, author, neighbor):
    """A pending or rejected post is seen by nobody but its author: no "Found" label on
    it, refused by the service, the page and the API alike (409, saying why)."""
    pending = submit(author, title="Lost cat", category="lost_pet")
    rejected = submit(author, title="Lost dog", category="lost_pet")
    moderation.reject_post(moderator=moderator(), post=rejected, reason="Dup.", rule="false")
    client.force_login(author)

    for post in (pending, rejected):
        with pytest.raises(Conflict):
            services.set_resolved(author=author, post=post, resolved=True)
        page = client.get(reverse("community:post", args=[post.pk])).content.decode()
        assert "Mark as found" not in page
        web = client.post(
            reverse("community:resolve", args=[post.pk]), {"resolved": "on"}, follow=True
        )
        assert "Only a published post can be marked resolved" in web.content.decode()
        api = client.put(
            f"/api/v1/posts/{post.pk}/resolved",
            {"resolved": True},
            content_type="application/json",
            **bearer(author),
        )
        assert api.status_code == 409
        assert "Only a published post" in api.json()["detail"]
        assert Post.objects.get(pk=post.pk).resolved_at is None
    assert not AuditEntry.objects.filter(action="community.post.resolved").exists()


def test_a_resolved_post_taken_back_into_review_can_be_opened_again(client, author):
    post = published(author, title="Lost cat", category="lost_pet")
    services.set_resolved(author=author, post=post, resolved=True)
    Post.objects.filter(pk=post.pk).update(status=Status.PENDING)
    client.force_login(author)

    assert "Open again" in client.get(reverse("community:post", args=[post.pk])).content.decode()
    services.set_resolved(author=author, post=post, resolved=False)
    assert Post.objects.get(pk=post.pk).resolved_at is None


def test_post_page_map_draws_the_public_cell_never_the_exact_point(client, author, neighbor):
    post = published(author, lat=CENTER[0] + 0.00031, lng=CENTER[1] + 0.00017)
    for viewer in (neighbor, author):
        client.force_login(viewer)
        html = client.get(reverse("community:post", args=[post.pk])).content.decode()
        assert 'id="post-map"' in html and "data-area=" in html
        assert f"{post.exact_lat}" not in html.split('id="post-map"')[1].split(">")[0]


def test_the_post_page_listens_live_only_for_readers_of_a_published_post(client, author, neighbor):
    shown, waiting = published(author), submit(author, title="Not yet published")

    def listens(viewer, post):
        sign_in(client, viewer)
        page = client.get(reverse("community:post", args=[post.pk]))
        assert page.status_code == 200 and 'id="post-map"' in page.content.decode()
        html = page.content.decode()
        return 'id="post-live"' in html and "web/live-socket.js" in html

    assert listens(neighbor, shown) and listens(author, shown)
    assert not listens(author, waiting), "nobody else sees it: nothing to hear"
    assert not listens(moderator(), shown), "the feed's socket refuses moderators"


def test_the_menu_button_shows_the_unread_count(client, author, neighbor):
    from commonwatch.community.tests.factories import post_alerts

    published(author, title="Alert me")
    client.force_login(neighbor)
    count = post_alerts().filter(recipient=neighbor, read_at=None).count()
    assert count == 1
    html = client.get(reverse("community:map")).content.decode()
    assert '<span class="unread" id="menu-unread">1<span class="visually-hidden"> unread' in html
