"""docs/access.md is the enforced rules, written out: it must be current."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from commonwatch.core import policies
from commonwatch.web.access_doc import DOC_PATH, render


def test_the_committed_access_doc_is_current():
    call_command("access_doc", "--check")


def test_the_doc_names_every_action_and_staff_rule():
    text = render()
    for rule in policies.table():
        assert f"| `{rule.action}` | {rule.who} |" in text
    assert "| `moderation.moderate` | members of a moderation team" in text
    invite = (
        "| `/organizations/<slug:slug>/invite/` | `organizations:invite` | `organizations.manage` |"
    )
    assert invite in text
    assert "| `POST /posts/{post_id}/flags` | `community.write` |" in text


def test_a_changed_rule_makes_the_check_fail(monkeypatch):
    changed = policies.Policy("community.read", "everyone now", lambda user, obj: True)
    monkeypatch.setitem(policies.POLICIES, "community.read", changed)

    with pytest.raises(CommandError, match="stale"):
        call_command("access_doc", "--check")
    assert DOC_PATH.read_text() != render()
