"""Replay (MD-33a: the process record): the state after any event, rebuilt from history alone.

A driver records what the engine itself says after every state change — open steps with
their claimant, pending periods, status — keyed by the head seq; replay must agree at
every seq, and the steps it lists must carry the data the events carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.clock import FixedClock
from engine.core import Engine
from engine.demo import seed
from engine.demo_procedures import Driver, drive
from engine.domain.errors import NotFound, ProcedureNotFound, RecordForbidden
from engine.services.definitions import read_bundle
from engine.services.replay import ReplayState, SeqOutOfRange
from engine.services.tasks import Upload

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@dataclass(frozen=True)
class Seen:
    """What the engine's live projection showed right after one event."""

    open_steps: dict[str, tuple[str, str | None]]   # task id → (spec, assignee)
    timer_specs: list[str]
    status: str


class RecordingDriver(Driver):
    """The demo driver, claiming each step before completing it and noting the state after every change."""

    def __init__(self, engine: Engine, clock: FixedClock, procedure_id: int) -> None:
        super().__init__(engine, clock, procedure_id)
        self.seen: dict[int, Seen] = {}
        self.note()

    def note(self) -> None:
        view = self.engine.procedures.get(self.procedure_id)
        seq = self.engine.history.events(self.procedure_id)[-1].seq
        assert seq not in self.seen, f"event {seq} noted twice"
        self.seen[seq] = Seen({i.task_id: (i.spec, i.assignee) for i in view.open_items},
                              sorted(t.spec for t in view.timers), view.status)

    def do(self, spec: str, username: str, data: dict[str, Any], docs: dict[str, Upload] | None = None) -> None:
        task_id = self.engine.procedures.get(self.procedure_id).task(spec)
        self.engine.tasks.claim(task_id, self.engine.people.actor(username))
        self.note()
        super().do(spec, username, data, docs)
        self.note()

    def wait(self, days: int) -> None:
        self.clock.advance(days=days)
        for timer_id in self.engine.timers.due():
            assert self.engine.timers.fire(timer_id)
            self.note()


def _site(engine: Engine) -> None:
    engine.definitions.deploy(*read_bundle(PROCESSES / "major_decision.bpmn"), "test")
    engine.catalogue.load(json.loads((PROCESSES / "catalogue" / "2026.json").read_text(encoding="utf-8")), "test")
    seed(engine)


def _driven(engine: Engine, clock: FixedClock, stage: str) -> RecordingDriver:
    _site(engine)
    view = engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                   engine.people.actor("sponsor"))
    driver = RecordingDriver(engine, clock, view.id)
    drive(driver, "sponsor", "2026-05", stage)
    return driver


def _assert_agrees(state: ReplayState, seen: Seen) -> None:
    replayed = {task: (step.spec, step.claimed_by) for task, step in state.open_steps.items()}
    assert replayed == seen.open_steps, f"open steps after event {state.seq}"
    assert sorted(t.spec for t in state.timers.values()) == seen.timer_specs, f"periods after event {state.seq}"
    assert state.status == seen.status, f"status after event {state.seq}"
    assert state.current_specs == {s for s, _ in seen.open_steps.values()} | set(seen.timer_specs)
    assert state.current_specs <= state.done_specs  # what is open now was reached


def test_md33a_replay_at_every_seq_matches_what_the_engine_recorded(engine, clock):
    driver = _driven(engine, clock, "archived")
    auditor = engine.people.actor("auditor")
    events = engine.history.events(driver.procedure_id)
    last = events[-1].seq
    assert sorted(driver.seen) == list(range(1, last + 1)), "every event was noted"
    assert {e.kind for e in events} >= {"procedure_started", "task_claimed", "task_completed", "timer_fired"}

    for seq, seen in driver.seen.items():
        state = engine.replay.at(auditor, driver.procedure_id, seq)
        assert (state.seq, state.last_seq, state.event, state.at) == (seq, last, events[seq - 1], events[seq - 1].at)
        _assert_agrees(state, seen)
        assert [s.seq for s in state.steps] == [e.seq for e in events[:seq] if e.kind == "task_completed"]

    final = engine.replay.at(auditor, driver.procedure_id, last)
    completed = [e for e in events if e.kind == "task_completed"]
    assert [s.data for s in final.steps] == [e.payload["data"] for e in completed]
    assert [(s.spec, s.by) for s in final.steps] == [(e.payload["step"], e.payload["by"]["user"]) for e in completed]
    assert final.status == "completed" and "archiving" in final.done_specs and not final.current_specs
    record = engine.record.procedure(auditor, driver.procedure_id)
    assert final.done_specs == record.done_specs and final.documents == tuple(record.documents)


def test_md33a_replay_shows_the_comment_period_pending_then_fired(engine, clock):
    driver = _driven(engine, clock, "review")
    auditor = engine.people.actor("auditor")
    events = engine.history.events(driver.procedure_id)
    fired = next(e for e in events if e.kind == "timer_fired")

    before = engine.replay.at(auditor, driver.procedure_id, fired.seq - 1)
    assert [(t.spec, t.name) for t in before.timers.values()] == [("comment_window", "征求意见期不少于30日")]
    assert fired.task_id in before.timers and "comment_window" in before.current_specs
    after = engine.replay.at(auditor, driver.procedure_id, fired.seq)
    assert not after.timers and "comment_window" in after.done_specs - after.current_specs
    assert {s.spec for s in after.open_steps.values()} == {"summarise_opinions"}
    assert not [s for s in before.steps if s.spec == "summarise_opinions"]
    assert before.documents and all(d.seq < fired.seq for d in before.documents)


def test_md33a_replay_of_a_withdrawn_procedure_ends_its_steps_and_periods(engine, clock):
    driver = _driven(engine, clock, "comment")
    assert driver.seen[max(driver.seen)].timer_specs == ["comment_window"]
    engine.procedures.withdraw(driver.procedure_id, engine.people.actor("head"), "情况发生重大变化")
    driver.note()
    auditor = engine.people.actor("auditor")
    for seq, seen in driver.seen.items():
        _assert_agrees(engine.replay.at(auditor, driver.procedure_id, seq), seen)
    last = engine.replay.at(auditor, driver.procedure_id, max(driver.seen))
    assert last.status == "withdrawn" and last.event.kind == "procedure_withdrawn"
    assert not last.open_steps and not last.timers and not last.current_specs


def test_md33a_replay_outside_the_history_is_refused(engine, clock):
    _site(engine)
    view = engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                   engine.people.actor("sponsor"))
    auditor = engine.people.actor("auditor")
    before = engine.history.events(view.id)
    for seq in (0, -1, len(before) + 1):
        with pytest.raises(SeqOutOfRange) as refused:
            engine.replay.at(auditor, view.id, seq)
        assert isinstance(refused.value, NotFound) and refused.value.rule == "DF-NOT-FOUND"
        assert refused.value.context == {"procedure_id": view.id, "seq": seq, "last": len(before)}
    assert "没有第 2 条事件" in SeqOutOfRange(procedure_id=view.id, seq=2, last=1).message("zh_CN")
    with pytest.raises(ProcedureNotFound):
        engine.replay.at(auditor, view.id + 1000, 1)
    assert engine.replay.at(auditor, view.id, 1).open_steps  # the first event opens the proposal
    assert engine.history.events(view.id) == before  # nothing written


def test_df_view_replay_is_refused_to_whoever_may_not_see_the_record(engine, clock):
    _site(engine)
    view = engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                   engine.people.actor("sponsor"))
    before = engine.history.events(view.id)
    with pytest.raises(RecordForbidden) as refused:
        engine.replay.at(engine.people.actor("housing"), view.id, 1)  # a sponsor of another unit
    assert refused.value.rule == "DF-VIEW"
    with pytest.raises(RecordForbidden):  # the access check comes first: no hint about the history's length
        engine.replay.at(engine.people.actor("housing"), view.id, 99)
    assert engine.replay.at(engine.people.actor("sponsor"), view.id, 1).seq == 1  # its own unit may
    assert engine.history.events(view.id) == before  # nothing written
