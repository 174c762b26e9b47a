"""Running totals for /metrics (`tallies`), added to in the transaction that changes what they count.

A unit of work collects the changes (`UnitOfWork.tallies`) and writes them just before it commits, in one
statement, keys in sorted order: the rows are locked for the shortest time, and two transactions never
take two of them in opposite orders. Each total is spread over SHARDS rows (the procedure's id mod
SHARDS), so concurrent completions of one step kind seldom wait for one another; a reader sums them.

What is counted (names): COMPLETIONS, by step kind, a work item completed; TIMERS, by status, every timer
row (+1 to "pending" when it is written, then −1 from the old status and +1 to the new one). The totals
decide nothing about any procedure; tests/engine/test_tallies.py holds them to a count of the rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.persistence.tables import Tally, Timer, WorkItem

COMPLETIONS = "completions"
TIMERS = "timers"
SHARDS = 16

Key = tuple[str, str, int]  # name, key, shard


def shard(procedure_id: int) -> int:
    return procedure_id % SHARDS


def write(connection: Connection, changes: Mapping[Key, int]) -> None:
    """Add `changes` to their rows (made at 0 when missing), in key order; zero changes write nothing."""
    rows = [{"name": name, "key": key, "shard": part, "n": delta}
            for (name, key, part), delta in sorted(changes.items()) if delta]
    if rows:
        connection.execute(_UPSERT[connection.dialect.name == "postgresql"], rows)


def _upsert(dialect: Any) -> Any:
    stmt = dialect.insert(Tally.__table__)
    return stmt.on_conflict_do_update(index_elements=["name", "key", "shard"],
                                      set_={"n": Tally.__table__.c.n + stmt.excluded.n})


_UPSERT = {True: _upsert(postgresql), False: _upsert(sqlite)}  # built once: every commit that counts runs one


def totals(connection: Connection, name: str) -> dict[str, int]:
    """The totals of `name` by key (its shards summed), in key order."""
    stmt = (select(Tally.key, func.sum(Tally.n)).where(Tally.name == name)
            .group_by(Tally.key).order_by(Tally.key))
    return {key: int(n) for key, n in connection.execute(stmt)}


class Changes(Counter[Key]):
    """The changes one unit of work collects until it commits."""

    def add(self, name: str, key: str, procedure_id: int, delta: int = 1) -> None:
        if delta:
            self[(name, key, shard(procedure_id))] += delta

    def moved(self, name: str, old: str, new: str, procedure_id: int, count: int = 1) -> None:
        """`count` rows of `name` went from status `old` to `new`."""
        self.add(name, old, procedure_id, -count)
        self.add(name, new, procedure_id, count)


def recount(connection: Connection) -> None:
    """Set every total to a count of the rows it counts (shard 0): for a database written without the unit
    of work (the migration that made the table, the benchmarks' bulk loader). Scans work_items and timers."""
    connection.execute(Tally.__table__.delete())
    counted: dict[Key, int] = {}
    for kind, n in connection.execute(select(WorkItem.step_kind, func.count()).where(WorkItem.status == "completed")
                                      .group_by(WorkItem.step_kind)):
        counted[(COMPLETIONS, kind, 0)] = int(n)
    for status, n in connection.execute(select(Timer.status, func.count()).group_by(Timer.status)):
        counted[(TIMERS, status, 0)] = int(n)
    write(connection, counted)
