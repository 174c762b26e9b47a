"""Migrating running procedures to another version of their definition, proven lawful (issue 24).

When the rules change mid-procedure, a changed definition is deployed as version n+1 and the
procedures already running stay on version n. A *plan* moves some of them: the source and target
version, the element mapping (same id by default, explicit where an id changed), which done steps
must be redone and why, and which rule keeps a period's due date when the period's rule changed.

`check` is the dry run: for each procedure a report for legal staff (Chinese and English, rule ids)
that proves, before anything changes, that the current position exists in the target, that every
statutory step done still counts (or is named to redo), that every remaining path from here satisfies
the target's statute (engine/bpmn/compliance.py's path check, started from the present), that running
periods keep their due dates, that the forms of open steps exist and that data and documents carry over.

Four eyes (DF-MIGRATE-APPROVAL): the legality review office `propose`s with a reason; another
authorised person `approve`s, and each procedure then migrates in its own transaction recorded as
one chained `procedure_migrated` event with the plan, reason, both people and the proof. A procedure
whose proof fails at that moment is refused and left as it was; the others go on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from engine.bpmn import migration as bm
from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.domain.actors import Actor
from engine.domain.errors import (
    AdministratorBarred,
    DomainError,
    MigrationDecided,
    MigrationForbidden,
    MigrationFormMissing,
    MigrationPlanInvalid,
    MigrationPositionMissing,
    MigrationProposalNotFound,
    MigrationStepOwed,
    MigrationTimerLost,
)
from engine.domain.roles import ADMIN
from engine.domain.steps import StepKind
from engine.persistence.tables import Definition, Event, MigrationProposal, Organisation, Procedure, Timer, WorkItem
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, definitions, history, paging, progress
from engine.services.paging import Page
from engine.services.record import _refs

__all__ = ["approve", "check", "plan", "proposals", "propose", "reject"]

PROPOSER_ROLE = "legality_reviewer"
REVIEW_OFFICE = "review_office"
APPROVER_ROLES = ("legality_reviewer", "decision_organ")
CHECK_ROLES = ("legality_reviewer", "decision_organ", "auditor")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
EVENT = "procedure_migrated"
MAX_REASON = 2000


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
            raise _invalid("plan", "a JSON object is required", "须为 JSON 对象")
        key = data.get("key")
        if not isinstance(key, str) or not key:
            raise _invalid("key", "the definition key is required", "须写明流程定义")
        versions = {}
        for name in ("source_version", "target_version"):
            value = data.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _invalid(name, "a version number (1, 2, …) is required", "须为版本号（正整数）")
            versions[name] = value
        maps = {}
        for name in ("mapping", "redo", "timer_rules"):
            value = data.get(name) or {}
            if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                         for k, v in value.items()):
                raise _invalid(name, "an object of element id → non-empty text is required",
                               "须为“元素编号 → 非空文字”的对象")
            maps[name] = {k: v.strip() for k, v in value.items()}
        procedures = data.get("procedures")
        if procedures is not None and (not isinstance(procedures, list) or not procedures or not all(
                isinstance(p, int) and not isinstance(p, bool) for p in procedures)):
            raise _invalid("procedures", "a non-empty list of procedure ids, or null for a filter",
                           "须为程序编号列表，或为空以按条件筛选")
        sponsor = data.get("sponsor_org")
        if sponsor is not None and not isinstance(sponsor, str):
            raise _invalid("sponsor_org", "an organisation code is required", "须为单位代码")
        return cls(key, versions["source_version"], versions["target_version"], maps["mapping"], maps["redo"],
                   maps["timer_rules"], tuple(procedures) if procedures is not None else None, sponsor)


def _invalid(name: str, problem: str, problem_zh: str) -> MigrationPlanInvalid:
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


@dataclass(frozen=True)
class Outcome:
    """What happened to one procedure of an approved batch."""

    procedure_id: int
    migrated: bool
    rule: str | None
    message: str
    message_zh: str
    seq: int | None = None

    def as_payload(self) -> dict[str, Any]:
        return {"procedure_id": self.procedure_id, "migrated": self.migrated, "rule": self.rule,
                "message": self.message, "message_zh": self.message_zh, "seq": self.seq}


@dataclass(frozen=True)
class ProposalView:
    id: int
    plan: MigrationPlan
    reason: str
    status: str
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    results: tuple[Outcome, ...]


# --- services -----------------------------------------------------------------------------------

def plan(uow: UnitOfWork, actor: Actor, data: Any) -> tuple[MigrationPlan, list[int]]:
    """Validate a plan against the deployed versions and name the procedures it selects; changes nothing."""
    _require(actor, CHECK_ROLES, "plan", "计划")
    migration_plan = MigrationPlan.from_payload(data)
    with uow.read():
        source, _target = _versions(uow, migration_plan)
        return migration_plan, _selected(uow, migration_plan, source)


def check(uow: UnitOfWork, actor: Actor, data: Any) -> list[ProcedureReport]:
    """The dry run: one report per selected procedure, before anything changes."""
    _require(actor, CHECK_ROLES, "check", "审查")
    migration_plan = MigrationPlan.from_payload(data)
    with uow.read():
        source, target = _versions(uow, migration_plan)
        return [_prove(uow, migration_plan, source, target, uow.session.get(Procedure, pid))[0]
                for pid in _selected(uow, migration_plan, source)]


def propose(uow: UnitOfWork, actor: Actor, data: Any, reason: str) -> ProposalView:
    """The legality review office proposes a plan, with its reason; nothing migrates yet."""
    with uow:
        _require_review_office(uow, actor)
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON:
            raise _invalid("reason", f"a reason of 1 to {MAX_REASON} characters is required",
                           f"须说明 1 至 {MAX_REASON} 个字符的理由")
        migration_plan = MigrationPlan.from_payload(data)
        source, _target = _versions(uow, migration_plan)
        if not _selected(uow, migration_plan, source):
            raise _invalid("procedures", "the plan selects no running procedure on the source version",
                           "计划未选中原版本上任何办理中的程序")
        row = MigrationProposal(key=migration_plan.key, source_version=migration_plan.source_version,
                                target_version=migration_plan.target_version, plan=migration_plan.as_payload(),
                                reason=reason, status=PENDING, proposed_by=actor.username,
                                proposed_at=uow.clock.now(), decided_by=None, decided_at=None, results=None)
        uow.session.add(row)
        uow.session.flush()
        adminlog.append(uow, actor.username, "migration_proposed", f"migration:{row.id}",
                        {"proposal": row.id, "key": row.key, "source_version": row.source_version,
                         "target_version": row.target_version, "plan": row.plan, "reason": reason}, row.proposed_at)
        view = _view(row)
        uow.commit()
        return view


def proposals(uow: UnitOfWork, actor: Actor, status: str | None = None, after: str | None = None,
              limit: int | None = None) -> Page[ProposalView]:
    """Migration proposals, newest first, one page of `limit` (paging.PAGE_SIZE) at a time: `after` is the
    last row's id, and the page seeks the primary key from there (issue 21)."""
    _require(actor, CHECK_ROLES, "read", "查看")
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    with uow.read():
        query = select(MigrationProposal).order_by(MigrationProposal.id.desc()).limit(n + 1)
        if status:
            query = query.where(MigrationProposal.status == status)
        if key is not None:
            query = query.where(MigrationProposal.id < key[0])
        rows = list(uow.session.scalars(query))
        more, rows = len(rows) > n, rows[:n]
        return Page(tuple(_view(r) for r in rows), paging.encode(rows[-1].id) if more else None)


def reject(uow: UnitOfWork, actor: Actor, proposal_id: int) -> ProposalView:
    """Not migrating is the safe direction: an authorised person, the proposer included, rejects."""
    _require(actor, APPROVER_ROLES, "reject", "驳回")
    with uow:
        row = _pending(uow, proposal_id)
        row.status, row.decided_by, row.decided_at = REJECTED, actor.username, uow.clock.now()
        _log_decision(uow, row)
        view = _view(row)
        uow.commit()
        return view


def approve(uow: UnitOfWork, actor: Actor, proposal_id: int) -> ProposalView:
    """A second authorised person approves: each selected procedure migrates in its own transaction.

    The proof is taken again under the procedure's lock; a procedure that fails it (or changed meanwhile
    so that it no longer qualifies) is refused and left unchanged, and the batch goes on."""
    _require(actor, APPROVER_ROLES, "approve", "批准")
    with uow:
        row = _pending(uow, proposal_id)
        if row.proposed_by == actor.username:
            raise MigrationForbidden(username=actor.username, action="approve", action_zh="批准",
                                     problem=f"they proposed migration {proposal_id}; another person must approve it",
                                     problem_zh=f"迁移申请 {proposal_id} 由其本人提出，须由另一人批准")
        row.status, row.decided_by, row.decided_at = APPROVED, actor.username, uow.clock.now()
        _log_decision(uow, row)
        migration_plan = MigrationPlan.from_payload(row.plan)
        source, _target = _versions(uow, migration_plan)
        selected = _selected(uow, migration_plan, source)
        proposal = {"id": row.id, "reason": row.reason, "proposed_by": row.proposed_by,
                    "proposed_at": row.proposed_at.isoformat(), "approved_by": actor.username}
        uow.commit()  # decided once, whatever the batch does
    outcomes = [_apply_one(uow.engine.uow(), actor, migration_plan, proposal, pid) for pid in selected]
    with uow:
        row = uow.session.get(MigrationProposal, proposal_id)
        assert row is not None
        row.results = [o.as_payload() for o in outcomes]
        adminlog.append(uow, actor.username, "migration_results", f"migration:{row.id}",
                        {"proposal": row.id, "results": row.results}, uow.clock.now())
        view = _view(row)
        uow.commit()
        return view


# --- one procedure --------------------------------------------------------------------------------

def _apply_one(uow: UnitOfWork, actor: Actor, migration_plan: MigrationPlan, proposal: dict[str, Any],
               procedure_id: int) -> Outcome:
    """One procedure, one transaction: proof, new state, work items and timers, the chained event."""
    try:
        with uow:
            procedure = uow.lock_procedure(procedure_id)
            source, target = _versions(uow, migration_plan)
            report, moved = _prove(uow, migration_plan, source, target, procedure)
            refusal = report.refusal()
            if refusal is not None:
                raise refusal
            assert moved is not None
            now = uow.clock.now()
            compiled = definitions.load_compiled(uow, target.id)
            before = runtime.snapshot(moved.before)
            after = runtime.snapshot(moved.workflow)
            change = progress.record(uow, procedure, compiled, moved.workflow, before, after, now)
            remapped = _remap_items(uow, procedure, compiled, moved)
            timers_remapped = _remap_timers(uow, procedure, moved)
            procedure.definition_id = target.id
            procedure.state = compiled.serializer.dump(moved.workflow)
            procedure.version += 1
            payload = {"definition": _ref(target), "from": _ref(source), "plan": migration_plan.as_payload(),
                       "proposal": proposal, "proof": report.as_payload(), "by": actor.as_payload(),
                       "data_sha256": moved.data_sha256, **change.as_payload(), "status": procedure.status,
                       "state_sha256": progress.state_sha256(procedure.state)}
            if remapped:
                payload["remapped"] = remapped
            if timers_remapped:
                payload["timers_remapped"] = timers_remapped
            history.append(uow, procedure, EVENT, actor.username, None, payload, now)
            uow.session.flush()
            seq = procedure.head_seq
            uow.commit()
            return Outcome(procedure_id, True, None, f"migrated to version {target.version} (event {seq})",
                           f"已迁移至第 {target.version} 版（记录第 {seq} 条）", seq)
    except DomainError as error:
        return Outcome(procedure_id, False, error.rule, error.message("en"), error.message("zh_CN"))


@dataclass
class _Moved:
    before: runtime.Workflow
    workflow: runtime.Workflow
    mapping: dict[str, str]
    data_sha256: str


def _prove(uow: UnitOfWork, migration_plan: MigrationPlan, source: Definition, target: Definition,
           procedure: Procedure | None) -> tuple[ProcedureReport, _Moved | None]:
    """The proof for one procedure, and (when it holds) the migrated workflow, in memory only."""
    if procedure is None:
        raise _invalid("procedures", "a procedure of the plan does not exist", "计划所列程序不存在")
    findings: list[Finding] = []
    if procedure.definition_id != source.id or procedure.status != progress.RUNNING:
        findings.append(Finding("DF-MIGRATE-PLAN", False,
                                f"the procedure is {procedure.status} and not running on {source.key} "
                                f"v{source.version}",
                                f"该程序不是在 {source.key} 第 {source.version} 版上办理中的程序"
                                f"（状态：{procedure.status}）"))
        return ProcedureReport(procedure.id, procedure.title, tuple(findings)), None
    src = definitions.load_compiled(uow, source.id)
    tgt = definitions.load_compiled(uow, target.id)
    workflow = src.serializer.load(procedure.state)
    mapping = _mapping(src, migration_plan.mapping)
    places = bm.places(workflow)
    events = [(e.kind, e.payload) for e in uow.session.scalars(
        select(Event).where(Event.procedure_id == procedure.id).order_by(Event.seq))]
    position_ok = _positions(findings, src, tgt, workflow, places, mapping)
    done_kinds = _done_steps(findings, src, tgt, events, mapping, migration_plan.redo)
    if position_ok:
        _paths(findings, tgt, target, places, mapping, done_kinds, migration_plan.redo)
    _timers(findings, src, tgt, places, mapping, migration_plan.timer_rules, workflow)
    _forms(findings, src, tgt, places, mapping)
    documents = sum(1 for kind, payload in events if kind == "task_completed" for _ in _refs(payload.get("data")))
    data_before = _data_digest(workflow)
    moved = None
    if all(f.ok for f in findings):
        before = src.serializer.load(procedure.state)
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
                moved = _Moved(before, migrated, mapping, data_before)
    return ProcedureReport(procedure.id, procedure.title, tuple(findings)), moved


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


def _paths(findings: list[Finding], tgt: CompiledDefinition, target: Definition, places: list[bm.TaskPlace],
           mapping: dict[str, str], done_kinds: list[str], redo: Mapping[str, str]) -> None:
    graph = bm.graph_of(target.bpmn.encode("utf-8"))
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


def _remap_items(uow: UnitOfWork, procedure: Procedure, compiled: CompiledDefinition, moved: _Moved) -> list[dict]:
    """Open work items whose element or its title, kind, role or unit changed: updated, and said in the event."""
    out = []
    items = uow.session.scalars(select(WorkItem).where(WorkItem.procedure_id == procedure.id,
                                                       WorkItem.status == "open"))
    for item in items:
        meta = compiled.model.task(moved.mapping.get(item.spec, item.spec))
        assert meta is not None and meta.role is not None and meta.step_kind is not None  # proven above
        org = procedure.sponsor_org if meta.org == "sponsor" else meta.org
        new = {"spec": meta.id, "title": meta.name, "step_kind": meta.step_kind, "role": meta.role, "org": org}
        if all(getattr(item, k) == v for k, v in new.items()):
            continue
        uow.session.execute(update(WorkItem).where(WorkItem.task_id == item.task_id).values(**new))
        out.append({"task": item.task_id, "step": meta.id, "title": meta.name, "kind": meta.step_kind,
                    "role": meta.role, "org": org})
    return out


def _remap_timers(uow: UnitOfWork, procedure: Procedure, moved: _Moved) -> list[dict]:
    out = []
    for timer in uow.session.scalars(select(Timer).where(Timer.procedure_id == procedure.id,
                                                         Timer.status == "pending")):
        new = moved.mapping.get(timer.spec, timer.spec)
        if new != timer.spec:
            uow.session.execute(update(Timer).where(Timer.id == timer.id).values(spec=new))
            out.append({"task": timer.task_id, "step": new})
    return out


# --- helpers --------------------------------------------------------------------------------------

def _versions(uow: UnitOfWork, migration_plan: MigrationPlan) -> tuple[Definition, Definition]:
    if migration_plan.source_version == migration_plan.target_version:
        raise _invalid("target_version", "the target must be another version than the source",
                       "目标版本须不同于原版本")
    found = []
    for name, version in (("source_version", migration_plan.source_version),
                          ("target_version", migration_plan.target_version)):
        row = uow.session.scalars(select(Definition).where(Definition.key == migration_plan.key,
                                                           Definition.version == version)).one_or_none()
        if row is None:
            raise _invalid(name, f"{migration_plan.key} has no deployed version {version}",
                           f"流程定义 {migration_plan.key} 没有已部署的第 {version} 版")
        found.append(row)
    source, target = found
    src, tgt = definitions.load_compiled(uow, source.id), definitions.load_compiled(uow, target.id)
    for name, ids, compiled in (("mapping", migration_plan.mapping, src), ("redo", migration_plan.redo, src),
                                ("timer_rules", migration_plan.timer_rules, src)):
        unknown = sorted(set(ids) - set(compiled.spec.task_specs))
        if unknown:
            raise _invalid(name, f"no element {unknown[0]} in {source.key} v{source.version}",
                           f"原版本中没有元素 {unknown[0]}")
    unknown = sorted(set(migration_plan.mapping.values()) - set(tgt.spec.task_specs))
    if unknown:
        raise _invalid("mapping", f"no element {unknown[0]} in {target.key} v{target.version}",
                       f"目标版本中没有元素 {unknown[0]}")
    return source, target


def _selected(uow: UnitOfWork, migration_plan: MigrationPlan, source: Definition) -> list[int]:
    if migration_plan.procedures is not None:
        missing = [p for p in migration_plan.procedures if uow.session.get(Procedure, p) is None]
        if missing:
            raise _invalid("procedures", f"procedure {missing[0]} does not exist", f"程序 {missing[0]} 不存在")
        return list(migration_plan.procedures)
    query = select(Procedure.id).where(Procedure.definition_id == source.id, Procedure.status == progress.RUNNING)
    if migration_plan.sponsor_org:
        query = query.where(Procedure.sponsor_org == migration_plan.sponsor_org)
    return list(uow.session.scalars(query.order_by(Procedure.id)))


def _require(actor: Actor, roles: tuple[str, ...], action: str, action_zh: str) -> None:
    if actor.holds(ADMIN):  # reports name procedures and their steps: never an administrator's (DF-ADMIN-SEPARATION)
        raise AdministratorBarred(username=actor.username)
    if not any(actor.holds(role) for role in roles):
        raise MigrationForbidden(username=actor.username, action=action, action_zh=action_zh,
                                 problem=f"it takes one of the roles {', '.join(roles)}",
                                 problem_zh=f"须具备以下角色之一：{'、'.join(roles)}")


def _require_review_office(uow: UnitOfWork, actor: Actor) -> None:
    if actor.holds(ADMIN):
        raise AdministratorBarred(username=actor.username)
    kind = uow.session.scalars(select(Organisation.kind).where(Organisation.code == actor.org)).first()
    if not actor.holds(PROPOSER_ROLE) or kind != REVIEW_OFFICE:
        raise MigrationForbidden(username=actor.username, action="propose", action_zh="提出",
                                 problem="only the legality review office (role legality_reviewer in a review office) "
                                 "proposes a migration",
                                 problem_zh="只有合法性审查机构人员（审查机构中具备 legality_reviewer 角色）"
                                 "可以提出迁移")


def _pending(uow: UnitOfWork, proposal_id: int) -> MigrationProposal:
    row = uow.session.scalars(select(MigrationProposal).where(MigrationProposal.id == proposal_id)
                              .with_for_update()).one_or_none()
    if row is None:
        raise MigrationProposalNotFound(proposal_id=proposal_id)
    if row.status != PENDING:
        raise MigrationDecided(proposal_id=proposal_id, status=row.status,
                               status_zh={APPROVED: "批准", REJECTED: "驳回"}.get(row.status, row.status))
    return row


def _log_decision(uow: UnitOfWork, row: MigrationProposal) -> None:
    """Who decided and how, in the administration log, so that verify rebuilds the proposal's row from it."""
    assert row.decided_by is not None and row.decided_at is not None
    adminlog.append(uow, row.decided_by, "migration_decided", f"migration:{row.id}",
                    {"proposal": row.id, "status": row.status}, row.decided_at)


def _view(row: MigrationProposal) -> ProposalView:
    results = tuple(Outcome(**r) for r in (row.results or []))
    return ProposalView(row.id, MigrationPlan.from_payload(row.plan), row.reason, row.status, row.proposed_by,
                        row.proposed_at, row.decided_by, row.decided_at, results)


def _ref(row: Definition) -> dict[str, Any]:
    return {"key": row.key, "version": row.version, "sha256": row.sha256}


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
