"""UnitOfWork: where a transaction begins and ends (DESIGN invariant 1).

Each public service function opens one unit of work and commits once, at the end.
Leaving the block without `commit()` writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.errors import ProcedureNotFound, TaskNotFound
from engine.persistence.tables import Procedure, WorkItem

if TYPE_CHECKING:
    from engine.core import Engine


class UnitOfWork:
    """One transaction: leaving the block without commit() rolls back."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session],
                 before_commit: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.clock = engine.clock
        self.settings = engine.settings
        self._sessions = sessions
        self._before_commit = before_commit
        self.session: Session

    def read(self) -> UnitOfWork:
        """Use this block for queries only: on SQLite it takes no write lock."""
        self._sessions = self.engine.read_sessions
        return self

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        if self._before_commit is not None:
            self._before_commit()  # tests: a crash between the workflow step and the commit
        self.session.commit()

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
