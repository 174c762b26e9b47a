"""Timers: rows with a due time, fired by the scheduler in one transaction each.

A timer fires exactly once: `fire` locks its procedure and does nothing when the timer
is no longer pending. The workflow sees the engine's clock, never the wall clock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from engine.bpmn import runtime
from engine.domain.actors import SYSTEM
from engine.domain.errors import NotFound
from engine.persistence.tables import Procedure, Timer, WorkerHeartbeat
from engine.persistence.uow import UnitOfWork
from engine.services import definitions, history, progress

__all__ = ["beat", "due", "fire", "fire_next", "heartbeats"]


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


def fire(uow: UnitOfWork, timer_id: int) -> bool:
    """Fire one due timer; False when it already fired, was cancelled or is not due yet."""
    with uow:
        timer = uow.session.get(Timer, timer_id)
        if timer is None:
            raise TimerNotFound(timer_id=timer_id)
        procedure = uow.lock_procedure(timer.procedure_id)
        uow.session.refresh(timer)
        if _fire_locked(uow, timer, procedure, uow.clock.now()):
            uow.commit()
            return True
        return False


def fire_next(uow: UnitOfWork, skip: Collection[int] = ()) -> tuple[int, bool] | None:
    """Claim the earliest due timer no other worker holds, and fire it: one transaction.

    On PostgreSQL the procedure row is locked with SKIP LOCKED, so several workers take
    different timers instead of queueing on one, and a timer another worker holds (or a
    procedure a user is completing a step of) is skipped, not waited for. The lock order is
    the one every completion uses (procedure, then its rows), so workers and users never
    deadlock. On SQLite writers are serialised by BEGIN IMMEDIATE: run one worker there.
    Returns None when nothing is due but the timers in `skip`, else (timer id, whether it fired).

    A poisoned row (a procedure whose stored workflow cannot be loaded or woken) is not fired: its
    transaction rolls back, one ERROR line names the timer, its procedure and the failure, and it is
    counted (`decisionflow_poisoned_rows_total{kind="timer"}`); the caller skips it for the rest of
    its pass, so one bad row never holds back the timers due after it.
    """
    with uow:
        now = uow.clock.now()
        claimed = uow.session.execute(
            select(Timer.id, Timer.procedure_id).join(Procedure, Procedure.id == Timer.procedure_id)
            .where(Timer.status == "pending", Timer.due_at < now, Timer.id.not_in(skip))
            .order_by(Timer.due_at, Timer.id).limit(1)
            .with_for_update(of=Procedure, skip_locked=True)).first()
        if claimed is None:
            return None
        timer = uow.session.get(Timer, claimed.id)
        procedure = uow.session.get(Procedure, claimed.procedure_id)
        assert timer is not None and procedure is not None
        if procedure.status != progress.RUNNING:  # a period of an ended procedure never fires
            timer.status, timer.fired_at = "cancelled", now
            uow.commit()
            return claimed.id, False
        try:
            fired = _fire_locked(uow, timer, procedure, now)
        except SQLAlchemyError:
            raise  # the database failed, not the row: the pass stops and the next one retries
        except Exception as failed:  # any failure of this one row is the row's, not the worker's
            uow.engine.incidents.skipped("timer", f"timer {claimed.id} of procedure {claimed.procedure_id} "
                                         "cannot fire", failed)
            return claimed.id, False
        if fired:
            uow.commit()
        return claimed.id, fired


def _fire_locked(uow: UnitOfWork, timer: Timer, procedure: Procedure, now: datetime) -> bool:
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
    timer.status, timer.fired_at = "fired", now
    moved = progress.record(uow, procedure, compiled, workflow, before, after, now, fired_timer=timer.task_id)
    progress.finish_if_done(procedure, workflow.is_completed(), now)
    procedure.state = compiled.serializer.dump(workflow)
    procedure.version += 1
    history.append(uow, procedure, "timer_fired", SYSTEM.username, timer.task_id,
                   {"step": timer.spec, "due_at": timer.due_at.isoformat(), **moved.as_payload(),
                    "status": procedure.status, "state_sha256": progress.state_sha256(procedure.state)}, now)
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
