"""Running a workflow: the only place a SpiffWorkflow task is run.

SpiffWorkflow does not check that a task is READY before `run()`; `ready_task` does,
and services call nothing else that moves a token. All of it happens under
`engine_time`, so timers see the engine's clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.clock_hook import engine_time
from engine.bpmn.definition import CompiledDefinition
from engine.domain.errors import ExpressionBudgetExceeded, ExpressionFailed, ExpressionForbidden

Workflow = BpmnWorkflow
"""A running procedure's workflow, as services name it: they pass it along but import no SpiffWorkflow."""
Step = Task
"""One task of a workflow, as services name it (see `Workflow`)."""


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    spec: str
    due_at: datetime


@dataclass(frozen=True)
class Snapshot:
    """The wait states of a workflow: READY human tasks and WAITING timers, by task id."""

    ready: dict[str, str]
    timers: dict[str, PendingTimer]


def start(compiled: CompiledDefinition, now: datetime, data: Mapping[str, Any] | None = None) -> BpmnWorkflow:
    """A new workflow run to its first wait state; `data` (engine-derived, never a client's) seeds it."""
    workflow = compiled.serializer.new_workflow()
    workflow.task_tree.data.update(data or {})
    with engine_time(now):
        workflow.do_engine_steps()
    return workflow


def find_task(workflow: BpmnWorkflow, task_id: str) -> Task | None:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (TaskNotFoundException, ValueError):
        return None


def task_data(workflow: BpmnWorkflow, task_id: str) -> dict[str, Any] | None:
    """The data a task sees (what the steps before it set), or None when the workflow has no such task."""
    task = find_task(workflow, task_id)
    return task.data if task is not None else None


def is_ready_human(task: Task) -> bool:
    return task.state == TaskState.READY and bool(task.task_spec.manual)


def state_name(task: Task) -> str:
    return TaskState.get_name(task.state)


def complete(workflow: BpmnWorkflow, task: Task, data: Mapping[str, Any], now: datetime) -> None:
    """Run one READY human task with its form data, then the engine to its next wait state."""
    if not is_ready_human(task):  # services check first; this guard keeps the door shut anyway
        raise RuntimeError(f"task {task.id} is {state_name(task)}, not a READY human task")
    with engine_time(now), _refusing_failed_expressions():
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()


def wake(workflow: BpmnWorkflow, now: datetime) -> None:
    """Let due timers fire and run the engine to its next wait state."""
    with engine_time(now), _refusing_failed_expressions():
        workflow.refresh_timers()
        workflow.do_engine_steps()


@contextmanager
def _refusing_failed_expressions() -> Iterator[None]:
    """A gateway that cannot decide (a missing field, no branch true) refuses the step.

    The half-advanced workflow lives only in memory; the caller's transaction is not
    committed, so nothing of it is stored.
    """
    try:
        yield
    except WorkflowException as error:
        cause = error.__cause__ or error.__context__
        spec = getattr(error, "task_spec", None)
        element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
        if isinstance(cause, ExpressionBudgetExceeded):
            raise ExpressionBudgetExceeded(**{**cause.context, "element": element}) from error
        if isinstance(cause, ExpressionForbidden):
            raise cause from error
        problem = str(error).strip().splitlines()[0]
        kind = getattr(error, "error_type", "")
        raise ExpressionFailed(element=element, problem=f"{problem} {kind}".strip()) from error


_READY_OR_WAITING = TaskState.READY | TaskState.WAITING


def snapshot(workflow: BpmnWorkflow) -> Snapshot:
    """READY human tasks and WAITING timers of the workflow and its subprocesses.

    A plain scan of the task dictionaries: twice per completion, it is cheaper than
    SpiffWorkflow's filtering tree iterator and sees the same tasks.
    """
    ready: dict[str, str] = {}
    timers: dict[str, PendingTimer] = {}
    tasks = [t for wf in (workflow, *workflow.subprocesses.values()) for t in wf.tasks.values()
             if t.state & _READY_OR_WAITING]
    for task in tasks:
        if task.state == TaskState.READY:
            if task.task_spec.manual:
                ready[str(task.id)] = task.task_spec.name
            continue
        definition = getattr(task.task_spec, "event_definition", None)
        value = task.internal_data.get("event_value")
        if isinstance(definition, TimerEventDefinition) and isinstance(value, str):
            due = TimerEventDefinition.get_datetime(value)
            timers[str(task.id)] = PendingTimer(str(task.id), task.task_spec.name, due)
    return Snapshot(ready, timers)
