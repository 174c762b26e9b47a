"""After the workflow moves: project its wait states into work items and timers.

The READY human tasks before and after a step are compared in memory, so syncing
costs no query: new ones become work items, vanished ones (cancelled by a boundary
timer or a withdrawal) are closed, and WAITING timers become timer rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update

from engine import deadlines
from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.bpmn.model import SPONSOR_ORG
from engine.domain.rules import CANCELLED, OPEN
from engine.persistence import tallies
from engine.persistence.tables import Procedure, Timer, WorkItem
from engine.persistence.uow import LockedProcedure, UnitOfWork

RUNNING, COMPLETED, WITHDRAWN = "running", "completed", "withdrawn"


@dataclass(frozen=True)
class Progress:
    opened: list[dict[str, str | None]]
    cancelled: list[str]
    timers: list[dict[str, str]]
    timers_ended: list[str] = field(default_factory=list)
    """Timers that ended without this event firing them (a boundary timer whose task completed),
    so a replay of the history knows when each period stopped running."""

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"opened": self.opened}
        if self.cancelled:
            payload["cancelled"] = self.cancelled
        if self.timers:
            payload["timers"] = self.timers
        if self.timers_ended:
            payload["timers_ended"] = self.timers_ended
        return payload


_ITEMS, _TIMERS = WorkItem.__table__, Timer.__table__


def record(uow: UnitOfWork, procedure: Procedure | LockedProcedure, compiled: CompiledDefinition,
           workflow: runtime.Workflow,
           before: runtime.Snapshot, after: runtime.Snapshot, now: datetime,
           done_task: str | None = None, fired_timer: str | None = None) -> Progress:
    opened = [task_id for task_id in after.ready if task_id not in before.ready]
    gone = [task_id for task_id in before.ready if task_id not in after.ready and task_id != done_task]
    rows = [_work_item(uow, procedure, compiled, workflow, task_id, after.ready[task_id], now) for task_id in opened]
    if rows:
        uow.execute(insert(_ITEMS), rows)
    if gone:
        uow.session.execute(update(_ITEMS).where(_ITEMS.c.task_id.in_(gone))
                            .values(status=CANCELLED, completed_at=now))
    new_timers = [t for task_id, t in after.timers.items() if task_id not in before.timers]
    if new_timers:
        uow.execute(insert(_TIMERS), [
            {"procedure_id": procedure.id, "task_id": t.task_id, "spec": t.spec, "due_at": t.due_at,
             "status": "pending", "fired_at": None} for t in new_timers])
        uow.tallies.add(tallies.TIMERS, "pending", len(new_timers))
    ended_timers = [task_id for task_id in before.timers if task_id not in after.timers]
    others = [task_id for task_id in ended_timers if task_id != fired_timer]  # the caller marks the fired one
    if others:
        ended = uow.session.execute(update(_TIMERS).where(_TIMERS.c.task_id.in_(others), _TIMERS.c.status == "pending")
                                    .values(status="done", fired_at=now))
        uow.tallies.moved(tallies.TIMERS, "pending", "done", ended.rowcount)  # type: ignore[attr-defined]
    return Progress(opened=[_opened(row) for row in rows], cancelled=gone,
                    timers=[{"task": t.task_id, "step": t.spec, "due_at": t.due_at.isoformat()}
                            for t in new_timers],
                    timers_ended=[t for t in ended_timers if t != fired_timer])


def _work_item(uow: UnitOfWork, procedure: Procedure | LockedProcedure, compiled: CompiledDefinition,
               workflow: runtime.Workflow, task_id: str, spec: str, now: datetime) -> dict[str, Any]:
    meta = compiled.model.task(spec)
    if meta is None or meta.role is None or meta.step_kind is None:  # the check refuses this at deploy
        raise RuntimeError(f"task {spec} of {compiled.key} has no role or step kind")
    data = runtime.task_data(workflow, task_id)
    due = (deadlines.due_at(meta.properties, data, now, uow.settings.step_deadlines.get(meta.step_kind))
           if data is not None else None)
    org = procedure.sponsor_org if meta.org == SPONSOR_ORG else meta.org
    return {"task_id": task_id, "procedure_id": procedure.id, "spec": spec, "title": meta.name,
            "step_kind": meta.step_kind, "role": meta.role, "org": org, "status": OPEN, "assignee": None,
            "created_at": now, "due_at": due, "completed_at": None, "completed_by": None}


def _opened(row: dict[str, Any]) -> dict[str, str | None]:
    """What the history keeps of a new work item: every column `decisionflow verify` rebuilds it from
    (engine/integrity/); `task` and `step` are what replay reads."""
    due = row["due_at"]
    return {"task": row["task_id"], "step": row["spec"], "title": row["title"], "kind": row["step_kind"],
            "role": row["role"], "org": row["org"], "due_at": due.isoformat() if due is not None else None}


def state_sha256(state: bytes) -> str:
    """The digest of a serialized workflow that every event changing it carries (`state_sha256`): verify
    compares the last one with the stored `procedures.state`, which is too large to chain itself."""
    return hashlib.sha256(state).hexdigest()


def finish_if_done(procedure: Procedure | LockedProcedure, workflow_completed: bool, now: datetime) -> None:
    if workflow_completed and procedure.status == RUNNING:
        procedure.status = COMPLETED
        procedure.ended_at = now
