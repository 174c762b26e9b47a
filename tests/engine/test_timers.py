"""Timers follow the injected clock, fire once, and a boundary timer cancels its step."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.domain.errors import StepNotReady
from tests.conftest import bundle

NOTE = {"note": "已在政府网站发布征求意见稿"}


@pytest.fixture
def comment(engine, people):
    engine.definitions.deploy(*bundle("comment_timer.bpmn"), "test")
    procedure = engine.procedures.start("comment_timer", "公交线网调整征求意见", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("open_call"), people.sponsor, NOTE)
    return procedure


def test_timer_due_is_computed_from_the_engine_clock(engine, clock, comment):
    opened = clock.now()
    [timer_id] = engine.timers.due(opened + timedelta(days=31))
    assert engine.timers.due(opened + timedelta(days=29, hours=23)) == []
    event = engine.history.events(comment.id)[-1]
    [timer] = event.payload["timers"]
    assert timer["step"] == "window"
    assert datetime.fromisoformat(timer["due_at"]) == opened + timedelta(days=30)
    assert timer_id > 0


def test_timer_fires_exactly_once_on_its_day(engine, clock, people, comment):
    [timer_id] = engine.timers.due(clock.now() + timedelta(days=31))
    clock.advance(days=29)
    assert engine.timers.fire(timer_id) is False  # not due: nothing happens
    assert engine.procedures.get(comment.id).open_items == ()
    clock.advance(days=1, seconds=1)
    assert engine.timers.fire(timer_id) is True
    assert engine.timers.fire(timer_id) is False  # never twice
    procedure = engine.procedures.get(comment.id)
    assert [i.spec for i in procedure.open_items] == ["summarise"]
    kinds = [e.kind for e in engine.history.events(comment.id)]
    assert kinds.count("timer_fired") == 1
    assert engine.history.verify(comment.id).ok


def test_boundary_timer_cancels_the_step_it_guards(engine, clock, people, comment):
    clock.advance(days=30, seconds=1)
    [window] = engine.timers.due()
    assert engine.timers.fire(window)
    step = engine.tasks.complete(engine.procedures.get(comment.id).task("summarise"), people.sponsor, NOTE)
    prepare = step.task("prepare")
    clock.advance(days=10, seconds=1)
    [deadline] = engine.timers.due()
    assert engine.timers.fire(deadline)
    procedure = engine.procedures.get(comment.id)
    assert [i.spec for i in procedure.open_items] == ["late"]
    with pytest.raises(StepNotReady) as refused:  # a cancelled step is not ready (MD-39)
        engine.tasks.complete(prepare, people.sponsor, NOTE)
    assert refused.value.rule == "MD-39"
    fired = engine.history.events(comment.id)[-1]
    assert fired.kind == "timer_fired" and fired.payload["cancelled"] == [prepare]
