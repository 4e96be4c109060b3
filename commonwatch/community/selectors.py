"""Reads of the community feed, always through the eyes of the person asking.

Nothing here returns a post outside the viewer's radius, or one that is not
published, except to its author (own posts) and moderators (the queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonwatch.accounts.selectors import home_of
from commonwatch.core.cursors import cursor_at, decode_cursor
from commonwatch.core.policies import can, restrict
from commonwatch.geo.approximate import location_seen_by
from commonwatch.geo.cells import cell_outline, h3_hex
from commonwatch.geo.distance import haversine_m
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import count_by_cell, newest_within, place_labels, within_radius
from commonwatch.media import selectors as media_selectors

from . import hooks, revisions
from .models import (
    Category,
    Comment,
    Post,
    PostMedia,
    PostRevision,
    RevisionStatus,
    Status,
    ThreadAlias,
    resolved_label_of,
    tally_layer,
)
from .policies import READ, RESOLVE, REVIEW, WRITE, may_set_resolved
from .search import matching, search_words

FEED_PAGE = 20
# Points are drawn only zoomed in, where a few hundred of the newest fill the view.
MAP_LIMIT = 500
# (zoom below, H3 resolution): hexagons some 20–60 px across on screen.
MAP_HEXAGON_ZOOMS = ((11, 6), (12, 7), (14, 8), (15, 9))
POINTS_ZOOM = MAP_HEXAGON_ZOOMS[-1][0]  # and closer: points, of the view alone
PERIODS = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "quarter": timedelta(days=90),
}


@dataclass
class FeedPage:
    posts: list[dict]
    next_cursor: str | None


def published_posts(user, *, category: str | None = None, period: str | None = None):
    """The published posts the user may read (before their circle narrows them), by a
    category and a period; ValueError for unknown ones."""
    posts = restrict(Post.objects.all(), user, READ)
    if category and category not in Category.values:
        raise ValueError(_("Unknown category: %(value)s") % {"value": category})
    if period and period not in PERIODS:
        raise ValueError(_("Unknown period: %(value)s") % {"value": period})
    if category:
        posts = posts.filter(category=category)
    if period:
        posts = posts.filter(published_at__gte=timezone.now() - PERIODS[period])
    return posts


def encode_cursor(post: Post) -> str:
    return cursor_at(post.published_at, post.pk)


def feed_for(
    user, *, category=None, period=None, q: str = "", cursor=None, limit=FEED_PAGE
) -> FeedPage:
    """Published posts inside the user's alert circle, newest first, one page at a time;
    with words in `q`, only the posts that hold them all (search_posts)."""
    if q:
        return search_posts(user, q, category=category, period=period, cursor=cursor, limit=limit)
    return _page(
        user,
        lambda: published_posts(user, category=category, period=period),
        layer=tally_layer(category),
        cursor=cursor,
        limit=limit,
    )


def search_posts(
    user, words: str, *, category=None, period=None, cursor=None, limit=FEED_PAGE
) -> FeedPage:
    """The feed narrowed to posts whose title or body holds every word, by the database's
    full-text search (community.search): the same circle, states and order as the feed,
    so a search never finds what the feed would not show. ValueError for too long a query."""
    wanted = search_words(words)

    def posts():
        return matching(published_posts(user, category=category, period=period), wanted)

    return _page(user, posts, layer=tally_layer(category), cursor=cursor, limit=limit)


def _page(user, posts, *, layer: str, cursor, limit) -> FeedPage:
    """One page of `posts()` inside the user's circle, newest first, after a cursor."""
    home = home_of(user) if can(user, READ) else None
    if home is None:
        return FeedPage([], None)
    posts = posts()
    now = None
    if cursor:
        moment, pk = decode_cursor(cursor)
        posts = posts.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
        now = moment
    found = newest_within(
        posts,
        home.lat,
        home.lng,
        home.radius_m,
        layer=layer,
        limit=limit + 1,
        time_field="published_at",
        now=now,
    )
    page = found[:limit]
    next_cursor = encode_cursor(page[-1]) if len(found) > limit else None
    media, text, places = media_by_post(page), card_text(), places_of(page)
    return FeedPage(
        [post_card(p, user, media[p.pk], text, places, home=home) for p in page], next_cursor
    )


# A socket that reconnects gets what it missed: at most this many posts, from a little
# before the last one it saw (commits and clocks are not in step; the page skips repeats).
CATCH_UP_LIMIT = 50
CATCH_UP_OVERLAP = timedelta(seconds=10)


def posts_since(user, cursor: str) -> list[dict]:
    """Cards of the posts published in the user's circle since a feed cursor, oldest first."""
    home = home_of(user) if can(user, READ) else None
    if home is None:
        return []
    moment, _post_id = decode_cursor(cursor)
    posts = published_posts(user).filter(published_at__gte=moment - CATCH_UP_OVERLAP)
    found = newest_within(
        posts,
        home.lat,
        home.lng,
        home.radius_m,
        layer=tally_layer(),
        limit=CATCH_UP_LIMIT,
        time_field="published_at",
    )
    media, text, places = media_by_post(found), card_text(), places_of(found)
    return [post_card(p, user, media[p.pk], text, places, home=home) for p in reversed(found)]


# A socket that reconnects also asks how the posts its page shows stand now, at most these.
SHOWN_LIMIT = 100


def resolved_message(post: Post) -> dict:
    """The live message saying whether a post is resolved ("Found") or open."""
    return {
        "type": "resolved",
        "post_id": post.pk,
        "resolved": post.resolved_at is not None,
        "resolved_label": str(post.resolved_label),
    }


def shown_states(user, post_ids: list[int]) -> list[dict]:
    """How the posts a page shows stand now, for a socket that was away meanwhile: each
    still in the user's feed as its resolved state, every other one as removed. A post
    the user may not see reads exactly as a deleted one, so the answer says nothing the
    feed does not."""
    wanted = list(dict.fromkeys(post_ids))[:SHOWN_LIMIT]
    home = home_of(user) if can(user, READ) else None
    in_feed = {}
    if home is not None and wanted:
        for post in published_posts(user).filter(pk__in=wanted):
            if haversine_m(home.lat, home.lng, post.lat, post.lng) <= home.radius_m:
                in_feed[post.pk] = post
    return [
        resolved_message(in_feed[pk]) if pk in in_feed else {"type": "removed", "post_id": pk}
        for pk in wanted
    ]


def is_in_reach(user, post: Post) -> bool:
    """Whether the post's public point lies in the user's circle (never its exact one)."""
    home = home_of(user)
    return home is not None and haversine_m(home.lat, home.lng, post.lat, post.lng) <= home.radius_m


def _one(queryset):
    """The one row, or 404: the same answer for "no such row" and "not yours to see"."""
    found = queryset.first()
    if found is None:
        raise Http404
    return found


def post_for(user, post_id: int) -> Post:
    """A post the user may open: published in their circle, their own, or (moderators) any."""
    posts = Post.objects.filter(pk=post_id)
    if can(user, REVIEW):
        return _one(restrict(posts, user, REVIEW))
    own = restrict(posts, user, WRITE).first()
    if own is not None:
        return own
    post = _one(restrict(posts, user, READ))
    if not is_in_reach(user, post):
        raise Http404
    return post


def own_post(user, post_id: int) -> Post:
    return _one(restrict(Post.objects.filter(pk=post_id), user, WRITE))


def own_comment(user, comment_id: int) -> Comment:
    return _one(restrict(Comment.objects.filter(pk=comment_id), user, WRITE))


def may_see_post_media(user, media_file) -> bool:
    """A post's photo or video is seen by whoever may open the post (media.hooks)."""
    attachment = PostMedia.objects.filter(media_file=media_file).only("post_id").first()
    if attachment is None:
        return False
    try:
        post_for(user, attachment.post_id)
    except Http404:
        return False
    return True


FORMER_NEIGHBOR = _lazy("A former neighbor")


def neighbor_label(number: int) -> str:
    return _("Neighbor #%(n)d") % {"n": number}


@dataclass(frozen=True)
class CardText:
    """A card's fixed words in one language: translated once, not once per post."""

    categories: dict[str, str]
    resolved_labels: dict[str, str]
    statuses: dict[str, str]
    you: str
    first_neighbor: str
    former_neighbor: str
    photo_alt: str


@lru_cache(maxsize=16)
def _card_text(language: str | None) -> CardText:
    return CardText(
        categories={code: str(label) for code, label in Category.choices},
        resolved_labels={code: resolved_label_of(code) for code in Category.values},
        statuses={code: str(label) for code, label in Status.choices},
        you=_("You"),
        first_neighbor=neighbor_label(1),
        former_neighbor=str(FORMER_NEIGHBOR),
        photo_alt=_("Photo attached to the post"),
    )


def card_text() -> CardText:
    return _card_text(get_language())


def post_card(
    post: Post,
    viewer,
    media: list[PostMedia] | None = None,
    text: CardText | None = None,
    places: dict[int, str] | None = None,
    *,
    home=None,
) -> dict:
    """What a viewer may see of a post: approximate place, anonymous author.

    Pages of posts pass `media` fetched in one query (media_by_post), `text`, `places`
    (places_of) and the viewer's `home`, from which the card's distance is measured to
    the post's public point (never its exact one, even for its author: the distance is
    what others see).
    """
    text = text or card_text()
    places = places_of([post]) if places is None else places
    lat, lng = location_seen_by(viewer, post, owner_id=post.author_id)
    mine = viewer is not None and viewer.pk == post.author_id
    media = post.media.select_related("media_file") if media is None else media
    shown = [m for m in media if mine or m.media_file.is_ready]
    return {
        "id": post.pk,
        "category": post.category,
        "category_label": text.categories[post.category],
        "title": post.title,
        "body": post.body,
        "lat": lat,
        "lng": lng,
        "distance_m": None
        if home is None
        else round(haversine_m(home.lat, home.lng, post.lat, post.lng)),
        # Named from the public cell, for its author too: never from the exact point.
        "place_label": places.get(place_cell(post.lat, post.lng)),
        "place_point": (post.lat, post.lng),  # unnamed yet: the public point, never the exact
        # A post's author opens its thread, so is always Neighbor #1 there.
        "author": text.you
        if mine
        else (text.former_neighbor if post.author_left else text.first_neighbor),
        "status": post.status,
        "status_label": text.statuses[post.status],
        "moderation_note": post.moderation_note if mine else "",
        "published_at": post.published_at,
        "created_at": post.created_at,
        "resolved": post.resolved_at is not None,
        "resolved_at": post.resolved_at,
        "resolved_label": text.resolved_labels[post.category],
        "occurred_at": post.occurred_at or post.created_at,
        # Its author sees every file and where its processing stands; others the ready ones.
        "media": [
            media_selectors.card(m.media_file, for_owner=mine)
            | {"description": m.description, "alt": m.description.strip() or text.photo_alt}
            for m in shown
        ],
        "comment_count": post.comment_count,
        "mine": mine,
        "may_resolve": mine
        and can(viewer, RESOLVE, post)
        and may_set_resolved(post, post.resolved_at is None),
        # Where a page or a reconnecting live socket continues from.
        "cursor": encode_cursor(post) if post.published_at else None,
    }


def pending_edit(post: Post, viewer) -> dict | None:
    """The author's latest edit that neighbors do not see: waiting, or turned down (with
    the moderator's note). None for anyone but the author, or when there is none."""
    if viewer is None or viewer.pk != post.author_id:
        return None
    revision = post.revisions.exclude(status=RevisionStatus.WITHDRAWN).order_by("-pk").first()
    if revision is None or revision.status == RevisionStatus.APPLIED:
        return None
    return {
        "id": revision.pk,
        "status": revision.status,
        "status_label": str(RevisionStatus(revision.status).label),
        "category": revision.category,
        "category_label": str(Category(revision.category).label),
        "title": revision.title,
        "body": revision.body,
        "reasons": revision.reasons,
        "moderation_note": revision.moderation_note,
        "created_at": revision.created_at,
    }


def edit_outcome(post: Post, author) -> str:
    """What the author's edit led to: "published" (neighbors see it), "waiting" (for a
    moderator, the published text still shown) or "pending" (nobody sees the post yet)."""
    if post.status != Status.PUBLISHED:
        return "pending"
    waiting = pending_edit(post, author)
    return "waiting" if waiting and waiting["status"] == RevisionStatus.PENDING else "published"


def post_page(post: Post, viewer, *, home=None) -> dict:
    """A post's card with what only its page shows: the author's edit waiting, and to
    the author of a rejected post the rule it broke (the decision's notice names it)."""
    card = post_card(post, viewer, home=home)
    rejected = card["mine"] and post.status == Status.REJECTED
    return card | {
        "pending_edit": pending_edit(post, viewer),
        "rule_cited": hooks.rule_cited(post) if rejected else None,
    }


def pending_edits(user, limit: int = 100) -> list[dict]:
    """Edits of published posts waiting for a moderator, oldest first, each with its
    word diff against the text neighbors see now."""
    waiting = restrict(
        PostRevision.objects.filter(status=RevisionStatus.PENDING), user, REVIEW
    ).select_related("post")
    return [edit_diff(revision) for revision in waiting.order_by("created_at")[:limit]]


def edit_diff(revision: PostRevision) -> dict:
    """An edit beside the published text, word by word, as a moderator reads it."""
    post = revision.post
    return {
        "revision": revision,
        "post": post,
        "recategorized": revision.category != post.category,
        "title_diff": revisions.word_diff(post.title, revision.title),
        "body_diff": revisions.word_diff(post.body, revision.body),
        "description_diffs": _description_diffs(post, revision),
    }


def _description_diffs(post: Post, revision: PostRevision) -> list:
    published = {str(k): v for k, v in post.media.values_list("media_file_id", "description")}
    return [
        revisions.word_diff(published[key], text)
        for key, text in revision.descriptions.items()
        if key in published and published[key] != text
    ]


def media_by_post(posts) -> dict[int, list[PostMedia]]:
    grouped: dict[int, list[PostMedia]] = {post.pk: [] for post in posts}
    with_media = [post.pk for post in posts if post.media_count]
    if with_media:
        for item in PostMedia.objects.filter(post__in=with_media).select_related("media_file"):
            grouped[item.post_id].append(item)
    return grouped


def places_of(posts) -> dict[int, str]:
    """The place names of the posts' public cells, in one query."""
    return place_labels(place_cell(post.lat, post.lng) for post in posts)


def public_card(post: Post) -> dict:
    """The card as any neighbor (not the author) sees it: for the live channel."""
    return post_card(post, viewer=None)


def comments_for(user, post: Post) -> list[dict]:
    """The thread as the user sees it: published comments, and their own still waiting."""
    comments = restrict(post.comments.all(), user, READ)
    labels = {a.user_id: a.number for a in ThreadAlias.objects.filter(post=post)}
    return [comment_card(c, user, labels) for c in comments.order_by("created_at")]


def comment_card(comment: Comment, viewer, labels: dict[int, int] | None = None) -> dict:
    """A comment as the viewer sees it: by "You", or by its author's number in the thread."""
    if labels is None:
        aliases = ThreadAlias.objects.filter(post_id=comment.post_id, user_id=comment.author_id)
        labels = dict(aliases.values_list("user_id", "number"))
    if comment.author_id == viewer.pk:
        author = _("You")
    elif comment.author_left:
        author = str(FORMER_NEIGHBOR)
    else:
        number = labels.get(comment.author_id)
        author = neighbor_label(number) if number else _("A neighbor")
    return {
        "id": comment.pk,
        "body": comment.body,
        "author": author,
        "status": comment.status,
        "created_at": comment.created_at,
    }


PREVIEW_PERIOD = "month"
PREVIEW_CARDS = 3


@dataclass
class Preview:
    """What a resident will get in their circle: the last month's posts by category, and
    the newest few, as anyone there sees them."""

    counts: list[tuple[str, str, int]]  # (category, label, posts)
    total: int
    cards: list[dict]


def preview_for(user) -> Preview:
    """The preview shown after setting a home (the feed's own rules decide what counts)."""
    home = home_of(user) if can(user, READ) else None
    if home is None:
        return Preview([], 0, [])
    recent = published_posts(user, period=PREVIEW_PERIOD).only("lat", "lng", "category")
    tally = dict.fromkeys(Category.values, 0)
    for post in within_radius(recent, home.lat, home.lng, home.radius_m):
        tally[post.category] += 1
    text = card_text()
    counts = [(code, text.categories[code], n) for code, n in tally.items() if n]
    cards = feed_for(user, period=PREVIEW_PERIOD, limit=PREVIEW_CARDS).posts
    return Preview(counts, sum(tally.values()), cards)


def _map_posts(user, *, category, period, q):
    """What the map counts or draws: the feed's posts for the same filters and words."""
    posts = published_posts(user, category=category, period=period)
    return matching(posts, search_words(q)) if q else posts


def map_points_for(
    user, *, category=None, period=None, q: str = "", bbox=None, limit=MAP_LIMIT
) -> list[dict]:
    """Public points of the newest published posts inside the user's circle, newest first;
    with a bbox (south, west, north, east), only those whose public point is in that view."""
    home = home_of(user) if can(user, READ) else None
    if home is None:
        return []
    posts = _map_posts(user, category=category, period=period, q=q)
    if bbox is not None:
        south, west, north, east = bbox
        posts = posts.filter(lat__range=(south, north), lng__range=(west, east))
    found = newest_within(
        posts,
        home.lat,
        home.lng,
        home.radius_m,
        layer=tally_layer(category),
        limit=limit,
        time_field="published_at",
    )
    return [
        {
            "id": post.pk,
            "lat": post.lat,
            "lng": post.lng,
            "category": post.category,
            "title": post.title,
        }
        for post in found
    ]


def hexagon_resolution(zoom: int) -> int | None:
    """The H3 resolution whose hexagons read well at a map zoom; None: show points."""
    for below, resolution in MAP_HEXAGON_ZOOMS:
        if zoom < below:
            return resolution
    return None


def map_hexagons_for(
    user, *, resolution: int, category=None, period=None, q: str = ""
) -> list[dict]:
    """How many published posts of the user's circle fall in each H3 cell of a resolution.

    Decided on public points only (cell centres of ~100 m), grouped in the database by
    that point, so a count says nothing finer than where the public point is.
    """
    home = home_of(user) if can(user, READ) else None
    if home is None:
        return []
    posts = _map_posts(user, category=category, period=period, q=q)
    counts = count_by_cell(posts, home.lat, home.lng, home.radius_m, resolution=resolution)
    return [
        {"cell": h3_hex(cell), "count": count, "boundary": cell_outline(cell)}
        for cell, count in sorted(counts.items())
    ]


def map_data_for(user, *, zoom=None, category=None, period=None, q: str = "", bbox=None) -> dict:
    """What the map draws at a zoom: hexagon counts of the whole circle when zoomed out,
    the newest MAP_LIMIT points in view (`bbox`) when in, and whether there were more;
    with words in `q`, of the posts that hold them all, as the list under the map shows."""
    resolution = hexagon_resolution(zoom) if zoom is not None else None
    filters = {"category": category, "period": period, "q": q}
    if resolution is None:
        points = map_points_for(user, **filters, bbox=bbox, limit=MAP_LIMIT + 1)
        return {
            "resolution": None,
            "hexagons": [],
            "points": points[:MAP_LIMIT],
            "more": len(points) > MAP_LIMIT,
        }
    hexagons = map_hexagons_for(user, resolution=resolution, **filters)
    return {"resolution": resolution, "hexagons": hexagons, "points": [], "more": False}
