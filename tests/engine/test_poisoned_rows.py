"""A poisoned row never stops the worker: one timer that cannot fire is skipped, the others fire.

Each test edits one timer or procedure row behind the engine's back, the way someone with write
access to the database could, and runs one worker pass on the injected clock (no sleeps): the
good timers fire in that same pass, the call returns, the bad row is logged at ERROR and counted.
"""

from __future__ import annotations

import logging
import zlib
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.worker import fire_due, run
from tests.processes.md_scenario import MajorDecision

POISONED = "decisionflow_poisoned_rows"


def _pending_timer(engine, procedure_id: int) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return int(connection.execute(text("SELECT id FROM timers WHERE procedure_id = :p AND status = 'pending'"),
                                      {"p": procedure_id}).scalar_one())


def _edit(engine, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    with engine.db.begin() as connection:
        assert connection.execute(text(sql), params).rowcount == 1


def _fired(engine, procedure_id: int) -> int:  # type: ignore[no-untyped-def]
    return sum(e.kind == "timer_fired" for e in engine.history.events(procedure_id))


@pytest.fixture
def three_windows(engine, clock):  # type: ignore[no-untyped-def]
    """Three comment windows: the first opened ten days after the other two, so it is not due yet."""
    late = MajorDecision.start(engine, clock, "甲")
    late.to_open_comment()
    clock.advance(days=-10)
    good = [MajorDecision.start(engine, clock, title) for title in ("乙", "丙")]
    for md in good:
        md.to_open_comment()
    clock.advance(days=10 + 22)  # the two good windows have run their 30 days; the late one has 8 to go
    return late.procedure_id, [md.procedure_id for md in good]


def test_a_timer_whose_due_at_was_moved_earlier_does_not_hold_back_the_others(engine, clock, three_windows):
    late, good = three_windows
    timer = _pending_timer(engine, late)
    _edit(engine, "UPDATE timers SET due_at = :at WHERE id = :t", at=clock.now() - timedelta(days=40), t=timer)

    assert fire_due(engine) == 2  # the edited one comes first in due order and cannot fire: the pass goes on
    assert [_fired(engine, p) for p in good] == [1, 1] and _fired(engine, late) == 0
    run(engine, every_seconds=60, until_idle=True)  # returns: the edited timer is all that is left
    clock.advance(days=9)
    assert fire_due(engine) == 1 and _fired(engine, late) == 1  # its workflow's own time came: it fires once


@pytest.mark.parametrize("poison", ["garbage_state", "state_of_another_shape"])
def test_a_timer_that_cannot_fire_is_skipped_logged_and_counted_and_the_others_fire(engine, clock, three_windows,
                                                                                    caplog, poison):
    _late, good = three_windows
    timer = _pending_timer(engine, good[0])
    if poison == "garbage_state":
        _edit(engine, "UPDATE procedures SET state = :s WHERE id = :p", s=b"{not json", p=good[0])
    else:  # compressed JSON, as stored, but not a workflow
        _edit(engine, "UPDATE procedures SET state = :s WHERE id = :p", s=zlib.compress(b'{"tasks": 1}'), p=good[0])
    before = engine.incidents.value(POISONED, kind="timer")

    with caplog.at_level(logging.ERROR, logger="engine"):
        fired = fire_due(engine)
        run(engine, every_seconds=60, until_idle=True)  # returns although the poisoned timer stays due

    assert _fired(engine, good[1]) == 1 and _fired(engine, good[0]) == 0
    assert fired == 1
    logged = [r.getMessage() for r in caplog.records
              if r.levelno == logging.ERROR and f"timer {timer} " in r.getMessage()]
    assert len(logged) == 2  # one line per pass, not one per retry in a loop
    assert f"procedure {good[0]}" in logged[0]
    assert engine.incidents.value(POISONED, kind="timer") == before + 2
