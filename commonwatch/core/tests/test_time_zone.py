"""Times show as the reader's clock does once their browser has said its time zone; what
everyone reads alike (the public moderation log) keeps the site's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.core.time_zone import TIME_ZONE_COOKIE, zone_named
from commonwatch.moderation.models import CheckStop, Rule
from commonwatch.moderation.services import record_check_stops

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")


def shown_as(moment: datetime, zone) -> str:
    with timezone.override(zone):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@pytest.fixture
def post_page(client, settings):
    settings.TIME_ZONE = "UTC"
    yesterday = timezone.now().astimezone(UTC) - timedelta(days=1)
    happened = yesterday.replace(hour=18, minute=0, second=0, microsecond=0)
    post = published(resident_at(*CENTER), occurred_at=happened)
    sign_in(client, resident_at(*CENTER))

    def read(cookie: str | None = None) -> str:
        if cookie is not None:
            client.cookies[TIME_ZONE_COOKIE] = cookie
        return client.get(reverse("community:post", args=[post.pk])).content.decode()

    return read, happened


def test_a_post_says_when_it_happened_in_the_readers_time_zone(post_page):
    read, happened = post_page
    assert shown_as(happened, DENVER) != shown_as(happened, UTC)

    assert f"Happened {shown_as(happened, UTC)}" in read()
    assert f"Happened {shown_as(happened, DENVER)}" in read("America/Denver")


@pytest.mark.parametrize(
    "cookie", ["Mars/Olympus", "../../../etc/passwd", "", "utc\x00", "x" * 300]
)
def test_a_cookie_that_names_no_time_zone_leaves_the_sites(post_page, cookie):
    read, happened = post_page
    assert f"Happened {shown_as(happened, UTC)}" in read(cookie)
    assert zone_named(cookie) is None


def test_the_automatic_checks_count_in_the_sites_month_whoever_writes(settings, monkeypatch):
    settings.TIME_ZONE = "UTC"
    # Already December in the site's zone (UTC), still November in Denver.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 1, 3, tzinfo=UTC))
    with timezone.override(DENVER):
        record_check_stops([Rule.PRIVATE_INFO])

    assert CheckStop.objects.get().month.isoformat() == "2026-12-01"
