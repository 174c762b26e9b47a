"""Statutory guards as pure functions: what a BPMN path cannot express on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.domain import errors
from engine.statutes import guards

NOW = datetime(2026, 11, 2, 1, tzinfo=UTC)
MEETING = {"meeting_type": "standing", "members_total": 3, "members_present": 3, "decision_outcome": "adopt",
           "views": [{"member": "甲", "is_head": False, "position": "support"},
                     {"member": "县长", "is_head": True, "position": "support"}]}


def deliberate(before: dict) -> dict:
    return guards.run("major_decision", "deliberation", guards.Context(MEETING, before, NOW))


def test_md25b_only_the_exact_reviewed_draft_is_deliberated():
    reviewed = {"review_outcome": "lawful", "current_draft_sha256": "a" * 64, "reviewed_draft_sha256": "a" * 64}
    assert deliberate(reviewed) == {}
    with pytest.raises(errors.DraftChangedAfterReview) as refused:
        deliberate({**reviewed, "current_draft_sha256": "b" * 64})
    assert refused.value.rule == "MD-25b"


def test_md25b_review_records_the_draft_it_reviewed_and_revisions_replace_it():
    review = guards.run("major_decision", "legality_review",
                        guards.Context({"review_outcome": "lawful"}, {"current_draft_sha256": "c" * 64}, NOW))
    assert review["reviewed_draft_sha256"] == "c" * 64
    revised = guards.run("major_decision", "revision",
                         guards.Context({"revised_draft": {"sha256": "d" * 64}}, {}, NOW))
    assert revised == {"current_draft_sha256": "d" * 64}


def test_guards_of_one_statute_do_not_apply_to_another():
    assert guards.run(None, "deliberation", guards.Context({}, {}, NOW)) == {}
