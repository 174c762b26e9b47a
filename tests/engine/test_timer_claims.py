"""Timers claimed in batches: each fires once, a procedure's in due order, however many workers run.

A claim (engine/services/timers.py `claim`) takes a batch of due timers in one transaction and holds
their procedures for one worker until the batch is done; each timer then fires in its own transaction.
Several workers are several Engines on the same database (real SQLite file or real PostgreSQL), on
the injected clock: no sleeps.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.core import build_engine
from engine.worker import fire_due
from tests.conftest import bundle
from tests.engine.comment_windows import open_windows

POISONED = "decisionflow_poisoned_rows"


def _firings(engine) -> Counter[int]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        rows = connection.execute(text("SELECT procedure_id FROM events WHERE kind = 'timer_fired'"))
        return Counter(row.procedure_id for row in rows)


def _holders(engine) -> list[int]:  # type: ignore[no-untyped-def]
    """The server processes holding a timer claim's advisory lock (PostgreSQL; SQLite has none)."""
    if engine.db.dialect.name != "postgresql":
        return []
    with engine.db.connect() as connection:
        return list(connection.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 7421"))
                    .scalars())


@pytest.fixture
def workers(engine, clock):  # type: ignore[no-untyped-def]
    """Three more engines on the same database and clock: four workers in all."""
    others = [build_engine(engine.settings, clock) for _ in range(3)]
    yield [engine, *others]
    for other in others:
        other.dispose()


def test_md15b_four_workers_at_once_fire_every_comment_window_exactly_once(engine, clock, people, workers):
    windows = open_windows(engine, people, 16)
    clock.advance(days=30, seconds=1)
    start = threading.Barrier(len(workers))
    fired: dict[int, int] = {}
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait(30)
            fired[index] = fire_due(workers[index], batch=3)  # small batches: the workers meet often
        except BaseException as failed:  # reported by the main thread
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
    assert _holders(engine) == []  # every worker let go of what it claimed
    assert all(fire_due(w) == 0 for w in workers)  # nothing left, nothing twice


def test_md15b_a_claimed_window_is_not_taken_by_another_worker_until_its_worker_dies(db_kind, engine, clock,
                                                                                    people, workers):
    if db_kind != "postgresql":
        pytest.skip("SQLite has one writer and runs one worker")
    first, second = workers[:2]
    windows = open_windows(engine, people, 3)
    clock.advance(days=30, seconds=1)

    claimed = first.timers.claim(10)
    assert len(claimed.groups) == 3 and all(len(g) == 1 for g in claimed.groups)
    assert second.timers.claim(10).groups == []  # all three are held by the first worker
    assert fire_due(second) == 0

    [holder] = set(_holders(engine))  # the first worker dies: the server ends its connection
    with engine.db.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": holder}).scalar_one()
    assert fire_due(second) == 3  # at once: nothing to wait out
    assert [first.timers.fire_claimed(g[0]) for g in claimed.groups] == [False, False, False]  # never twice
    with pytest.raises(DBAPIError):
        claimed.close()  # its connection is gone
    assert _firings(engine) == Counter({procedure_id: 1 for procedure_id in windows})
    assert _holders(engine) == []


def test_df_timers_a_second_worker_claims_the_next_due_windows_not_the_ones_held(db_kind, engine, clock, people,
                                                                                  workers):
    """The earliest due timers are held by the first worker; the second must get the next ones at once.

    Before, the second's claim read the same earliest batch, failed every advisory lock and came back
    empty: a worker waited for the other's whole batch, and four workers fired barely more than one."""
    if db_kind != "postgresql":
        pytest.skip("SQLite has one writer and runs one worker")
    first, second = workers[:2]
    windows = open_windows(engine, people, 6)
    clock.advance(days=30, seconds=1)
    with first.timers.claim(3) as held, second.timers.claim(3) as next_batch:
        first_ids = {t for group in held.groups for t in group}
        second_ids = {t for group in next_batch.groups for t in group}
        assert len(first_ids) == len(second_ids) == 3 and not first_ids & second_ids
        with engine.db.connect() as connection:
            due_order = list(connection.execute(text(
                "SELECT id FROM timers WHERE status = 'pending' ORDER BY due_at, id")).scalars())
        assert [t for t in due_order if t in first_ids | second_ids] == due_order  # the six earliest, split
    assert fire_due(second) == 6
    assert _firings(engine) == Counter({procedure_id: 1 for procedure_id in windows})


def test_md15b_a_window_whose_procedure_a_user_holds_is_skipped_not_waited_for(db_kind, engine, clock, people):
    if db_kind != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises every writer")
    held, free = open_windows(engine, people, 2)
    clock.advance(days=30, seconds=1)
    with engine.db.connect() as user:  # a user's completion holds the procedure row
        user.execute(text("SELECT id FROM procedures WHERE id = :p FOR UPDATE"), {"p": held})
        assert fire_due(engine) == 1  # returns at once, with the other one fired
        assert _firings(engine) == Counter({free: 1})
        user.rollback()
    assert fire_due(engine) == 1
    assert _firings(engine) == Counter({held: 1, free: 1})


def test_df_timers_a_procedures_later_period_never_fires_before_its_earlier_one(db_kind, engine, clock, people,
                                                                                workers):
    if db_kind != "postgresql":
        pytest.skip("SQLite has one writer and runs one worker")
    first, second = workers[:2]
    engine.definitions.deploy(*bundle("two_periods.bpmn"), "test")
    procedure = engine.procedures.start("two_periods", "两个期间", "dev_reform", people.sponsor)
    clock.advance(days=2)  # the one-day period is due, the three-day one is not
    with first.timers.claim(10) as claimed:
        [[short]] = claimed.groups
        clock.advance(days=1, seconds=1)  # now the three-day period is due too, and nobody has claimed it
        assert second.timers.claim(10).groups == []  # the procedure is the first worker's until it is done
        assert fire_due(second) == 0
        assert first.timers.fire_claimed(short) is True
    assert fire_due(second) == 0  # waking the workflow for the one-day period passed the three-day one too

    fired = [e for e in engine.history.events(procedure.id) if e.kind == "timer_fired"]
    assert [e.payload["step"] for e in fired] == ["short"] and len(fired[0].payload["timers_ended"]) == 1
    assert {i.spec for i in engine.procedures.get(procedure.id).open_items} == {"after_short", "after_long"}
    assert engine.history.verify(procedure.id).ok


def test_df_timers_a_claim_lists_each_procedures_due_timers_in_due_order(engine, clock, people):
    engine.definitions.deploy(*bundle("two_periods.bpmn"), "test")
    procedure = engine.procedures.start("two_periods", "两个期间", "dev_reform", people.sponsor)
    clock.advance(days=3, seconds=1)
    with engine.timers.claim(10) as claimed:
        [group] = claimed.groups
    with engine.db.connect() as connection:
        specs = [connection.execute(text("SELECT spec FROM timers WHERE id = :t"), {"t": t}).scalar_one()
                 for t in group]
    assert specs == ["short", "long"]
    assert fire_due(engine) == 1  # waking the workflow passes both periods: one firing, the later one ended
    [event] = [e for e in engine.history.events(procedure.id) if e.kind == "timer_fired"]
    assert event.payload["step"] == "short" and len(event.payload["timers_ended"]) == 1


def test_md15b_a_poisoned_window_in_a_batch_is_skipped_and_the_rest_of_the_batch_fires(engine, clock, people,
                                                                                      caplog):
    windows = open_windows(engine, people, 3)
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
    assert _holders(engine) == []  # the batch is let go although one row failed
    with engine.db.connect() as connection:
        status = connection.execute(text("SELECT status FROM timers WHERE procedure_id = :p"), {"p": poisoned})
        assert status.scalar_one() == "pending"  # its transaction rolled back: nothing half-written
