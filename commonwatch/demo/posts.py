"""Seeding the demo city's feed: posts over 90 days, comments, a queue, some flags, and a
moderation history (rejections citing rules, penalties, appeals) for the public log."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from commonwatch.accounts.models import Home, User
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Category, Comment, Post, Status, ThreadAlias
from commonwatch.community.services import rebuild_post_tallies
from commonwatch.geo.cells import cell_center
from commonwatch.geo.models import PlaceLabel
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import forget_place_labels, within_radius
from commonwatch.moderation.models import (
    Action,
    Appeal,
    AppealStatus,
    Decision,
    Flag,
    Penalty,
    Rule,
)
from commonwatch.moderation.penalties import PAUSES, STEPS_COUNT_FOR
from commonwatch.moderation.trust import ESTABLISHED_FLAGS_TO_HIDE, established_accounts
from commonwatch.notifications.services import notify
from commonwatch.organizations.models import Kind

from .city import offset
from .geocoder import DemoGeocoder
from .photos import seed_photos
from .stories import COMMENTS, story

PENDING_POSTS = 40
REQUEUED_POSTS = 8
FLAGGED_POSTS = 25
REJECTED_SHARE = 0.015
APPEALED_SHARE = 0.15
RECENT_APPEALS = timedelta(days=7)
READERS_POST_AGE = timedelta(days=45)
REJECTION_NOTES = {
    Rule.PROFILING: "Describe what the person did and wore, not who they are.",
    Rule.PRIVATE_INFO: "Please leave out the plate number and the house number.",
    Rule.FALSE: "Police confirmed this did not happen as described.",
    Rule.HARASSMENT: "Please keep it about what happened, not about a neighbor.",
    Rule.OFF_TOPIC: "This fits a buy-and-sell group better than the safety feed.",
    Rule.OTHER: "Posted twice: the other post stays up.",
}
BATCH = 2000


def seed_posts(*, count: int, residents_domain: str, reader) -> int:
    """Top the demo feed up to `count` posts; returns how many were added."""
    existing = Post.objects.filter(author__email__endswith=residents_domain).count()
    if existing >= count:
        return 0
    if existing == 0:
        existing = _readers_own_post(reader, timezone.now())
    rng = random.Random(90 + existing)
    homes = list(
        Home.objects.filter(user__email__startswith="resident0").values_list(
            "user_id", "lat", "lng"
        )
    )
    now = timezone.now()
    added = count - existing
    with tqdm(total=added, desc="Posts and comments", unit="post") as bar:
        for start in range(0, added, BATCH):
            size = min(BATCH, added - start)
            _seed_batch(rng, homes, now, size, pending=max(0, PENDING_POSTS - existing - start))
            bar.update(size)
    # The history first: a penalty it gives would take a flagger's standing after the fact.
    _moderation_history(rng, spared=reader)
    _flag_some(rng, homes)
    rebuild_post_tallies()
    label_places()
    seed_photos(reader)
    _unread_for(reader, now)
    return added


def _readers_own_post(reader, now) -> int:
    """The demo resident once lost their cat and found her. The post, resolved, shows
    "You" and "Found" on their own card, and makes them an established neighbor
    (moderation.trust) with an established account's posting pace."""
    home = Home.objects.filter(user=reader).first()
    if home is None:
        return 0
    posted = now - READERS_POST_AGE
    post = Post(
        author=reader,
        category=Category.LOST_PET,
        title="Lost grey cat",
        body="Grey tabby named Miso, green collar, very shy. Please check sheds.",
        status=Status.PUBLISHED,
        created_at=posted,
        occurred_at=posted,
        published_at=posted + timedelta(minutes=12),
        resolved_at=posted + timedelta(days=2),
    )
    post.place(*offset(home.lat, home.lng, 60, -40))
    post.save()
    ThreadAlias.objects.create(post=post, user=reader, number=1)
    return 1


def label_places() -> int:
    """Name the cell of every published post from the demo streets, at once: the demo's
    geocoder is local, so the seed need not queue thousands of look-ups."""
    points = Post.objects.filter(status=Status.PUBLISHED).values_list("lat", "lng").distinct()
    cells = {place_cell(lat, lng) for lat, lng in points.iterator()}
    cells -= set(PlaceLabel.objects.values_list("cell", flat=True))
    geocoder = DemoGeocoder()
    labels = [
        PlaceLabel(cell=cell, label=geocoder.reverse(*cell_center(cell)) or "", geocoder="demo")
        for cell in cells
    ]
    PlaceLabel.objects.bulk_create(labels, batch_size=2000, ignore_conflicts=True)
    forget_place_labels(*cells)
    return len(labels)


def _seed_batch(rng, homes, now, size: int, pending: int) -> None:
    posts = []
    for i in range(size):
        user_id, lat, lng = rng.choice(homes)
        distance, bearing = rng.uniform(0, 400), rng.uniform(0, 2 * math.pi)
        lat, lng = offset(lat, lng, distance * math.cos(bearing), distance * math.sin(bearing))
        category, title, body = story(rng)
        is_pending = i < pending
        created = now - timedelta(
            minutes=rng.uniform(1, 60) if is_pending else rng.uniform(30, 90 * 24 * 60)
        )
        post = Post(
            author_id=user_id,
            category=category,
            title=title,
            body=body,
            status=Status.PENDING if is_pending else Status.PUBLISHED,
            created_at=created,
            published_at=None if is_pending else created + timedelta(minutes=rng.uniform(2, 25)),
        )
        post.place(lat, lng)
        posts.append(post)
    with transaction.atomic():
        posts = Post.objects.bulk_create(posts)
        ThreadAlias.objects.bulk_create(
            [ThreadAlias(post=p, user_id=p.author_id, number=1) for p in posts]
        )
        _comment_on(rng, homes, [p for p in posts if p.status == Status.PUBLISHED])


def _comment_on(rng, homes, posts) -> None:
    """A third of the posts get a few neighbors' comments, numbered #2, #3 … by time."""
    comments, aliases, now = [], [], _just_now()
    for post in posts:
        if rng.random() > 0.35:
            continue
        commenters = {rng.choice(homes)[0] for _ in range(rng.randint(1, 3))} - {post.author_id}
        # Within ten hours of the post, and never after now: a fresh post's talk is fresh.
        span = min(timedelta(hours=10), max(now - post.published_at, timedelta(0)))
        times = sorted(post.published_at + span * rng.uniform(0.01, 1) for _ in commenters)
        for number, (user_id, when) in enumerate(zip(sorted(commenters), times, strict=True), 2):
            aliases.append(ThreadAlias(post=post, user_id=user_id, number=number))
            comments.append(
                Comment(
                    post=post,
                    author_id=user_id,
                    body=rng.choice(COMMENTS),
                    status=Status.PUBLISHED,
                    created_at=when,
                    published_at=when,
                )
            )
    ThreadAlias.objects.bulk_create(aliases, ignore_conflicts=True)
    Comment.objects.bulk_create(comments)
    per_post = Counter(c.post_id for c in comments)
    for post in posts:
        post.comment_count = per_post[post.pk]
    Post.objects.bulk_update([p for p in posts if p.comment_count], ["comment_count"])


def _flag_some(rng, homes) -> None:
    """A few flagged posts (below the threshold) and a few sent back to the queue by flags."""
    recent = list(Post.objects.filter(status=Status.PUBLISHED).order_by("-published_at")[:200])
    chosen = rng.sample(recent, min(len(recent), FLAGGED_POSTS + REQUEUED_POSTS))
    # Only established neighbors' flags take a post off the feed (moderation.trust).
    established = sorted(
        established_accounts().filter(pk__in=[h[0] for h in homes]).values_list("pk", flat=True)
    )
    for index, post in enumerate(chosen):
        if index < REQUEUED_POSTS:
            flaggers = set(rng.sample(established, ESTABLISHED_FLAGS_TO_HIDE + 1))
        else:
            flaggers = {rng.choice(homes)[0]}
        flaggers.discard(post.author_id)
        Flag.objects.bulk_create(
            [Flag(post=post, user_id=u, reason=rng.choice(Rule.values)) for u in flaggers],
            ignore_conflicts=True,
        )
        if index < REQUEUED_POSTS:
            post.status = Status.PENDING
            post.save(update_fields=["status"])
            Decision.objects.create(
                post=post, action=Action.REQUEUE, reason=f"Flagged by {len(flaggers)} neighbors."
            )


def _moderation_history(rng, spared) -> None:
    """Rejections over the 90 days, each citing a rule and taking its author a step up the
    penalty ladder; some appealed (granted, denied, or still open for the moderator). The
    demo resident (spared) keeps a clean record."""
    mod = (
        User.objects.filter(
            memberships__organization__kind=Kind.MODERATION, memberships__revoked_at=None
        )
        .order_by("pk")
        .first()
    )
    published = list(
        Post.objects.filter(status=Status.PUBLISHED).exclude(author=spared).order_by("published_at")
    )
    chosen = sorted(
        rng.sample(published, int(len(published) * REJECTED_SHARE)), key=lambda p: p.published_at
    )
    steps: dict[int, list] = {}
    for post in chosen:
        rule = rng.choice(list(REJECTION_NOTES))
        when = min(post.published_at + timedelta(hours=rng.uniform(1, 30)), _just_now())
        post.status, post.moderation_note = Status.REJECTED, REJECTION_NOTES[rule]
        post.save(update_fields=["status", "moderation_note"])
        decision = _decided(post, mod, Action.REJECT, REJECTION_NOTES[rule], when, rule=rule)
        history = [t for t in steps.get(post.author_id, []) if when - t < STEPS_COUNT_FOR]
        pause = PAUSES[min(len(history) + 1, len(PAUSES)) - 1]
        penalty = Penalty.objects.create(
            user_id=post.author_id,
            decision=decision,
            step=len(history) + 1,
            posting_until=when + pause if pause else None,
        )
        Penalty.objects.filter(pk=penalty.pk).update(created_at=when)
        steps[post.author_id] = [*history, when]
        if rng.random() < APPEALED_SHARE:
            _appealed(rng, post, mod, penalty, when)


def _appealed(rng, post, mod, penalty, rejected_at) -> None:
    asked = min(rejected_at + timedelta(hours=rng.uniform(1, 24)), _just_now())
    appeal = Appeal.objects.create(
        rejection=penalty.decision,
        author_id=post.author_id,
        statement="I was describing what I saw myself.",
    )
    if asked > timezone.now() - RECENT_APPEALS:  # the moderator has not got to these yet
        Appeal.objects.filter(pk=appeal.pk).update(created_at=asked)
        return
    decided = min(asked + timedelta(hours=rng.uniform(2, 48)), _just_now())
    grant = rng.random() < 0.4
    answer = "Fair point: it is back up." if grant else "The rule holds; please post it again."
    Appeal.objects.filter(pk=appeal.pk).update(
        created_at=asked,
        status=AppealStatus.GRANTED if grant else AppealStatus.DENIED,
        answer=answer,
        decided_at=decided,
    )
    _decided(post, mod, Action.GRANT_APPEAL if grant else Action.DENY_APPEAL, answer, decided)
    if grant:
        Penalty.objects.filter(pk=penalty.pk).update(lifted_at=decided)
        post.status, post.moderation_note = Status.PUBLISHED, ""
        post.save(update_fields=["status", "moderation_note"])


def _just_now():
    """The latest a seeded decision may be dated: history, never the future."""
    return timezone.now() - timedelta(minutes=1)


def _decided(post, mod, action, reason, when, rule="") -> Decision:
    """A decision dated in the past (created_at is set on insert, so it is moved after)."""
    decision = Decision.objects.create(
        post=post,
        moderator=mod,
        moderator_name=mod.email if mod else "",
        action=action,
        rule=rule,
        reason=reason,
    )
    Decision.objects.filter(pk=decision.pk).update(created_at=when)
    return decision


def _unread_for(reader, now) -> None:
    """The demo resident comes back to a few unread alerts from the last two days."""
    home = Home.objects.filter(user=reader).first()
    if home is None:
        return
    recent = Post.objects.filter(status=Status.PUBLISHED, published_at__gte=now - timedelta(days=2))
    near = within_radius(recent, home.lat, home.lng, home.radius_m)
    for post in near:
        notify(kind=POST_ALERT, subject_id=post.pk, recipient_ids=[reader.pk])
