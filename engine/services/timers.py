"""Timers: rows with a due time, claimed by the workers in batches and fired in one transaction each.

A timer fires exactly once: `fire` and `fire_claimed` lock its procedure and do nothing when the
timer is no longer pending. Workers take due timers in batches (`claim`), each procedure held by
one worker at a time, so a procedure's timers fire in due order (docs/timers.md). The workflow sees
the engine's clock, never the wall clock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Integer, bindparam, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.bpmn import runtime
from engine.domain.actors import SYSTEM
from engine.domain.errors import TimerNotFound, VersionConflict
from engine.persistence import stored_text, tallies
from engine.persistence.tables import Procedure, Timer, WorkerHeartbeat
from engine.persistence.uow import PROCEDURE_COLUMNS, LockedProcedure, UnitOfWork
from engine.services import definitions, history, progress

if TYPE_CHECKING:
    from engine.core import Engine

__all__ = ["beat", "claim", "due", "fire", "fire_claimed", "heartbeats"]



def due(uow: UnitOfWork, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Ids of pending timers due before `now` (default: the engine clock), earliest first.

    Strictly before: SpiffWorkflow fires a timer only once its due time has passed.
    """
    with uow.read():
        moment = now or uow.clock.now()
        stmt = (select(Timer.id).where(Timer.status == "pending", Timer.due_at < moment)
                .order_by(Timer.due_at, Timer.id).limit(limit))
        return list(uow.session.scalars(stmt))


_P, _T = Procedure.__table__, Timer.__table__
_TIMER_COLUMNS = (_T.c.id, _T.c.task_id, _T.c.spec, _T.c.due_at, _T.c.status)
# Both rows locked: on PostgreSQL a transaction that waited re-reads only the rows it locked.
_LOCK_TIMER = (select(*PROCEDURE_COLUMNS, *_TIMER_COLUMNS)
               .join_from(_P, _T, _T.c.procedure_id == _P.c.id)
               .where(_T.c.id == bindparam("timer_id")).with_for_update(of=(_P, _T)))
_SET_TIMER = update(_T).where(_T.c.id == bindparam("timer_id")).values(status=bindparam("status"),
                                                                        fired_at=bindparam("at"))
_SAVE = (update(_P).where(_P.c.id == bindparam("pid"), _P.c.version == bindparam("old"))
         .values(state=bindparam("state"), version=bindparam("new"), status=bindparam("status"),
                 ended_at=bindparam("ended"), head_seq=bindparam("seq"), head_hash=bindparam("head")))
_LOCK_SPACE = 7421  # the first key of the timer claims' advisory locks; the second is the procedure id
_TRY_LOCK = text("SELECT id FROM unnest(CAST(:ids AS integer[])) AS id WHERE pg_try_advisory_lock(:space, id)"
                 ).bindparams(space=_LOCK_SPACE)
_UNLOCK_ALL = text("SELECT pg_advisory_unlock_all()")
# The procedures other workers' claims hold now: this database's granted advisory locks in the claims'
# space (two int4 keys: classid is the first, objid the second, objsubid 2). A claim leaves them out of
# its LIMIT, or it would read the earliest batch another worker holds, fail every lock and come back
# empty while later due timers wait: a second worker then waited for the first's whole batch.
_HELD = text(
    "SELECT objid::integer AS procedure_id FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND classid = :space AND objsubid = 2 "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
).bindparams(space=_LOCK_SPACE).columns(procedure_id=Integer).subquery("held")


@dataclass(frozen=True)
class _TimerRow:
    id: int
    task_id: str
    spec: str
    due_at: datetime
    status: str


class Poisoned(Exception):
    """A timer whose row cannot be fired (logged and counted); the caller skips it for the pass."""


def fire(uow: UnitOfWork, timer_id: int) -> bool:
    """Fire one due timer; False when it already fired, was cancelled or is not due yet."""
    with uow:
        if uow.session.get(Timer, timer_id) is None:
            raise TimerNotFound(timer_id=timer_id)
        procedure, timer = _lock(uow, timer_id)
        if _fire_locked(uow, timer, procedure, uow.clock.now()):
            uow.commit()
            return True
        return False


class Claim:
    """Due timers held by one worker, grouped by procedure, each group in due order; a context manager.

    On PostgreSQL the claim keeps one connection for as long as it is held: each claimed procedure
    carries a session-level advisory lock on it, which no other worker's claim can take, so a
    procedure's timers are handled by one worker at a time. The locks end with `close()`, or with the
    connection if the worker dies: its procedures are free for the others at once, nothing to expire.
    """

    def __init__(self, groups: list[list[int]], connection: Connection | None = None) -> None:
        self.groups = groups
        self._connection = connection
        self._sessions: sessionmaker[Session] | None = None
        if connection is not None:
            self._sessions = sessionmaker(bind=connection, expire_on_commit=False)
            stored_text.guard(self._sessions)

    def uow(self, engine: Engine) -> UnitOfWork:
        """A unit of work for one firing: on the claim's own connection when it has one.

        Each firing is still its own transaction; it only skips the pool's check-out, pre-ping and
        reset round trips, three of the nine a firing otherwise costs.
        """
        if self._sessions is None:
            return engine.uow()
        return UnitOfWork(engine, self._sessions, engine.before_commit)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(_UNLOCK_ALL)
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def claim(uow: UnitOfWork, limit: int = 100, skip: Collection[int] = ()) -> Claim:
    """Claim up to `limit` due timers for this worker, in one transaction; fire each with `fire_claimed`.

    PostgreSQL: the due timers' procedures are locked with `FOR UPDATE … SKIP LOCKED` (procedures another
    worker is claiming, or a user is completing a step of, are passed over, never waited for; those
    another worker's claim holds are left out before the limit, so a batch is the next free ones), and each
    gets an advisory lock on the claim's own connection (`Claim`), kept until the claim is closed; the
    transaction then commits, so the firings, one transaction each, take their procedures' row locks as
    every completion does. SQLite has one writer and one worker: the batch is read in one transaction.
    Timers in `skip` (did not fire earlier in this pass) are left out.
    """
    now = uow.clock.now()
    due = (select(Timer.procedure_id).join(Procedure, Procedure.id == Timer.procedure_id)
           .where(Timer.status == "pending", Timer.due_at < now, Timer.id.not_in(skip))
           .order_by(Timer.due_at, Timer.id).limit(limit))
    if uow.engine.db.dialect.name != "postgresql":
        with uow.read():
            wanted = list(dict.fromkeys(uow.session.scalars(due)))
            return Claim(_group(uow.session.connection(), wanted, now, skip))
    connection = uow.engine.db.connect()
    try:
        free = due.where(Timer.procedure_id.not_in(select(_HELD.c.procedure_id)))
        rows = connection.execute(free.with_for_update(of=Procedure, skip_locked=True)).scalars()
        wanted = list(dict.fromkeys(rows))  # earliest due first
        owned = set(connection.execute(_TRY_LOCK, {"ids": wanted}).scalars()) if wanted else set()
        groups = _group(connection, [p for p in wanted if p in owned], now, skip)
        connection.commit()
    except BaseException:
        connection.close()  # the server drops the connection's advisory locks with it
        raise
    held = Claim(groups, connection)
    if not groups:
        held.close()  # nothing to fire: the connection goes back at once
    return held


def _group(connection: Connection, procedures: list[int], now: datetime, skip: Collection[int]) -> list[list[int]]:
    """The due timers of `procedures`, one list per procedure in the procedures' order, each in due order."""
    if not procedures:
        return []
    groups: dict[int, list[int]] = {p: [] for p in procedures}
    for timer in connection.execute(
            select(Timer.id, Timer.procedure_id)
            .where(Timer.procedure_id.in_(procedures), Timer.status == "pending", Timer.due_at < now,
                   Timer.id.not_in(skip))
            .order_by(Timer.due_at, Timer.id)):
        groups[timer.procedure_id].append(timer.id)
    return [ids for ids in groups.values() if ids]


def fire_claimed(uow: UnitOfWork, timer_id: int) -> bool:
    """Fire one timer of a procedure this worker has claimed: its own transaction, the engine's path.

    False when it did not fire: already fired or ended, its procedure no longer running (the timer is
    then cancelled), or its workflow's own time has not come. A poisoned row (a procedure whose stored
    workflow cannot be loaded or woken) rolls back, is logged at ERROR naming the timer, its procedure
    and the failure, and counted (`decisionflow_poisoned_rows_total{kind="timer"}`); then `Poisoned`
    is raised so the caller skips it, and the rest of its procedure, for the pass.
    """
    with uow:
        now = uow.clock.now()
        locked = _lock(uow, timer_id)
        if locked is None:
            return False
        procedure, timer = locked
        if timer.status != "pending":
            return False
        if procedure.status != progress.RUNNING:  # a period of an ended procedure never fires
            uow.execute(_SET_TIMER, {"timer_id": timer.id, "status": "cancelled", "at": now})
            uow.tallies.moved(tallies.TIMERS, "pending", "cancelled")
            uow.commit()
            return False
        try:
            fired = _fire_locked(uow, timer, procedure, now)
        except SQLAlchemyError:
            raise  # the database failed, not the row: the pass stops and the next one retries
        except Exception as failed:  # any failure of this one row is the row's, not the worker's
            uow.engine.incidents.skipped("timer", f"timer {timer_id} of procedure {procedure.id} cannot fire",
                                         failed)
            raise Poisoned(timer_id) from failed
        if fired:
            uow.commit()
        return fired


def _lock(uow: UnitOfWork, timer_id: int) -> tuple[LockedProcedure, _TimerRow] | None:
    """The timer and its procedure, both locked, in one prebuilt statement."""
    row = uow.execute(_LOCK_TIMER, {"timer_id": timer_id}).one_or_none()
    if row is None:
        return None
    split = len(PROCEDURE_COLUMNS)
    return LockedProcedure(*row[:split]), _TimerRow(*row[split:])


def _fire_locked(uow: UnitOfWork, timer: _TimerRow, procedure: LockedProcedure, now: datetime) -> bool:
    """Fire a timer whose procedure this transaction has locked; the caller commits."""
    if timer.status != "pending" or procedure.status != progress.RUNNING or timer.due_at > now:
        return False
    compiled = definitions.load_compiled(uow, procedure.definition_id)
    workflow = compiled.serializer.load(procedure.state)
    before = runtime.snapshot(workflow)
    runtime.wake(workflow, now)
    after = runtime.snapshot(workflow)
    if timer.task_id in after.timers:
        return False  # SpiffWorkflow fires strictly after the due time; try again later
    uow.execute(_SET_TIMER, {"timer_id": timer.id, "status": "fired", "at": now})
    uow.tallies.moved(tallies.TIMERS, "pending", "fired")
    moved = progress.record(uow, procedure, compiled, workflow, before, after, now, fired_timer=timer.task_id)
    progress.finish_if_done(procedure, workflow.is_completed(), now)
    state = compiled.serializer.dump(workflow)
    history.append(uow, procedure, "timer_fired", SYSTEM.username, timer.task_id,
                   {"step": timer.spec, "due_at": timer.due_at.isoformat(), **moved.as_payload(),
                    "status": procedure.status, "state_sha256": progress.state_sha256(state)}, now)
    saved = uow.execute(_SAVE, {"pid": procedure.id, "old": procedure.version, "new": procedure.version + 1,
                                "state": state, "status": procedure.status, "ended": procedure.ended_at,
                                "seq": procedure.head_seq, "head": procedure.head_hash})
    if saved.rowcount != 1:  # type: ignore[attr-defined]  # the lock's second line of defence
        raise VersionConflict(procedure_id=procedure.id, expected=procedure.version, actual="changed")
    procedure.version += 1
    return True


def beat(uow: UnitOfWork, name: str, host: str, pid: int, started_at: datetime, fired: int) -> None:
    """Record that worker `name` finished a pass (one small upsert, its own transaction)."""
    with uow:
        now = uow.clock.now()
        row = uow.session.get(WorkerHeartbeat, name)
        if row is None:
            uow.session.add(WorkerHeartbeat(name=name, host=host, pid=pid, started_at=started_at, beat_at=now,
                                            fired=fired))
        else:
            row.host, row.pid, row.started_at, row.beat_at, row.fired = host, pid, started_at, now, row.fired + fired
        uow.commit()


def heartbeats(uow: UnitOfWork) -> list[dict[str, object]]:
    with uow.read():
        return [{"name": h.name, "host": h.host, "pid": h.pid, "started_at": h.started_at, "beat_at": h.beat_at,
                 "fired": h.fired}
                for h in uow.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()))]
