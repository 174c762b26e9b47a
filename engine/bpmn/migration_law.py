"""The proof that moving a running procedure to another definition version is lawful (issue 24).

Pure: no database and no unit of work. engine/services/migration.py reads the procedure, its
definitions and its history and passes them here; this module says, finding by finding, whether the
current position exists in the target, which statutory steps done still count (or are named to redo),
whether every remaining path from here satisfies the target's statute, whether running periods keep
their due dates and open steps their forms, and whether data and documents carry over; when all of it
holds, it hands back the migrated workflow, in memory only.

It lives beside engine/bpmn/migration.py (the move itself and the graph half of the proof), not in
engine/domain/: the proof loads and moves SpiffWorkflow state, engine/bpmn is the only SpiffWorkflow
user, and engine/domain imports nothing else of ours (STYLE.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.bpmn import migration as bm
from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.domain.errors import (
    DomainError,
    MigrationFormMissing,
    MigrationPlanInvalid,
    MigrationPositionMissing,
    MigrationStepOwed,
    MigrationTimerLost,
)
from engine.domain.steps import StepKind

# --- the plan -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MigrationPlan:
    """What to migrate and how; `procedures` None means every running procedure on the source version
    (narrowed by `sponsor_org` when given)."""

    key: str
    source_version: int
    target_version: int
    mapping: Mapping[str, str] = field(default_factory=dict)
    """Source element id → target element id, only where they differ (same id otherwise)."""
    redo: Mapping[str, str] = field(default_factory=dict)
    """Done step (source element id) → why it must be done again under the target."""
    timer_rules: Mapping[str, str] = field(default_factory=dict)
    """Period (source element id) whose rule changed → the rule id under which its due date is kept."""
    procedures: tuple[int, ...] | None = None
    sponsor_org: str | None = None

    def as_payload(self) -> dict[str, Any]:
        return {"key": self.key, "source_version": self.source_version, "target_version": self.target_version,
                "mapping": dict(sorted(self.mapping.items())), "redo": dict(sorted(self.redo.items())),
                "timer_rules": dict(sorted(self.timer_rules.items())),
                "procedures": list(self.procedures) if self.procedures is not None else None,
                "sponsor_org": self.sponsor_org}

    @classmethod
    def from_payload(cls, data: Any) -> MigrationPlan:
        """A plan from JSON (CLI file, REST body); a bad field is refused by name (DF-MIGRATE-PLAN)."""
        if not isinstance(data, Mapping):
            raise invalid("plan", "a JSON object is required", "须为 JSON 对象")
        key = data.get("key")
        if not isinstance(key, str) or not key:
            raise invalid("key", "the definition key is required", "须写明流程定义")
        versions = {}
        for name in ("source_version", "target_version"):
            value = data.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise invalid(name, "a version number (1, 2, …) is required", "须为版本号（正整数）")
            versions[name] = value
        maps = {}
        for name in ("mapping", "redo", "timer_rules"):
            value = data.get(name) or {}
            if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                         for k, v in value.items()):
                raise invalid(name, "an object of element id → non-empty text is required",
                               "须为“元素编号 → 非空文字”的对象")
            maps[name] = {k: v.strip() for k, v in value.items()}
        procedures = data.get("procedures")
        if procedures is not None and (not isinstance(procedures, list) or not procedures or not all(
                isinstance(p, int) and not isinstance(p, bool) for p in procedures)):
            raise invalid("procedures", "a non-empty list of procedure ids, or null for a filter",
                           "须为程序编号列表，或为空以按条件筛选")
        sponsor = data.get("sponsor_org")
        if sponsor is not None and not isinstance(sponsor, str):
            raise invalid("sponsor_org", "an organisation code is required", "须为单位代码")
        return cls(key, versions["source_version"], versions["target_version"], maps["mapping"], maps["redo"],
                   maps["timer_rules"], tuple(procedures) if procedures is not None else None, sponsor)


def invalid(name: str, problem: str, problem_zh: str) -> MigrationPlanInvalid:
    """A bad field of the plan (or of its proposal), refused by name (DF-MIGRATE-PLAN)."""
    return MigrationPlanInvalid(field=name, problem=problem, problem_zh=problem_zh)


# --- the report -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One line of the proof: the rule it is about, whether it holds, what it says in both languages."""

    rule: str
    ok: bool
    en: str
    zh: str

    def as_payload(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class ProcedureReport:
    procedure_id: int
    title: str
    findings: tuple[Finding, ...]

    @property
    def lawful(self) -> bool:
        return all(f.ok for f in self.findings)

    def as_payload(self) -> dict[str, Any]:
        return {"procedure_id": self.procedure_id, "title": self.title, "lawful": self.lawful,
                "findings": [f.as_payload() for f in self.findings]}

    def text(self, language: str = "zh") -> str:
        """The report as legal staff read it: one line per finding, rule id first."""
        head = (f"程序 {self.procedure_id}《{self.title}》：{'可以依法迁移' if self.lawful else '不能迁移'}"
                if language == "zh" else
                f"Procedure {self.procedure_id} \"{self.title}\": "
                f"{'may migrate' if self.lawful else 'may NOT migrate'}")
        lines = [f"  [{'✓' if f.ok else '✗'}] {f.rule}  {f.zh if language == 'zh' else f.en}" for f in self.findings]
        return "\n".join([head, *lines])

    def refusal(self) -> DomainError | None:
        """The refusal of the first failing finding, with its rule (None when lawful)."""
        first = next((f for f in self.findings if not f.ok), None)
        if first is None:
            return None
        error = _ERRORS.get(first.rule, MigrationStepOwed)
        return error(procedure_id=self.procedure_id, problem=first.en, problem_zh=first.zh)


_ERRORS: dict[str, type[DomainError]] = {
    "DF-MIGRATE-PLAN": MigrationPlanInvalid, "DF-MIGRATE-POSITION": MigrationPositionMissing,
    "DF-MIGRATE-STEPS": MigrationStepOwed, "DF-MIGRATE-TIMER": MigrationTimerLost,
    "DF-MIGRATE-FORM": MigrationFormMissing,
}


# --- the proof ------------------------------------------------------------------------------------

@dataclass
class Moved:
    """The migrated workflow of a procedure whose proof holds, with what the move records."""

    before: runtime.Workflow
    workflow: runtime.Workflow
    mapping: dict[str, str]
    data_sha256: str


def not_running(migration_plan: MigrationPlan, procedure_id: int, title: str, status: str) -> ProcedureReport:
    """The report on a procedure the plan cannot move: it is not running on the source version."""
    return ProcedureReport(procedure_id, title, (Finding(
        "DF-MIGRATE-PLAN", False,
        f"the procedure is {status} and not running on {migration_plan.key} v{migration_plan.source_version}",
        f"该程序不是在 {migration_plan.key} 第 {migration_plan.source_version} 版上办理中的程序（状态：{status}）"),))


def prove(migration_plan: MigrationPlan, src: CompiledDefinition, tgt: CompiledDefinition, target_bpmn: bytes,
          procedure_id: int, title: str, state: Any, events: list[tuple[str, dict[str, Any]]],
          documents: int) -> tuple[ProcedureReport, Moved | None]:
    """The proof for one procedure running on `src`, from its `state`, its history's `events` (kind, payload)
    and the number of `documents` its steps hold; and, when the proof holds, the migrated workflow."""
    findings: list[Finding] = []
    workflow = src.serializer.load(state)
    mapping = _mapping(src, migration_plan.mapping)
    places = bm.places(workflow)
    position_ok = _positions(findings, src, tgt, workflow, places, mapping)
    done_kinds = _done_steps(findings, src, tgt, events, mapping, migration_plan.redo)
    if position_ok:
        _paths(findings, tgt, target_bpmn, places, mapping, done_kinds, migration_plan.redo)
    _timers(findings, src, tgt, places, mapping, migration_plan.timer_rules, workflow)
    _forms(findings, src, tgt, places, mapping)
    data_before = _data_digest(workflow)
    moved = None
    if all(f.ok for f in findings):
        before = src.serializer.load(state)
        try:
            migrated = tgt.serializer.load(tgt.serializer.dump(bm.migrate(workflow, tgt, mapping)))
        except Exception as error:  # the proof must not let a state through that the target cannot load
            findings.append(Finding("DF-MIGRATE-POSITION", False, f"the target cannot carry the state: {error}",
                                    f"目标版本无法承接该程序的运行状态：{error}"))
        else:
            same = _data_digest(migrated) == data_before and _waits(before) == _waits(migrated)
            findings.append(Finding(
                "DF-MIGRATE-FORM", same,
                f"data and documents carry over unchanged: {len(_task_data(before))} data fields, {documents} "
                f"document(s), digest {data_before[:12]}…; open steps and periods keep their ids and due dates",
                f"数据和文件原样保留：数据项 {len(_task_data(before))} 个，文件 {documents} 份，"
                f"摘要 {data_before[:12]}…；待办环节和期限的编号及到期时间不变"))
            if same:
                moved = Moved(before, migrated, mapping, data_before)
    return ProcedureReport(procedure_id, title, tuple(findings)), moved


def _mapping(src: CompiledDefinition, overrides: Mapping[str, str]) -> dict[str, str]:
    """Every source spec name → its target name: same name, or the override (also for SpiffWorkflow's
    names derived from an element id, such as `<task>.BoundaryEventSplit`)."""
    out = {}
    for name in src.spec.task_specs:
        base, dot, rest = name.partition(".")
        out[name] = overrides.get(name) or (f"{overrides[base]}.{rest}" if dot and base in overrides else name)
    return out


def _positions(findings: list[Finding], src: CompiledDefinition, tgt: CompiledDefinition, workflow: runtime.Workflow,
               places: list[bm.TaskPlace], mapping: dict[str, str]) -> bool:
    if bm.has_subprocesses(workflow):
        findings.append(Finding("DF-MIGRATE-POSITION", False, "the procedure runs a subprocess; migrating one is "
                                "not supported", "该程序正在办理子流程，暂不支持迁移"))
        return False
    ok = True
    for place in places:
        new = mapping[place.spec]
        if bm.spec_type(tgt, new) == bm.spec_type(src, place.spec) or (place.state == "WAITING" and place.timer):
            continue  # a running period is the timers' finding (DF-MIGRATE-TIMER)
        ok = False
        label = _label(src, place.spec)
        if place.state == "COMPLETED":
            findings.append(Finding("DF-MIGRATE-POSITION", False,
                                    f"{label}, already passed, has no counterpart {new} of the same type in the "
                                    "target; map it in the plan",
                                    f"已经过的 {label} 在目标版本中没有同类型的对应元素 {new}；须在计划中写明对应关系"))
        else:
            findings.append(Finding("DF-MIGRATE-POSITION", False,
                                    f"the current position {label} does not exist in the target (as {new})",
                                    f"当前所处的 {label} 在目标版本中不存在（{new}）"))
    here = sorted({_label(src, p.spec) for p in places if p.state in ("READY", "WAITING")
                   and p.spec in src.model.lines})
    if ok:
        findings.append(Finding("DF-MIGRATE-POSITION", True,
                                f"the current position exists in the target: {', '.join(here) or '-'}",
                                f"当前位置在目标版本中存在：{'、'.join(here) or '无'}"))
    return ok


def _done_steps(findings: list[Finding], src: CompiledDefinition, tgt: CompiledDefinition,
                events: list[tuple[str, dict[str, Any]]], mapping: dict[str, str],
                redo: Mapping[str, str]) -> list[str]:
    """The kinds of the statutory steps done that still count, in order; a line for each that does not."""
    kinds: list[str] = []
    for kind, payload in events:
        if kind != "task_completed":
            continue
        spec, step_kind = str(payload.get("step", "")), str(payload.get("step_kind", ""))
        if not step_kind or step_kind == StepKind.generic:
            continue
        label = _label(src, spec)
        if spec in redo:
            findings.append(Finding("DF-MIGRATE-STEPS", True, f"{label} ({step_kind}) is to be done again: "
                                    f"{redo[spec]}", f"{label}（{step_kind}）须重新办理：{redo[spec]}"))
            continue
        meta = tgt.model.task(mapping.get(spec, spec))
        if meta is not None and meta.step_kind == step_kind:
            kinds.append(step_kind)
            continue
        findings.append(Finding("DF-MIGRATE-STEPS", False,
                                f"{label} ({step_kind}), already done, has no step of that kind in the target; "
                                "map it, or name it in the plan to be redone with the reason",
                                f"已办结的 {label}（{step_kind}）在目标版本中没有同类型的环节；须写明对应关系，"
                                "或者在计划中写明重新办理及其理由"))
    if kinds:
        findings.append(Finding("DF-MIGRATE-STEPS", True,
                                f"{len(kinds)} statutory step(s) done still count in the target",
                                f"已办结的 {len(kinds)} 个法定环节在目标版本中继续有效"))
    return kinds


def _paths(findings: list[Finding], tgt: CompiledDefinition, target_bpmn: bytes, places: list[bm.TaskPlace],
           mapping: dict[str, str], done_kinds: list[str], redo: Mapping[str, str]) -> None:
    graph = bm.graph_of(target_bpmn)
    positions = [mapping[p.spec] for p in places if p.state in ("READY", "WAITING")]
    for owed in bm.owed_paths(tgt.statute, graph, done_kinds, positions):
        through = "/".join(owed.through)
        if owed.path is None:
            findings.append(Finding(owed.rule, True, f"still owed ({through}); every remaining path in the target "
                                    "passes it", f"尚未履行（{through}）；目标版本的每条剩余路径都经过该环节"))
        else:
            findings.append(Finding("DF-MIGRATE-STEPS", False,
                                    f"{owed.rule}: {owed.message}, from the current position: {owed.path}",
                                    f"{owed.rule}：从当前位置起，目标版本有一条路径未经过尚未履行的"
                                    f"{through}：{owed.path}"))
    for spec, reason in redo.items():
        kind = tgt.model.task(mapping.get(spec, spec))
        kinds = [kind.step_kind] if kind is not None and kind.step_kind else []
        path = bm.path_avoiding(graph, [p for p in positions if p in graph.nodes], graph.ends(),
                                graph.of_kind(*kinds)) if kinds else ["?"]
        if path is not None:
            findings.append(Finding("DF-MIGRATE-STEPS", False,
                                    f"{spec} is named to be redone ({reason}) but a remaining path skips it: "
                                    f"{graph.path_text(path) if kinds else spec}",
                                    f"计划要求重新办理 {spec}（{reason}），但有一条剩余路径未经过该环节"))


def _timers(findings: list[Finding], src: CompiledDefinition, tgt: CompiledDefinition, places: list[bm.TaskPlace],
            mapping: dict[str, str], rules: Mapping[str, str], workflow: runtime.Workflow) -> None:
    due = {t.task_id: t.due_at for t in runtime.snapshot(workflow).timers.values()}
    for place in places:
        if place.state != "WAITING" or place.timer is None:
            continue
        label, new = _label(src, place.spec), mapping[place.spec]
        when = due.get(place.task_id)
        shown = when.isoformat() if when is not None else "?"
        expression = bm.target_timer(tgt, new)
        if expression is None:
            findings.append(Finding("DF-MIGRATE-TIMER", False,
                                    f"the running period {label} (due {shown}) has no counterpart in the target: "
                                    "it would be lost",
                                    f"正在计算的期限 {label}（{shown} 届满）在目标版本中不存在，迁移将使其丢失"))
        elif expression != place.timer and place.spec not in rules:
            findings.append(Finding("DF-MIGRATE-TIMER", False,
                                    f"the rule of the running period {label} changed ({place.timer} → {expression}); "
                                    "the plan must name the rule under which its due date is kept",
                                    f"正在计算的期限 {label} 的规则已改变（{place.timer} → {expression}）；"
                                    "计划须写明据以保留原到期时间的规则"))
        else:
            rule = f" under {rules[place.spec]}" if expression != place.timer else ""
            rule_zh = f"，依据 {rules[place.spec]}" if expression != place.timer else ""
            findings.append(Finding("DF-MIGRATE-TIMER", True, f"the running period {label} keeps its due date "
                                    f"{shown}{rule}", f"正在计算的期限 {label} 保留原到期时间 {shown}{rule_zh}"))


def _forms(findings: list[Finding], src: CompiledDefinition, tgt: CompiledDefinition, places: list[bm.TaskPlace],
           mapping: dict[str, str]) -> None:
    """The form an open step was opened with must still exist in the target: what the user may have kept
    (暂存) and what the step asks for are read from it; a changed but existing form is shown."""
    for place in places:
        meta = src.model.task(place.spec)
        if place.state != "READY" or meta is None:
            continue
        new = tgt.model.task(mapping[place.spec])
        label = _label(src, place.spec)
        if new is None:
            continue  # the position's own finding (DF-MIGRATE-POSITION)
        if meta.form not in tgt.forms:
            findings.append(Finding("DF-MIGRATE-FORM", False, f"the form {meta.form} of the open step {label} "
                                    "does not exist in the target",
                                    f"待办环节 {label} 的表单 {meta.form} 在目标版本中不存在"))
        elif new.form != meta.form:
            findings.append(Finding("DF-MIGRATE-FORM", True, f"the open step {label} changes form: {meta.form} → "
                                    f"{new.form}, both in the target",
                                    f"待办环节 {label} 的表单由 {meta.form} 改为 {new.form}，两者在目标版本中均存在"))
        else:
            findings.append(Finding("DF-MIGRATE-FORM", True, f"the open step {label} keeps its form {meta.form}",
                                    f"待办环节 {label} 的表单 {meta.form} 在目标版本中存在"))


def _label(compiled: CompiledDefinition, spec: str) -> str:
    meta = compiled.model.task(spec)
    return f"{spec}（{meta.name}）" if meta is not None and meta.name != spec else spec


def _task_data(workflow: runtime.Workflow) -> dict[str, Any]:
    return dict(workflow.last_task.data) if workflow.last_task is not None else dict(workflow.data)


def _data_digest(workflow: runtime.Workflow) -> str:
    """SHA-256 over the data of every reached task: what the steps recorded, which a migration must not touch."""
    data = {str(p.task_id): runtime.task_data(workflow, p.task_id) for p in bm.places(workflow)}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)  # task data may hold dates
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _waits(workflow: runtime.Workflow) -> tuple[frozenset[str], dict[str, str]]:
    snap = runtime.snapshot(workflow)
    return frozenset(snap.ready), {t: p.due_at.isoformat() for t, p in snap.timers.items()}
