"""Where feed_for's time goes, and what the proposed fixes save (after a full feed_bench run).

    .venv/bin/python bench/feed_experiments.py --db sqlite|postgres [--queries 100]

Same readers as the benchmark, no category filter, cold cell cache per method.
Variants (bench-only re-implementations, not the project's code):
- newest: newest_within alone (limit 51), as in the benchmark;
- newest+media: the same on feed_for's queryset (prefetch_related("media"));
- labels: feed_for with get_category_display replaced by a dict lookup;
- fixed: feed_for with the dict lookup and media fetched with one query into a dict
  (no prefetch_related, which builds a related queryset per post).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() after start-up")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench import feed_bench

    bench_args = argparse.Namespace(
        points=feed_bench.POINTS, homes=feed_bench.HOMES, queries=300, clients=10_000
    )
    bench_args.covering = 100_000
    os.environ.update(feed_bench._db_env(args.db, bench_args))
    import django

    django.setup()
    from django.utils import timezone

    from bench.data import END
    from bench.feed_data import READER_RADII_MI
    from commonwatch.accounts.models import Home, User
    from commonwatch.community import selectors
    from commonwatch.community.models import Category, Post, PostMedia
    from commonwatch.geo.cells import cells_covering_circle
    from commonwatch.geo.selectors import newest_within

    _geo, feed = feed_bench._data(bench_args)
    if args.gc_freeze:  # start-up objects out of the collector's way, as a server could do
        gc.collect()
        gc.freeze()
    labels = {value: str(label) for value, label in Category.choices}

    def newest(user, home, prefetch):
        posts = selectors.published_posts()
        if prefetch:
            posts = posts.prefetch_related("media")
        return newest_within(
            posts, home.lat, home.lng, home.radius_m, layer="post", limit=51,
            time_field="published_at",
        )  # fmt: skip

    def fixed(user, home):
        page = newest(user, home, prefetch=False)[:50]
        media = defaultdict(list)
        for item in PostMedia.objects.filter(post_id__in=[p.pk for p in page]):
            media[item.post_id].append(item)
        counts = selectors.comment_counts(page)
        for post in page:
            post._prefetched_objects_cache = {"media": media[post.pk]}
        return [selectors.post_card(p, user, counts.get(p.pk, 0)) for p in page]

    methods = {
        "feed_for": lambda u, h: selectors.feed_for(u, limit=50),
        "newest": lambda u, h: newest(u, h, prefetch=False),
        "newest+media": lambda u, h: newest(u, h, prefetch=True),
        "feed_for, dict labels": lambda u, h: selectors.feed_for(u, limit=50),
        "fixed (dict labels, one media query)": fixed,
    }
    print(f"{args.db}, {args.queries} queries per radius, gc.freeze {args.gc_freeze}, ")
    print(f"load avg {os.getloadavg()}, objects tracked by gc {len(gc.get_objects()):,}")
    print("| method | " + " | ".join(f"{r} mi p50 / p99 (ms)" for r in READER_RADII_MI) + " |")
    print("|---" * (len(READER_RADII_MI) + 1) + "|")
    with mock.patch.object(timezone, "now", lambda: END):
        for name, fn in methods.items():
            patch = mock.patch.object(
                Post, "get_category_display", lambda self: labels[self.category]
            )
            cells = []
            with patch if "dict" in name else contextlib.nullcontext():
                for user_ids in feed.readers.tolist():
                    ids = user_ids[20 : 20 + args.queries]
                    users = User.objects.in_bulk(ids)
                    homes = {h.user_id: h for h in Home.objects.filter(user_id__in=ids)}
                    cells_covering_circle.cache_clear()
                    times = []
                    for i in ids:
                        started = time.perf_counter()
                        fn(users[i], homes[i])
                        times.append(1000 * (time.perf_counter() - started))
                    cells.append(f"{np.percentile(times, 50):.2f} / {np.percentile(times, 99):.2f}")
            print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"load avg after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
