"""UnitOfWork: where a transaction begins and ends (DESIGN invariant 1).

Each public service function opens one unit of work and commits once, at the end.
Leaving the block without `commit()` writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, Result, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.errors import ProcedureNotFound, TaskNotFound
from engine.domain.rules import StepRef
from engine.persistence import tallies
from engine.persistence.tables import Procedure, WorkItem

_P, _W = Procedure.__table__, WorkItem.__table__
PROCEDURE_COLUMNS = (_P.c.id, _P.c.definition_id, _P.c.sponsor_org, _P.c.status, _P.c.state, _P.c.version,
                      _P.c.head_seq, _P.c.head_hash, _P.c.ended_at, _P.c.started_at)
_ITEM_COLUMNS = (_W.c.task_id, _W.c.procedure_id, _W.c.spec, _W.c.title, _W.c.step_kind, _W.c.role, _W.c.org,
                 _W.c.status.label("item_status"), _W.c.assignee, _W.c.created_at)
# Prebuilt once: the completion path is the engine's hottest and its statements never change.
_LOCK_STEP = (select(*PROCEDURE_COLUMNS, *_ITEM_COLUMNS).join_from(_P, _W, _W.c.procedure_id == _P.c.id)
              .where(_W.c.task_id == bindparam("task_id")).with_for_update(of=(_P, _W)))
_LOCK_PROCEDURE = select(*PROCEDURE_COLUMNS).where(_P.c.id == bindparam("procedure_id")).with_for_update()
_ITEM = select(*_ITEM_COLUMNS).where(_W.c.task_id == bindparam("task_id"))


@dataclass
class LockedProcedure:
    """The columns of a locked procedure row a completion reads and writes, without the ORM."""

    id: int
    definition_id: int
    sponsor_org: str
    status: str
    state: bytes
    version: int
    head_seq: int
    head_hash: str
    ended_at: datetime | None
    started_at: datetime | None = None  # the procedure's start: DF-DATE bounds of dates "during" it


if TYPE_CHECKING:
    from engine.core import Engine


class UnitOfWork:
    """One transaction: leaving the block without commit() rolls back."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session],
                 before_commit: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.clock = engine.clock
        self.settings = engine.settings
        self._writer = self._sessions = sessions
        self._before_commit = before_commit
        self._open = 0  # blocks entered and not left: a door called inside an open unit of work joins it
        self.session: Session
        self.tallies = tallies.Changes()
        """What this transaction adds to the /metrics totals, written at `commit()` (engine/persistence/tallies.py)."""

    def read(self) -> UnitOfWork:
        """Use the next block for queries only: on SQLite it takes no write lock, on PostgreSQL it sends no
        BEGIN (engine/persistence/database.py). A later `with uow:` writes again (tokens.authenticate); a
        read block inside an open one reads in that block's transaction (it sees its writes)."""
        self._sessions = self.engine.read_sessions
        return self

    def __enter__(self) -> UnitOfWork:
        if self._open:  # e.g. people.names(uow) inside official.generate's block: read in its transaction
            self._sessions = self._writer
            self._open += 1
            return self
        self.session = self._sessions()
        self._open = 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._sessions = self._writer
        self._open -= 1
        if self._open:
            return
        self.tallies.clear()  # not committed: never written
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        if self.tallies:
            tallies.write(self.session.connection(), self.tallies)
            self.tallies.clear()
        if self._before_commit is not None:
            self._before_commit()  # tests: a crash between the workflow step and the commit
        self.session.commit()

    def execute(self, statement: Executable, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Result[Any]:
        """Run a Core statement on this transaction's connection, past the ORM layer.

        For the prebuilt statements of the hot paths; the transaction is the session's.
        """
        return self.session.connection().execute(statement, params)

    def lock_procedure(self, procedure_id: int) -> Procedure:
        """Lock first, read after: every later read in this block sees the current state."""
        stmt = select(Procedure).where(Procedure.id == procedure_id).with_for_update()
        procedure = self.session.scalars(stmt).one_or_none()
        if procedure is None:
            raise ProcedureNotFound(procedure_id=procedure_id)
        return procedure

    def lock_procedure_of(self, task_id: str) -> tuple[Procedure, WorkItem]:
        """The procedure owning a work item, locked, and the item; one statement.

        Both rows are locked: on PostgreSQL a transaction that waited for the lock then
        re-reads only the rows it locked, so locking the procedure alone would hand the
        loser of a race the new procedure but the old, still open, work item.
        """
        stmt = (select(Procedure, WorkItem).join(WorkItem, WorkItem.procedure_id == Procedure.id)
                .where(WorkItem.task_id == task_id).with_for_update(of=(Procedure, WorkItem)))
        row = self.session.execute(stmt).one_or_none()
        if row is None:
            raise TaskNotFound(task_id=task_id)
        return row[0], row[1]

    def lock_step(self, task_id: str) -> tuple[LockedProcedure, StepRef]:
        """`lock_procedure_of` as plain values, one prebuilt statement: the completion path."""
        row = self.execute(_LOCK_STEP, {"task_id": task_id}).one_or_none()
        if row is None:
            raise TaskNotFound(task_id=task_id)
        split = len(PROCEDURE_COLUMNS)
        return LockedProcedure(*row[:split]), StepRef(*row[split:])

    def lock_procedure_row(self, procedure_id: int) -> LockedProcedure:
        row = self.execute(_LOCK_PROCEDURE, {"procedure_id": procedure_id}).one_or_none()
        if row is None:
            raise ProcedureNotFound(procedure_id=procedure_id)
        return LockedProcedure(*row)

    def item_row(self, task_id: str) -> StepRef | None:
        row = self.execute(_ITEM, {"task_id": task_id}).one_or_none()
        return StepRef(*row) if row is not None else None
