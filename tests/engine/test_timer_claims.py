"""Timers claimed in batches: each fires once, a procedure's in due order, however many workers run.

A claim (engine/services/timers.py `claim`) leases the procedures of a batch of due timers to one
worker in one transaction; each timer then fires in its own. Several workers are several Engines on
the same database (real SQLite file or real PostgreSQL), on the injected clock: no sleeps.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.core import build_engine
from engine.services import timers
from engine.worker import fire_due
from tests.conftest import bundle

NOTE = {"note": "已在政府网站发布征求意见稿"}
POISONED = "decisionflow_poisoned_rows"


def _open_windows(engine, people, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` procedures whose 30-day comment window (MD-15b) opened now."""
    engine.definitions.deploy(*bundle("comment_timer.bpmn"), "test")
    ids = []
    for i in range(count):
        procedure = engine.procedures.start("comment_timer", f"征求意见 {i}", "dev_reform", people.sponsor)
        engine.tasks.complete(procedure.task("open_call"), people.sponsor, NOTE)
        ids.append(procedure.id)
    return ids


def _firings(engine) -> Counter[int]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        rows = connection.execute(text("SELECT procedure_id FROM events WHERE kind = 'timer_fired'"))
        return Counter(row.procedure_id for row in rows)


def _leases(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM timer_claims")).scalar_one())


@pytest.fixture
def workers(engine, clock):  # type: ignore[no-untyped-def]
    """Three more engines on the same database and clock: four workers in all."""
    others = [build_engine(engine.settings, clock) for _ in range(3)]
    yield [engine, *others]
    for other in others:
        other.dispose()


def test_md15b_four_workers_at_once_fire_every_comment_window_exactly_once(engine, clock, people, workers):
    windows = _open_windows(engine, people, 16)
    clock.advance(days=30, seconds=1)
    start = threading.Barrier(len(workers))
    fired: dict[int, int] = {}
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait(30)
            fired[index] = fire_due(workers[index], batch=3)  # small batches: the workers meet often
        except BaseException as failed:  # noqa: BLE001 - reported by the main thread
            failures.append(failed)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert sum(fired.values()) == 16
    assert _firings(engine) == Counter({procedure_id: 1 for procedure_id in windows})
    assert all(report.ok for report in engine.history.verify_all())
    assert _leases(engine) == 0  # every worker released what it claimed
    assert all(fire_due(w) == 0 for w in workers)  # nothing left, nothing twice


def test_md15b_a_claimed_window_is_not_taken_by_another_worker_until_its_lease_runs_out(engine, clock, people,
                                                                                        workers):
    first, second = workers[:2]
    windows = _open_windows(engine, people, 3)
    clock.advance(days=30, seconds=1)

    groups = first.timers.claim("first", 10)
    assert len(groups) == 3 and all(len(g) == 1 for g in groups)
    assert second.timers.claim("second", 10) == []  # all three are leased to the first worker
    assert fire_due(second) == 0

    clock.advance(seconds=timers.CLAIM_SECONDS + 1)  # the first worker died holding its lease
    assert fire_due(second) == 3
    assert [first.timers.fire_claimed(g[0]) for g in groups] == [False, False, False]  # never twice
    first.timers.release("first")
    assert _firings(engine) == Counter({procedure_id: 1 for procedure_id in windows})


def test_md15b_a_window_whose_procedure_a_user_holds_is_skipped_not_waited_for(db_kind, engine, clock, people):
    if db_kind != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises every writer")
    held, free = _open_windows(engine, people, 2)
    clock.advance(days=30, seconds=1)
    with engine.db.connect() as user:  # a user's completion holds the procedure row
        user.execute(text("SELECT id FROM procedures WHERE id = :p FOR UPDATE"), {"p": held})
        assert fire_due(engine) == 1  # returns at once, with the other one fired
        assert _firings(engine) == Counter({free: 1})
        user.rollback()
    assert fire_due(engine) == 1
    assert _firings(engine) == Counter({held: 1, free: 1})


def test_df_timers_a_procedures_later_period_never_fires_before_its_earlier_one(engine, clock, people, workers):
    first, second = workers[:2]
    engine.definitions.deploy(*bundle("two_periods.bpmn"), "test")
    procedure = engine.procedures.start("two_periods", "两个期间", "dev_reform", people.sponsor)
    clock.advance(days=3, seconds=-60)  # the one-day period is due, the three-day one not for a minute
    [[short]] = first.timers.claim("first", 10)
    clock.advance(seconds=61)  # now the three-day period is due too, and nobody has claimed it
    assert second.timers.claim("second", 10) == []  # the procedure is the first worker's until it is done
    assert first.timers.fire_claimed(short) is True
    first.timers.release("first")
    clock.advance(days=1)
    fire_due(second)

    fired = [e for e in engine.history.events(procedure.id) if e.kind == "timer_fired"]
    with engine.db.connect() as connection:
        spec_of = dict(connection.execute(text("SELECT task_id, spec FROM timers WHERE procedure_id = :p"),
                                          {"p": procedure.id}).all())
    assert [spec_of[e.task_id] for e in fired][0] == "short"
    assert {i.spec for i in engine.procedures.get(procedure.id).open_items} == {"after_short", "after_long"}
    assert engine.history.verify(procedure.id).ok


def test_df_timers_a_claim_lists_each_procedures_due_timers_in_due_order(engine, clock, people):
    engine.definitions.deploy(*bundle("two_periods.bpmn"), "test")
    procedure = engine.procedures.start("two_periods", "两个期间", "dev_reform", people.sponsor)
    clock.advance(days=3, seconds=1)
    [group] = engine.timers.claim("me", 10)
    with engine.db.connect() as connection:
        specs = [connection.execute(text("SELECT spec FROM timers WHERE id = :t"), {"t": t}).scalar_one()
                 for t in group]
    assert specs == ["short", "long"]
    engine.timers.release("me")
    assert fire_due(engine) == 1  # waking the workflow passes both periods: one firing, the later one ended
    [event] = [e for e in engine.history.events(procedure.id) if e.kind == "timer_fired"]
    assert event.payload["step"] == "short" and len(event.payload["timers_ended"]) == 1


def test_md15b_a_poisoned_window_in_a_batch_is_skipped_and_the_rest_of_the_batch_fires(engine, clock, people,
                                                                                      caplog):
    windows = _open_windows(engine, people, 3)
    poisoned = windows[1]
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE procedures SET state = :s WHERE id = :p"), {"s": b"{not json", "p": poisoned})
    clock.advance(days=30, seconds=1)
    before = engine.incidents.value(POISONED, kind="timer")

    with caplog.at_level(logging.ERROR, logger="engine"):
        assert fire_due(engine, batch=10) == 2  # one claim holds all three

    assert _firings(engine) == Counter({windows[0]: 1, windows[2]: 1})
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(logged) == 1 and f"of procedure {poisoned} cannot fire" in logged[0]
    assert engine.incidents.value(POISONED, kind="timer") == before + 1
    assert _leases(engine) == 0  # the batch's leases are released although one row failed
    with engine.db.connect() as connection:
        status = connection.execute(text("SELECT status FROM timers WHERE procedure_id = :p"), {"p": poisoned})
        assert status.scalar_one() == "pending"  # its transaction rolled back: nothing half-written
