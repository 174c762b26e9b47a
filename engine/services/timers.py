"""Timers: rows with a due time, fired by the scheduler in one transaction each.

A timer fires exactly once: `fire` locks its procedure and does nothing when the timer
is no longer pending. The workflow sees the engine's clock, never the wall clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from engine.bpmn import runtime
from engine.domain.actors import SYSTEM
from engine.domain.errors import NotFound, VersionConflict
from engine.persistence.tables import Procedure, Timer, TimerClaim, WorkerHeartbeat
from engine.persistence.uow import PROCEDURE_COLUMNS, LockedProcedure, UnitOfWork
from engine.services import definitions, history, progress

__all__ = ["beat", "claim", "due", "fire", "fire_claimed", "fire_next", "heartbeats", "release"]


class TimerNotFound(NotFound):
    en = "No timer with id {timer_id} exists."


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
CLAIM_SECONDS = 300  # a killed worker's procedures wait this long before another worker takes them


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


def claim(uow: UnitOfWork, worker: str, limit: int = 100, skip: Collection[int] = ()) -> list[list[int]]:
    """Lease up to `limit` due timers for `worker`, grouped by procedure, each group in due order.

    One transaction for the whole batch: the due timers' procedures are locked with SKIP LOCKED on
    PostgreSQL (rows another worker is claiming, or a user is completing a step of, are passed over,
    never waited for), and each procedure gets a lease (`timer_claims`) that no other worker's claim
    takes over while it runs (the upsert re-checks it against the newest committed row). So a
    procedure's timers are handled by one worker at a time, in due order, while the workers share the
    procedures. On SQLite the claim is one BEGIN IMMEDIATE transaction: writers are serialised.
    Returns the timer ids to fire (`fire_claimed`, one transaction each); `release` ends the leases.
    """
    with uow:
        now = uow.clock.now()
        leased = select(TimerClaim.procedure_id).where(TimerClaim.procedure_id == Timer.procedure_id,
                                                       TimerClaim.until > now)
        rows = uow.session.execute(
            select(Timer.procedure_id).join(Procedure, Procedure.id == Timer.procedure_id)
            .where(Timer.status == "pending", Timer.due_at < now, Timer.id.not_in(skip), ~leased.exists())
            .order_by(Timer.due_at, Timer.id).limit(limit)
            .with_for_update(of=Procedure, skip_locked=True)).all()
        wanted = list(dict.fromkeys(row.procedure_id for row in rows))  # earliest due first
        if not wanted:
            return []
        until = now + timedelta(seconds=CLAIM_SECONDS)
        insert = pg_insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(TimerClaim).values([{"procedure_id": p, "worker": worker, "until": until} for p in wanted])
        stmt = stmt.on_conflict_do_update(index_elements=[TimerClaim.procedure_id],
                                          set_={"worker": stmt.excluded.worker, "until": stmt.excluded.until},
                                          where=TimerClaim.until <= now).returning(TimerClaim.procedure_id)
        owned = set(uow.session.scalars(stmt))
        timers = uow.session.execute(
            select(Timer.id, Timer.procedure_id)
            .where(Timer.procedure_id.in_(owned), Timer.status == "pending", Timer.due_at < now,
                   Timer.id.not_in(skip))
            .order_by(Timer.due_at, Timer.id)).all()
        uow.commit()
    groups: dict[int, list[int]] = {p: [] for p in wanted if p in owned}
    for timer in timers:
        groups[timer.procedure_id].append(timer.id)
    return [ids for ids in groups.values() if ids]


def release(uow: UnitOfWork, worker: str) -> None:
    """End `worker`'s leases: its procedures' later timers are free for any worker again."""
    with uow:
        uow.session.execute(delete(TimerClaim).where(TimerClaim.worker == worker))
        uow.commit()


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


def fire_next(uow: UnitOfWork, skip: Collection[int] = ()) -> tuple[int, bool] | None:
    """Claim the earliest due timer no other worker holds, and fire it (a batch of one).

    Returns None when nothing is due but the timers in `skip`, else (timer id, whether it fired).
    """
    worker = uuid.uuid4().hex
    groups = claim(uow, worker, limit=1, skip=skip)
    try:
        if not groups:
            return None
        timer_id = groups[0][0]
        try:
            return timer_id, fire_claimed(uow, timer_id)
        except Poisoned:
            return timer_id, False
    finally:
        if groups:
            release(uow, worker)


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
