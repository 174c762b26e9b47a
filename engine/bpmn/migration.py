"""Moving a running workflow onto another version of its definition, and the graph half of the proof.

SpiffWorkflow's own migration helper (bpmn/util/diff.py) resets every READY and WAITING task: the
timers start again (new due dates) and open steps get new task ids, what users of other engines
complain of.
Here every task keeps its id, state, data and internal data (a timer's due date lives there); only
its spec is swapped for the target's element named by the plan's mapping, and the predicted part of
the tree (FUTURE/LIKELY/MAYBE tasks) is dropped and predicted again from the target's flows.

The lawfulness half: `owed_paths` asks, for every ordering rule of the target's statute, whether
the procedure still owes the rule's step (a source reached and no step of `through` done after it)
and, if it does, whether a path from where it stands in the target reaches the rule's target
without that step — the deploy-time check (engine/bpmn/compliance.py) started from the present.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import model as m
from engine.bpmn.compliance import Graph, PathRule, build_graph, path_avoiding
from engine.bpmn.definition import CompiledDefinition
from engine.bpmn.profiles import PROFILES
from engine.bpmn.runtime import Workflow

_UNFINISHED_DEFINITE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_FORECAST = TaskState.FUTURE | TaskState.PREDICTED_MASK
"""Tasks not reached yet: SpiffWorkflow's forecast of the path, rebuilt from the target's flows."""


@dataclass(frozen=True)
class TaskPlace:
    """One definite task of the running workflow: where it is and what it is."""

    task_id: str
    spec: str          # the source element (BPMN id or SpiffWorkflow's internal name)
    state: str         # COMPLETED, READY, WAITING, …
    timer: str | None  # the timer expression of a timer event, as the source has it


@dataclass(frozen=True)
class OwedPath:
    """A rule the procedure still owes, and the path in the target that would break it (None: none does)."""

    rule: str
    message: str
    through: tuple[str, ...]
    path: str | None


def places(workflow: Workflow) -> list[TaskPlace]:
    """The reached tasks (done, open or waiting) of the workflow; the others are only a forecast."""
    out = []
    for task in workflow.tasks.values():
        if task.has_state(_FORECAST):
            continue
        definition = getattr(task.task_spec, "event_definition", None)
        timer = definition.expression if isinstance(definition, TimerEventDefinition) else None
        out.append(TaskPlace(str(task.id), task.task_spec.name, TaskState.get_name(task.state), timer))
    return out


def has_subprocesses(workflow: Workflow) -> bool:
    return bool(workflow.subprocesses)


def target_spec_names(target: CompiledDefinition) -> frozenset[str]:
    return frozenset(target.spec.task_specs)


def target_timer(target: CompiledDefinition, spec: str) -> str | None:
    """The timer expression of a target element, or None when it is no timer event."""
    task_spec = target.spec.task_specs.get(spec)
    definition = getattr(task_spec, "event_definition", None)
    return definition.expression if isinstance(definition, TimerEventDefinition) else None


def spec_type(compiled: CompiledDefinition, spec: str) -> str | None:
    task_spec = compiled.spec.task_specs.get(spec)
    return type(task_spec).__name__ if task_spec is not None else None


def migrate(workflow: Workflow, target: CompiledDefinition, mapping: Mapping[str, str]) -> Workflow:
    """Swap every reached task's spec for its mapped target element, then forecast the future again.

    The caller has proved the mapping total on the reached tasks (`places`); a name missing here is
    a programming error and raises KeyError before anything is stored. A forecast hanging off a
    finished task (not a waiting or open one) cannot be rebuilt safely: ValueError, before any change."""
    forecast_roots = [task for task in workflow.tasks.values() if task.has_state(_FORECAST)
                      and task.parent is not None and not task.parent.has_state(_FORECAST)]
    stuck = [t for t in forecast_roots if not t.parent.has_state(_UNFINISHED_DEFINITE)]
    if stuck:
        raise ValueError(f"a forecast hangs off finished task {stuck[0].parent.task_spec.name}")
    for task in forecast_roots:
        workflow._remove_task(task.id)
    specs = target.spec.task_specs
    for task in workflow.tasks.values():
        task.task_spec = specs[mapping[task.task_spec.name]]
    workflow.spec = target.spec
    workflow.subprocess_specs = target.subprocess_specs
    for task in list(workflow.tasks.values()):
        if task.has_state(_UNFINISHED_DEFINITE) and not task.children:
            task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE | task.state)
    return workflow


def graph_of(bpmn: bytes) -> Graph:
    root = m.parse_xml(bpmn)
    assert not isinstance(root, m.Problem), root  # a deployed version always parses
    process = m.top_process(root)
    assert not isinstance(process, m.Problem), process
    return build_graph(process)


def owed_paths(statute: str | None, graph: Graph, done_kinds: list[str], positions: Iterable[str]) -> list[OwedPath]:
    """For each ordering rule of the statute: is its step still owed, and can the target skip it from here?

    `done_kinds` are the step kinds that still count, in the order they were done. A rule whose
    sources are the start is owed until a `through` step has been done; one whose sources are steps
    (a draft change) is owed when such a step was done after the last `through` step."""
    out: list[OwedPath] = []
    for check in PROFILES.get(statute or "", ()):
        if not isinstance(check, PathRule):
            continue
        from_start = check.sources(graph) == graph.starts()
        source_kinds = {graph.nodes[n].step_kind for n in check.sources(graph)} - {None}
        last_source = -1 if from_start else max(
            (i for i, kind in enumerate(done_kinds) if kind in source_kinds), default=None)
        if last_source is None:
            continue  # no source reached yet: the target's deploy check covers the paths from them
        if any(kind in check.through for kind in done_kinds[last_source + 1:]):
            continue  # discharged
        targets = graph.ends() if check.targets == ("end",) else graph.of_kind(*check.targets)
        through = graph.of_kind(*check.through)
        here = [p for p in positions if p in graph.nodes]
        if any(p in targets and p not in through for p in here):  # standing on the rule's target already
            path: list[str] | None = [next(p for p in here if p in targets)]
        else:  # an open `through` step discharges the rule on its own branch
            path = path_avoiding(graph, [p for p in here if p not in through], targets, through)
        out.append(OwedPath(check.rule, check.message, check.through,
                            graph.path_text(path) if path is not None else None))
    return out
