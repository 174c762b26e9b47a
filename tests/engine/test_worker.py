"""The timer pass: every due timer fires once, in due order; a second pass fires nothing."""

from __future__ import annotations

from engine.worker import fire_due
from tests.processes.md_scenario import MajorDecision


def test_md14_fire_due_closes_the_comment_window_once_when_its_thirty_days_have_run(engine, clock):
    md = MajorDecision.start(engine, clock)
    md.to_open_comment()
    clock.advance(days=29)
    assert fire_due(engine) == 0
    clock.advance(days=2)
    assert fire_due(engine) == 1
    assert fire_due(engine) == 0
    fired = [e for e in engine.history.events(md.procedure_id) if e.kind == "timer_fired"]
    assert len(fired) == 1
    assert {i.spec for i in engine.procedures.get(md.procedure_id).open_items} == {"summarise_opinions"}


def test_md15b_md26b_periods_across_the_national_day_week_fire_and_fall_due_on_the_right_days(engine, clock):
    """regulation.md §8: the comment period counts calendar days; the review counts working days,
    skipping Mid-Autumn (25 Sep) and National Day (1–7 Oct) and counting Saturday 10 Oct (调休)."""
    from datetime import datetime

    from engine import deadlines
    from engine.clock import CST

    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=CST))
    md = MajorDecision.start(engine, clock)
    md.to_open_comment()  # published 2026-08-20 (+ the steps' hours): 30 calendar days
    clock.set(datetime(2026, 9, 19, 8, 0, tzinfo=CST))
    assert fire_due(engine) == 0  # day 30 has begun, the period not yet run
    clock.set(datetime(2026, 9, 19, 9, 1, tzinfo=CST))
    assert fire_due(engine) == 1  # day 30: the period ends; the summary can be made after 24:00
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))
    md.wake()
    md.summarise()
    md.submit_for_review()  # materials complete Wednesday 2026-09-23
    [item] = engine.procedures.get(md.procedure_id).open_items
    assert item.due_at == datetime(2026, 10, 11, 0, 0, tzinfo=CST)  # last day Saturday 2026-10-10 (调休)
    assert deadlines.state(item.due_at, datetime(2026, 9, 30, 9, tzinfo=CST)) == "ok"
    assert deadlines.state(item.due_at, datetime(2026, 10, 7, 9, tzinfo=CST)) == "ok"  # 8, 9, 10 Oct still to work
    assert deadlines.state(item.due_at, datetime(2026, 10, 8, 9, tzinfo=CST)) == "due_soon"  # 9 and 10 Oct left
    assert deadlines.state(item.due_at, datetime(2026, 10, 10, 23, tzinfo=CST)) == "due_soon"
    assert deadlines.state(item.due_at, datetime(2026, 10, 12, 9, tzinfo=CST)) == "overdue"
    assert deadlines.working_days_overdue(item.due_at, datetime(2026, 10, 13, 9, tzinfo=CST)) == 2


def test_worker_heartbeat_records_each_pass(engine, clock):
    from engine.worker import Heart, _pass

    heart = Heart()
    _pass(engine, heart)
    clock.advance(minutes=1)
    _pass(engine, heart)
    [beat] = engine.timers.heartbeats()
    assert beat["name"] == heart.name and beat["beat_at"] == clock.now() and beat["fired"] == 0
