"""The /metrics totals (`tallies`) move with the rows they count, in the same transaction.

A scrape reads a few rows of running totals instead of counting every completed step and every timer
ever made (5.1 s at a million procedures). The totals are held here to a count of the rows after
completions, firings, a boundary timer ended by its step, a withdrawal, a refused step and a rolled-back
one; through the timer pass's fold of each transaction's rows; and the migration that makes the table
fills it from the rows already there.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select, text

from engine.domain.errors import DomainError
from engine.persistence import schema, tallies
from engine.persistence.tables import Tally, Timer, WorkItem
from engine.worker import fire_due
from tests.conftest import bundle
from tests.engine.comment_windows import NOTE, open_windows


def _counted(engine) -> tuple[dict[str, int], dict[str, int]]:  # type: ignore[no-untyped-def]
    """Completed steps by kind and timers by status, counted from the rows themselves."""
    with engine.db.connect() as connection:
        completed = dict(connection.execute(select(WorkItem.step_kind, func.count())
                                            .where(WorkItem.status == "completed").group_by(WorkItem.step_kind)).all())
        timers = dict(connection.execute(select(Timer.status, func.count()).group_by(Timer.status)).all())
    return completed, timers


def _totals(engine) -> tuple[dict[str, int], dict[str, int]]:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return (tallies.totals(connection, tallies.COMPLETIONS), tallies.totals(connection, tallies.TIMERS))


def _nonzero(totals: dict[str, int]) -> dict[str, int]:
    return {key: n for key, n in totals.items() if n}


def test_df_metrics_totals_equal_a_count_of_the_rows_through_every_kind_of_change(engine, clock, people):
    first, second, third = open_windows(engine, people, 3)
    assert _totals(engine) == _counted(engine) and sum(_counted(engine)[0].values()) == 3
    assert _totals(engine)[1] == {"pending": 3}

    clock.advance(days=30, seconds=1)
    assert fire_due(engine) == 3  # fired: pending → fired; each opens "summarise"
    for procedure_id in (first, second):  # "prepare" opens with its 10-day boundary timer
        engine.tasks.complete(engine.procedures.get(procedure_id).task("summarise"), people.sponsor, NOTE)
    prepare = engine.procedures.get(first).task("prepare")
    engine.tasks.complete(prepare, people.sponsor, NOTE)  # the boundary timer ends with its step: → done
    engine.procedures.withdraw(second, people.organ, "决策事项已由上级统一部署")  # its boundary timer: → cancelled

    completed, timers = _counted(engine)
    assert set(timers) == {"fired", "done", "cancelled"} and sum(completed.values()) == 6
    assert _nonzero(_totals(engine)[0]) == completed
    assert _nonzero(_totals(engine)[1]) == timers
    assert third  # still waiting on its "summarise"


def test_df_metrics_a_refused_or_rolled_back_step_adds_nothing(engine, people, clock):
    engine.definitions.deploy(*bundle("comment_timer.bpmn"), "test")
    procedure = engine.procedures.start("comment_timer", "征求意见", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("open_call"), people.sponsor, NOTE)
    before = _totals(engine)
    with pytest.raises(DomainError):  # done already: refused, nothing written
        engine.tasks.complete(procedure.task("open_call"), people.sponsor, NOTE)

    def crash() -> None:
        raise RuntimeError("power cut before the commit")

    clock.advance(days=30, seconds=1)
    engine.before_commit = crash  # the totals are written before the hook: they roll back with the firing
    with pytest.raises(RuntimeError):
        fire_due(engine)
    engine.before_commit = None
    assert _totals(engine) == before
    assert fire_due(engine) == 1
    assert _nonzero(_totals(engine)[1]) == _counted(engine)[1] == {"fired": 1}


def test_df_metrics_the_migration_fills_the_totals_from_the_rows_already_there(db_url, engine, people, clock):
    open_windows(engine, people, 2)
    clock.advance(days=30, seconds=1)
    fire_due(engine)
    counted = _counted(engine)
    config = schema.alembic_config(db_url)
    command.downgrade(config, "0018b_title_chars")
    with engine.db.connect() as connection:
        assert "tallies" not in {name for name, in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()" if engine.db.dialect.name
            == "postgresql" else "SELECT name FROM sqlite_master WHERE type = 'table'"))}
    command.upgrade(config, "head")
    assert tuple(_nonzero(t) for t in _totals(engine)) == counted
    with engine.db.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Tally)).scalar_one() == len(counted[0]) + len(
            counted[1])  # one row per total: shard 0


def test_df_metrics_a_fold_keeps_every_total_and_leaves_one_row_each(engine, people, clock):
    """Each transaction writes rows of its own (no two writers wait on a row); a timer pass folds them."""
    open_windows(engine, people, 3)
    with engine.db.connect() as connection:
        written = connection.execute(select(func.count()).select_from(Tally)).scalar_one()
    assert written >= 6  # three completions and three new timers, each transaction its own rows
    before = _totals(engine)
    engine.monitoring.fold_tallies()
    assert _totals(engine) == before
    with engine.db.connect() as connection:
        shards = connection.execute(select(Tally.shard, func.count()).group_by(Tally.shard)).all()
    assert shards == [(tallies.FOLDED, len(before[0]) + len(before[1]))]
    clock.advance(days=30, seconds=1)
    assert fire_due(engine) == 3  # a pass folds first, then fires: the firings' rows wait for the next
    assert _nonzero(_totals(engine)[1]) == _counted(engine)[1]
    engine.monitoring.fold_tallies()
    engine.monitoring.fold_tallies()  # nothing new: changes nothing
    assert _nonzero(_totals(engine)[1]) == _counted(engine)[1] == {"fired": 3}
