"""Running totals for /metrics (`tallies`), added to in the transaction that changes what they count.

A unit of work collects the changes (`UnitOfWork.tallies`) and writes them just before it commits, as new
rows of its own: `shard` is a number drawn for the transaction, so a write is an insert that waits for no
other transaction. Counting by updating a few shared rows was measured first: four timer workers updating
the same 32 rows lost a fifth of their rate to the rows' locks and their dead versions (benchmarks/timers.py,
docs/benchmarks.md). The timer workers fold the new rows into shard 0 at each pass (`fold`), so a reader
sums shard 0 and what came since the last pass: a few rows at any size of the record.

What is counted (names): COMPLETIONS, by step kind, a work item completed; TIMERS, by status, every timer
row (+1 to "pending" when it is written, then −1 from the old status and +1 to the new one). The totals
decide nothing about any procedure; tests/engine/test_tallies.py holds them to a count of the rows.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from engine.persistence.tables import Tally, Timer, WorkItem

COMPLETIONS = "completions"
TIMERS = "timers"
FOLDED = 0
"""The shard the folded totals are kept in; every other shard is one transaction's changes."""


class Changes(Counter[tuple[str, str]]):
    """The changes one unit of work collects until it commits, and the shard it writes them to."""

    def __init__(self) -> None:
        super().__init__()
        self.shard = _draw()

    def add(self, name: str, key: str, delta: int = 1) -> None:
        if delta:
            self[(name, key)] += delta

    def moved(self, name: str, old: str, new: str, count: int = 1) -> None:
        """`count` rows of `name` went from status `old` to `new`."""
        self.add(name, old, -count)
        self.add(name, new, count)

    def clear(self) -> None:
        super().clear()
        self.shard = _draw()


def _draw() -> int:
    """A shard for one transaction's rows (never FOLDED). Two transactions that draw the same one add up
    (the write's ON CONFLICT), so a repeat costs a wait, never a wrong total."""
    return secrets.randbelow(2**31 - 2) + 1


def write(connection: Connection, changes: Changes) -> None:
    """Insert `changes` as rows of its shard, keys in order; zero changes write nothing."""
    rows = [{"name": name, "key": key, "shard": changes.shard, "n": delta}
            for (name, key), delta in sorted(changes.items()) if delta]
    if rows:
        connection.execute(_UPSERT[connection.dialect.name == "postgresql"], rows)


def _upsert(dialect: Any) -> Any:
    stmt = dialect.insert(Tally.__table__)
    return stmt.on_conflict_do_update(index_elements=["name", "key", "shard"],
                                      set_={"n": Tally.__table__.c.n + stmt.excluded.n})


_UPSERT = {True: _upsert(postgresql), False: _upsert(sqlite)}  # built once: every commit that counts runs one

# PostgreSQL folds in one statement: rows a concurrent fold deleted first are not returned twice, and rows
# committed after this statement's snapshot stay for the next fold.
_FOLD_POSTGRESQL = text(
    "WITH gone AS (DELETE FROM tallies WHERE shard <> 0 RETURNING name, key, n) "
    "INSERT INTO tallies (name, key, shard, n) SELECT name, key, 0, sum(n) FROM gone GROUP BY name, key "
    "ON CONFLICT (name, key, shard) DO UPDATE SET n = tallies.n + excluded.n")


def fold(connection: Connection) -> None:
    """Add every transaction's rows to the folded totals and delete them, in the caller's transaction.

    SQLite has one writer at a time: the three statements run under its write lock, nothing in between."""
    if connection.dialect.name == "postgresql":
        connection.execute(_FOLD_POSTGRESQL)
        return
    table = Tally.__table__
    sums = connection.execute(select(table.c.name, table.c.key, func.sum(table.c.n))
                              .where(table.c.shard != FOLDED).group_by(table.c.name, table.c.key)).all()
    if sums:
        connection.execute(_UPSERT[False], [{"name": name, "key": key, "shard": FOLDED, "n": int(n)}
                                            for name, key, n in sums])
        connection.execute(table.delete().where(table.c.shard != FOLDED))


def totals(connection: Connection, name: str) -> dict[str, int]:
    """The totals of `name` by key (the folded row and the rows since), in key order."""
    stmt = (select(Tally.key, func.sum(Tally.n)).where(Tally.name == name)
            .group_by(Tally.key).order_by(Tally.key))
    return {key: int(n) for key, n in connection.execute(stmt)}


def recount(connection: Connection) -> None:
    """Set every total to a count of the rows it counts: for a database written without the unit of work
    (the benchmarks' bulk loader). Scans work_items and timers."""
    connection.execute(Tally.__table__.delete())
    rows = [{"name": COMPLETIONS, "key": kind, "shard": FOLDED, "n": int(n)}
            for kind, n in connection.execute(select(WorkItem.step_kind, func.count())
                                              .where(WorkItem.status == "completed").group_by(WorkItem.step_kind))]
    rows += [{"name": TIMERS, "key": status, "shard": FOLDED, "n": int(n)}
             for status, n in connection.execute(select(Timer.status, func.count()).group_by(Timer.status))]
    if rows:
        connection.execute(_UPSERT[connection.dialect.name == "postgresql"], rows)
