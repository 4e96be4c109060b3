"""The public moderation log: counts per month and the rules cited, and never a person."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.closing import WhatTheyWrote
from commonwatch.community import services as community
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.moderation import selectors, services
from commonwatch.moderation.models import CheckStop, Decision, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(db):
    """One month of moderation: 2 published, 2 rejected (one appealed and granted), 1 flag."""
    mod = moderator()
    author = resident_at(*CENTER)
    kept = published(author)
    published(author)
    first = services.reject_post(
        moderator=mod, post=submit(author), reason="Names a neighbor.", rule=Rule.PRIVATE_INFO
    )
    services.reject_post(
        moderator=mod, post=submit(author), reason="Describes by race.", rule=Rule.PROFILING
    )
    appeal = services.appeal(author=author, post=first, statement="The name was mine.")
    services.decide_appeal(moderator=moderator(), appeal=appeal, grant=True, answer="Restored.")
    services.flag_post(user=resident_at(*CENTER), post=kept, reason=Rule.FALSE)
    return author


def test_the_log_counts_this_months_moderation(activity):
    log = selectors.moderation_log()
    month = log.months[0]
    assert month.month == timezone.localdate().replace(day=1)
    assert (month.published, month.rejected, month.flags) == (3, 2, 1)
    assert (month.appeals, month.granted, month.denied) == (1, 1, 0)
    # The granted appeal lifted the first step, so the second became a warning too.
    assert (month.warnings, month.pauses) == (2, 0)
    by_rule = {row.rule: (row.rejections, row.flags) for row in log.rules}
    assert by_rule[Rule.PRIVATE_INFO] == (1, 0)
    assert by_rule[Rule.PROFILING] == (1, 0)
    assert by_rule[Rule.FALSE] == (0, 1)


def test_an_appeal_granted_by_asking_for_an_edit_is_counted_in_its_own_column(client, db):
    """Three appeals granted with "ask for an edit" (three, so the count is shown): the
    log counts them, apart from those granted and published, on the page and the API."""
    mod, second = moderator(), moderator()
    for n in range(3):
        author = resident_at(*CENTER)
        post = services.reject_post(
            moderator=mod, post=submit(author), reason="A plate.", rule=Rule.PRIVATE_INFO
        )
        appeal = services.appeal(author=author, post=post, statement=f"Appeal {n}.")
        services.decide_appeal(
            moderator=second, appeal=appeal, grant=True, ask_for_edit=True, answer="Edit it."
        )

    month = selectors.moderation_log().months[0]
    api = client.get("/api/v1/moderation/log").json()["months"][0]
    page = client.get("/moderation/log/").content.decode()

    assert (month.appeals, month.granted, month.granted_edit_asked, month.denied) == (3, 0, 3, 0)
    assert (api["granted"], api["granted_edit_asked"], api["denied"]) == (0, 3, 0)
    assert '<th scope="col" role="columnheader">Granted, edit asked</th>' in page
    row = page.split('<tbody role="rowgroup">', 1)[1].split("</tr>", 1)[0]
    assert 'data-label="Granted">0</td>' in row
    assert 'data-label="Granted, edit asked">3</td>' in row
    assert "sent back to its author for an edit" in page


def test_visitors_read_the_log_without_names_or_reasons(client, activity):
    page = client.get("/moderation/log/").content.decode()
    assert "Moderation log" in page and "Shares private information" in page
    for private in (activity.email, "Names a neighbor.", "The name was mine.", "Restored."):
        assert private not in page
    api = client.get("/api/v1/moderation/log")
    assert api.status_code == 200
    assert api.json()["months"][0]["published"] == 3
    assert api.json()["months"][0]["denied"] == 0  # zero points at nobody
    assert activity.email not in api.content.decode()


def test_a_count_of_one_or_two_is_never_shown(client, activity):
    """DESIGN: counts of fewer than 3 are never shown; next to a post neighbors saw go,
    "1 rejected" or "1 posting paused" points at its author."""
    month = client.get("/api/v1/moderation/log").json()["months"][0]
    page = client.get("/moderation/log/").content.decode()

    assert (month["rejected"], month["flags"], month["appeals"]) == (None, None, None)
    row = page.split('<tbody role="rowgroup">', 1)[1].split("</tr>", 1)[0]
    assert row.count("fewer than 3") == 5
    assert 'data-label="Published">3</td>' in row and 'data-label="Posting paused">0</td>' in row


def test_an_empty_log_says_so(client, db):
    assert "Nothing to report yet." in client.get("/moderation/log/").content.decode()


def test_visitors_read_a_recent_count_without_recounting(activity, django_assert_num_queries):
    first = selectors.public_moderation_log()
    with django_assert_num_queries(0):
        again = selectors.public_moderation_log()
    assert again == first


def test_the_log_says_when_it_was_counted_so_a_decision_just_made_is_not_a_wrong_count(
    client, activity
):
    """A moderator checking the log after a decision reads an older count; the page
    says when it was counted and how often it is recounted."""
    page = client.get("/moderation/log/").content.decode()
    services.flag_post(user=resident_at(*CENTER), post=published(activity), reason=Rule.FALSE)

    again = client.get("/moderation/log/").content.decode()

    assert again == page, "recounted at most every few minutes"
    minutes = selectors.LOG_CACHE_SECONDS // 60
    assert f"and again every {minutes} minutes: the latest decisions may not be in" in page


def _refused(author, body: str) -> None:
    with pytest.raises(ValidationError):
        submit(author, title="Watch out", body=body)


def test_the_log_counts_what_the_automatic_checks_stopped_by_rule_and_no_more(client, db):
    author = resident_at(*CENTER)
    contact = "Call me at 303-555-0199 about it."
    for _n in range(selectors.STOPS_SHOWN_FROM):
        _refused(author, contact)
    _refused(author, "A black guy was around.")
    _refused(author, "x" * 5000)  # a length error breaks no rule
    post = published(author)
    with pytest.raises(ValidationError):
        community.add_comment(author=author, post=post, body="Mail me at someone@example.org")

    log = selectors.moderation_log()
    stopped = {row.rule: row.count for row in log.stopped}
    assert stopped == {Rule.PRIVATE_INFO: selectors.STOPS_SHOWN_FROM + 1, Rule.PROFILING: None}
    assert list(CheckStop.objects.values_list("rule", "count").order_by("rule")) == [
        (Rule.PRIVATE_INFO, selectors.STOPS_SHOWN_FROM + 1),
        (Rule.PROFILING, 1),
    ]
    page = client.get("/moderation/log/").content.decode()
    assert f"fewer than {selectors.STOPS_SHOWN_FROM}" in page
    assert "303-555-0199" not in page and author.email not in page
    api = client.get("/api/v1/moderation/log").json()
    assert {row["rule"]: row["count"] for row in api["stopped"]} == {
        "private_info": selectors.STOPS_SHOWN_FROM + 1,
        "profiling": None,
    }
    assert api["stops_shown_from"] == selectors.STOPS_SHOWN_FROM


def test_the_log_page_shows_the_check_stops_once_and_keeps_its_title_plain(client, db):
    page = client.get("/moderation/log/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Moderation log" in title
    assert page.count('id="automatic-checks"') == 1


def test_a_moderator_leaving_changes_neither_the_logs_past_nor_who_decided(client, db):
    """Closing a moderator's account removes their address from their decisions; their
    decisions must not turn into the flags' own (counted apart in the public log)."""
    mod, author = moderator(), resident_at(*CENTER)
    kept = published(author, moderator_user=mod)
    services.requeue_post(moderator=mod, post=kept, reason="A second look.")
    before = selectors.moderation_log().months[0]

    accounts.delete_account(user=mod, what_they_wrote=WhatTheyWrote.KEEP)

    after = selectors.moderation_log().months[0]
    assert after.sent_back_by_flags == before.sent_back_by_flags == 0
    names = set(Decision.objects.values_list("moderator_name", flat=True))
    assert names == {services.FORMER_MODERATOR} and mod.email not in names
