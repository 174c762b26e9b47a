"""Timers: rows with a due time, fired by the scheduler in one transaction each.

A timer fires exactly once: `fire` locks its procedure and does nothing when the timer
is no longer pending. The workflow sees the engine's clock, never the wall clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.bpmn import runtime
from engine.domain.actors import SYSTEM
from engine.domain.errors import NotFound
from engine.persistence.tables import Timer
from engine.persistence.uow import UnitOfWork
from engine.services import definitions, history, progress

__all__ = ["due", "fire"]


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
        now = uow.clock.now()
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
                        "status": procedure.status}, now)
        uow.commit()
        return True
