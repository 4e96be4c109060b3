"""What the audit trail records, written with the change itself."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import Role
from commonwatch.accounts.tests.factories import PASSWORD, sign_in
from commonwatch.audit.models import AuditEntry
from commonwatch.audit.selectors import verify_chain
from commonwatch.community import services as community
from commonwatch.community.tests.factories import CENTER, moderator, resident_at, submit
from commonwatch.moderation import services as moderation
from commonwatch.moderation.models import Penalty
from commonwatch.moderation.tests.factories import established_neighbor

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


def test_moderation_decisions_penalties_and_appeals_are_recorded():
    author, mod, second = resident_at(*CENTER), moderator(), moderator()
    assert actions() == ["organizations.membership.granted"] * 2
    post = submit(author)
    moderation.reject_post(moderator=mod, post=post, reason="Not so.", rule="false")
    appeal = moderation.appeal(author=author, post=post, statement="It was.")
    moderation.decide_appeal(moderator=second, appeal=appeal, grant=True, answer="Restored.")

    assert actions()[2:] == [
        "moderation.post.rejected",
        "moderation.appeal.filed",
        "moderation.penalty.lifted",
        "moderation.post.appeal_granted",
    ]
    rejected = AuditEntry.objects.get(action="moderation.post.rejected")
    assert (rejected.actor_id, rejected.actor_role, rejected.target_type, rejected.target_id) == (
        mod.pk,
        "moderator",
        "community.post",
        str(post.pk),
    )
    penalty = Penalty.objects.get(decision__post=post)
    assert rejected.data == {
        "decision": penalty.decision_id,
        "rule": "false",
        "penalty": penalty.pk,
        "step": 1,
        "pause_days": 0,
    }
    assert verify_chain() == (6, None)


def test_flags_that_send_a_post_back_are_recorded_as_the_flags_doing():
    author, mod = resident_at(*CENTER), moderator()
    post = submit(author)
    moderation.approve_post(moderator=mod, post=post)
    for _n in range(3):
        moderation.flag_post(user=established_neighbor(mod), post=post, reason="false")

    requeued = AuditEntry.objects.get(action="moderation.post.requeued")
    assert (requeued.actor_id, requeued.actor_role) == (None, "flags")


def test_an_edit_that_withdraws_an_appeal_records_the_withdrawal():
    author, mod = resident_at(*CENTER), moderator()
    post = moderation.reject_post(moderator=mod, post=submit(author), reason="No.", rule="false")
    moderation.appeal(author=author, post=post, statement="Yes.")

    community.edit_post(author=author, post=post, title="New", body="Better.", category="safety")

    assert actions()[-2:] == ["moderation.appeal.withdrawn", "community.post.resubmitted"]


def test_tokens_sign_ins_role_changes_and_deletions_are_recorded(client, resident, cast):
    token, _raw = accounts.create_api_token(user=resident, name="script")
    accounts.revoke_api_token(user=resident, token_id=token.pk)
    operator = cast["operator"]
    sign_in(client, operator)
    client.post(
        reverse("admin:accounts_user_change", args=[resident.pk]),
        {"role": Role.OPERATOR, "is_active": "on"},
    )
    client.logout()
    client.post(reverse("account_login"), {"login": resident.email, "password": PASSWORD})
    accounts.delete_account(user=resident)

    recorded = actions()
    for expected in (
        "accounts.token.created",
        "accounts.token.revoked",
        "accounts.access.changed",
        "accounts.account.deleted",
    ):
        assert expected in recorded
    change = AuditEntry.objects.get(action="accounts.access.changed")
    assert change.actor_id == operator.pk
    assert change.data == {
        "before": {"role": "resident", "is_active": True},
        "after": {"role": "operator", "is_active": True},
    }


def test_a_staff_sign_in_is_recorded(client, cast):
    officer = cast["officer_a"]
    before = len(actions())

    client.force_login(officer)

    assert actions()[before:] == ["accounts.staff.signed_in"]
    assert AuditEntry.objects.order_by("sequence").last().actor_id == officer.pk


def test_a_decision_that_fails_leaves_no_entry():
    author, mod = resident_at(*CENTER), moderator()
    post = submit(author)

    before = actions()

    with pytest.raises(RuntimeError), transaction.atomic():
        moderation.approve_post(moderator=mod, post=post)
        raise RuntimeError("the request failed after the decision")

    assert actions() == before
