"""One database's side of the feed benchmark: the feed queries and the offline fan-out.

Runs in a process whose default database is the one under test. The clock is
frozen at the data's END (django.utils.timezone.now), so the feed is read the
moment the 90 days of posts end, whenever the benchmark is run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonwatch.accounts.backends import ResidentAuthenticationBackend
from commonwatch.accounts.models import Home
from commonwatch.community import tasks
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Post, tally_layer
from commonwatch.community.selectors import feed_for, published_posts
from commonwatch.geo.cells import cells_covering_circle
from commonwatch.geo.selectors import circles_covering, time_windows
from commonwatch.geo.selectors import newest_within as project_newest_within
from commonwatch.notifications.models import Notification
from commonwatch.notifications.services import notify

from .data import END
from .feed_data import CATEGORIES, READER_RADII_MI, FeedData
from .worker import WARMUP, _index_names, reads_cells, server_settings, time_methods

LIMIT = 50
EXPLAIN_SAMPLE = 10
OFFLINE_REPEATS = 3

POINT_SQL = "ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326)::geography"
FEED_SQL = f"""SELECT id FROM pg_post
    WHERE status = 'published' AND ST_DWithin(geog, {POINT_SQL}, %(radius)s, false)
      {{category}} {{window}}
    ORDER BY published_at DESC, id DESC LIMIT %(limit)s"""


# --- the methods under test --------------------------------------------------------------


def method_feed(user, home, category) -> list[int]:
    """The project's feed, exactly as a view calls it (the home read from the user, cards built)."""
    return [card["id"] for card in feed_for(user, category=category, limit=LIMIT).posts]


def method_newest(user, home, category) -> list[int]:
    """The bare geo part of feed_for: the same newest_within call, no cards."""
    found = project_newest_within(
        published_posts(user, category=category),
        home.lat,
        home.lng,
        home.radius_m,
        layer=tally_layer(category),
        limit=LIMIT + 1,  # feed_for asks for one more, to know if there is a next page
        time_field="published_at",
    )
    return [post.pk for post in found[:LIMIT]]


def _postgis(home, category, cutoff) -> list[int]:
    params = {"lat": home.lat, "lng": home.lng, "radius": home.radius_m, "limit": LIMIT}
    sql = FEED_SQL.format(
        category="AND category = %(category)s" if category else "",
        window="AND published_at >= %(cutoff)s" if cutoff else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "category": category, "cutoff": cutoff})
        return [pk for (pk,) in cursor.fetchall()]


def method_postgis(user, home, category) -> list[int]:
    return _postgis(home, category, None)


def method_postgis_window(user, home, category) -> list[int]:
    """Time windows as the project's (time_windows: sized by its tallies, widened ×4)."""
    cells = cells_covering_circle(home.lat, home.lng, home.radius_m)
    layer = tally_layer(category)
    for window in time_windows(layer, cells, home.radius_m, LIMIT, END, connection.alias):
        rows = _postgis(home, category, END - window if window is not None else None)
        if len(rows) >= LIMIT:
            break
    return rows


# --- timing ------------------------------------------------------------------------------


def _explain(call: Callable, table: str) -> dict[str, int]:
    """Index names (PostgreSQL) or plan lines (SQLite) of the queries a call runs."""
    with CaptureQueriesContext(connection) as captured:
        call()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if table not in query["sql"] or not reads_cells(query["sql"]):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                found = _index_names(plan[0]["Plan"]) or {"(no index)"}
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                found = {row[-1] for row in cursor.fetchall() if table in row[-1]}
            for name in found:
                counts[name] = counts.get(name, 0) + 1
    return counts


def run_feed(feed: FeedData, log=print) -> dict:
    postgres = connection.vendor == "postgresql"
    methods = {"feed": method_feed, "newest": method_newest}
    if postgres:
        methods |= {"postgis": method_postgis, "postgis_window": method_postgis_window}
    out: dict = {"vendor": connection.vendor, "feed": {}, "explain": {}}
    table = Post._meta.db_table
    for radius_mi, user_ids in zip(READER_RADII_MI, feed.readers.tolist(), strict=True):
        # Each reader as a request sees them: loaded by the auth backend, with their home.
        users = [ResidentAuthenticationBackend().get_user(i) for i in user_ids]
        readers = [(user, user.home) for user in users]
        for filtered in (False, True):
            # With a filter, the queries cycle through the six categories.
            args = [
                (user, home, CATEGORIES[n % len(CATEGORIES)] if filtered else None)
                for n, (user, home) in enumerate(readers)
            ]
            case = f"{radius_mi} mi{' + category' if filtered else ''}"
            started = time.perf_counter()
            out["feed"][case] = time_methods(methods, args)
            log(f"{connection.vendor}: {case}: {time.perf_counter() - started:.1f} s")
            counts: dict[str, int] = {}
            for sample in args[WARMUP : WARMUP + EXPLAIN_SAMPLE]:
                found = _explain(lambda s=sample: method_feed(*s), table)
                for index, n in found.items():
                    counts[index] = counts.get(index, 0) + n
            out["explain"][case] = counts
    out["loadavg"] = os.getloadavg()
    out["server"] = server_settings()
    return out


# --- offline fan-out ---------------------------------------------------------------------


def run_offline(feed: FeedData, log=print) -> dict:
    post = Post.objects.get(pk=feed.hub_post_id)
    homes = Home.objects.all()
    out: dict = {"vendor": connection.vendor, "repeats": [], "loadavg_start": os.getloadavg()}
    alerts = Notification.objects.filter(kind=POST_ALERT, subject_id=post.pk)
    alerts.delete()
    for repeat in range(OFFLINE_REPEATS):
        cells_covering_circle.cache_clear()
        started = time.perf_counter()
        recipients = list(circles_covering(homes, post.lat, post.lng, id_field="user_id"))
        stream_s = time.perf_counter() - started

        started = time.perf_counter()
        reached = tasks.queue_alerts.call(post_id=post.pk)
        task_s = time.perf_counter() - started
        stored = alerts.count()
        stored_users = set(alerts.values_list("recipient_id", flat=True))

        alerts.delete()
        started = time.perf_counter()
        batch = [u for u in recipients if u != post.author_id]
        for start in range(0, len(batch), tasks.ALERT_BATCH):
            notify(
                kind=POST_ALERT,
                subject_id=post.pk,
                recipient_ids=batch[start : start + tasks.ALERT_BATCH],
            )
        insert_s = time.perf_counter() - started
        alerts.delete()
        out["repeats"].append(
            {
                "queue_alerts_s": task_s,
                "stream_s": stream_s,
                "insert_s": insert_s,
                "reached": reached,
                "stored": stored,
                "stream_rows": len(recipients),
                "same_set": stored_users == set(recipients) - {post.author_id},
            }
        )
        log(
            f"{connection.vendor}: offline #{repeat + 1}: queue_alerts {task_s:.2f} s "
            f"(stream {stream_s:.2f} s, inserts {insert_s:.2f} s), {stored:,} alerts"
        )
    table = Home._meta.db_table
    out["explain"] = _explain(
        lambda: list(circles_covering(homes, post.lat, post.lng, id_field="user_id")),
        table,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        out["homes_total"] = cursor.fetchone()[0]
    out["loadavg"] = os.getloadavg()
    return out


def run(feed: FeedData, phase: str, log=print) -> dict:
    with mock.patch.object(timezone, "now", lambda: END):
        return run_feed(feed, log) if phase == "feed" else run_offline(feed, log)
