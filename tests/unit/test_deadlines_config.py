"""Deadlines the law leaves open, configured per step kind; where a deadline stands."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import deadlines
from engine.clock import CST


def test_step_deadlines_parse_working_and_calendar_days():
    assert deadlines.parse_limits("expert_argumentation=15w, publication=20d") == {
        "expert_argumentation": "15w", "publication": "20d"}
    for bad in ("publication", "publication=20", "=3w", "publication=xw"):
        with pytest.raises(ValueError, match="DECISIONFLOW_STEP_DEADLINES"):
            deadlines.parse_limits(bad)


def test_configured_limit_applies_only_where_the_bpmn_declares_none():
    opened = datetime(2026, 9, 28, 10, tzinfo=CST)  # Monday before the National Day week
    due = deadlines.due_at({}, {}, opened, "5w")
    assert due == datetime(2026, 10, 11, 0, 0, tzinfo=CST)  # 29, 30 Sep, 8, 9 and Saturday 10 Oct (adjusted)
    # the BPMN's own limit wins: 3 days end on 1 Oct, a holiday, so the next working day (8 Oct)
    assert deadlines.due_at({"due_days": "3"}, {}, opened, "5w") == datetime(2026, 10, 9, 0, 0, tzinfo=CST)


def test_state_is_due_soon_two_working_days_before_and_overdue_after_the_last_day():
    due = datetime(2026, 11, 27, 0, 0, tzinfo=CST)  # last day Thursday 26 Nov
    assert deadlines.state(due, datetime(2026, 11, 20, 9, tzinfo=CST)) == "ok"
    assert deadlines.state(due, datetime(2026, 11, 24, 9, tzinfo=CST)) == "due_soon"
    assert deadlines.state(due, datetime(2026, 11, 26, 23, tzinfo=CST)) == "due_soon"
    assert deadlines.state(due, datetime(2026, 11, 27, 9, tzinfo=CST)) == "overdue"
    assert deadlines.working_days_overdue(due, datetime(2026, 11, 30, 9, tzinfo=CST)) == 2  # Fri 27, Mon 30
    assert deadlines.state(None, datetime(2026, 11, 27, tzinfo=CST)) is None
