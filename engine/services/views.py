"""What services return: plain values, never ORM rows or SpiffWorkflow objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.persistence.tables import Event, Procedure, WorkItem


@dataclass(frozen=True)
class Upload:
    """A document handed in with a step: stored once by SHA-256, never changed (invariant 9)."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class WorkItemView:
    task_id: str
    procedure_id: int
    spec: str
    title: str
    step_kind: str
    role: str
    org: str | None
    status: str
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    procedure_title: str | None = None
    """The procedure's title, where the list shows it (the inbox): a row names what it is about."""

    @classmethod
    def of(cls, item: WorkItem, procedure_title: str | None = None) -> WorkItemView:
        return cls(item.task_id, item.procedure_id, item.spec, item.title, item.step_kind, item.role,
                   item.org, item.status, item.assignee, item.created_at, item.due_at,
                   item.completed_at, item.completed_by, procedure_title)


@dataclass(frozen=True)
class TimerView:
    """A pending statutory period: the timer's BPMN id, its name and when it runs out."""

    spec: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class ProcedureView:
    id: int
    title: str
    sponsor_org: str
    status: str
    version: int
    definition_key: str
    definition_version: int
    started_by: str
    started_at: datetime
    ended_at: datetime | None
    open_items: tuple[WorkItemView, ...] = ()
    timers: tuple[TimerView, ...] = ()

    @classmethod
    def of(cls, procedure: Procedure, key: str, version: int,
           items: list[WorkItem] | tuple[WorkItem, ...] = (), timers: tuple[TimerView, ...] = ()) -> ProcedureView:
        return cls(procedure.id, procedure.title, procedure.sponsor_org, procedure.status,
                   procedure.version, key, version, procedure.started_by, procedure.started_at,
                   procedure.ended_at, tuple(WorkItemView.of(i) for i in items if i.status == "open"), timers)

    def task(self, spec: str) -> str:
        """The open work item of a BPMN task id: handy for callers and tests."""
        for item in self.open_items:
            if item.spec == spec:
                return item.task_id
        raise LookupError(f"no open step {spec!r} in procedure {self.id}")


@dataclass(frozen=True)
class EventView:
    procedure_id: int
    seq: int
    at: datetime
    actor: str
    kind: str
    task_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: Event) -> EventView:
        return cls(event.procedure_id, event.seq, event.at, event.actor, event.kind, event.task_id,
                   event.payload, event.prev_hash, event.hash)


@dataclass(frozen=True)
class DefinitionView:
    id: int
    key: str
    version: int
    name: str
    sha256: str
    deployed_by: str
    deployed_at: datetime
    created: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StepResult:
    """The procedure after a step: its version, status and the steps now open (task id → BPMN id)."""

    procedure_id: int
    version: int
    status: str
    ready: dict[str, str]

    def task(self, spec: str) -> str:
        for task_id, name in self.ready.items():
            if name == spec:
                return task_id
        raise LookupError(f"no open step {spec!r} in procedure {self.procedure_id}")
