"""Why a step that is not open cannot be done: the law's reason, to whoever may see the procedure.

A step attempted out of turn is refused naming the statutory steps still missing before it
(engine/bpmn/prerequisites.py: the statute's PathRules against the steps done so far), each
with its rule id and article; where no rule of the statute names one, the refusal names the
steps the procedure waits on now. A caller who may not see the procedure (DF-VIEW) learns
nothing of it: the plain not-found, as for an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.bpmn import model as m
from engine.bpmn.compliance import build_graph
from engine.bpmn.prerequisites import missing_before
from engine.bpmn.profiles import PROFILES
from engine.domain import rules
from engine.domain.actors import Actor
from engine.domain.errors import DomainError, StepAlreadyCompleted, StepNotReady, TaskNotFound
from engine.domain.rulebook import rule
from engine.persistence.tables import Definition, Procedure, WorkItem
from engine.persistence.uow import LockedProcedure, UnitOfWork
from engine.services import record

__all__ = ["not_open"]


def not_open(uow: UnitOfWork, actor: Actor, procedure: Procedure | LockedProcedure, task_id: str, title: str,
             step_kind: str, state: str) -> DomainError:
    """The refusal of a step in `state` (not READY): done already (MD-33b), or out of order (MD-39)."""
    if not record.may_see(uow, actor, procedure):
        return TaskNotFound(task_id=task_id)
    if state == "COMPLETED":
        return StepAlreadyCompleted(step=title, step_kind=step_kind, procedure=procedure.id)  # where its record is
    missing = _missing(uow, procedure, step_kind)
    if missing:
        return StepNotReady(step=title, step_kind=step_kind, state=state, missing=missing)
    waiting = [{"step_kind": kind, "title": name} for kind, name in uow.session.execute(
        select(WorkItem.step_kind, WorkItem.title).where(WorkItem.procedure_id == procedure.id,
                                                        WorkItem.status == rules.OPEN)
        .order_by(WorkItem.created_at, WorkItem.task_id))]
    return StepNotReady(step=title, step_kind=step_kind, state=state, waiting_for=waiting)


def _missing(uow: UnitOfWork, procedure: Procedure | LockedProcedure, step_kind: str) -> list[dict[str, Any]]:
    definition = uow.session.get(Definition, procedure.definition_id)
    root = m.parse_xml(definition.bpmn.encode("utf-8")) if definition is not None else None
    process = m.top_process(root) if root is not None and not isinstance(root, m.Problem) else None
    if process is None or isinstance(process, m.Problem):
        return []
    checks = PROFILES.get(m.properties_of(process).get("statute") or "")
    if not checks:
        return []
    done = list(uow.session.scalars(select(WorkItem.step_kind).where(
        WorkItem.procedure_id == procedure.id, WorkItem.status == rules.COMPLETED)
        .order_by(WorkItem.completed_at, WorkItem.created_at)))
    return [{"step_kind": step.step_kind, "title": step.title, "rule": step.rule,
             "article": rule(step.rule).article}
            for step in missing_before(checks, build_graph(process), step_kind, done)]
