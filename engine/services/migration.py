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
The proof itself is pure and lives in engine/bpmn/migration_law.py; this module reads what it needs.

Four eyes (DF-MIGRATE-APPROVAL): the legality review office `propose`s with a reason; another
authorised person `approve`s, and each procedure then migrates in its own transaction recorded as
one chained `procedure_migrated` event with the plan, reason, both people and the proof. A procedure
whose proof fails at that moment is refused and left as it was; the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from engine.bpmn import migration_law as law
from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.bpmn.migration_law import MigrationPlan, Moved, ProcedureReport, invalid
from engine.domain.actors import Actor
from engine.domain.errors import (
    AdministratorBarred,
    DomainError,
    MigrationDecided,
    MigrationForbidden,
    MigrationProposalNotFound,
)
from engine.domain.roles import ADMIN
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


# --- what the use cases return -------------------------------------------------------------------

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
            raise invalid("reason", f"a reason of 1 to {MAX_REASON} characters is required",
                           f"须说明 1 至 {MAX_REASON} 个字符的理由")
        migration_plan = MigrationPlan.from_payload(data)
        source, _target = _versions(uow, migration_plan)
        if not _selected(uow, migration_plan, source):
            raise invalid("procedures", "the plan selects no running procedure on the source version",
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


def _prove(uow: UnitOfWork, migration_plan: MigrationPlan, source: Definition, target: Definition,
           procedure: Procedure | None) -> tuple[ProcedureReport, Moved | None]:
    """Read what the proof needs (engine/bpmn/migration_law.py) and take it, in memory only."""
    if procedure is None:
        raise invalid("procedures", "a procedure of the plan does not exist", "计划所列程序不存在")
    if procedure.definition_id != source.id or procedure.status != progress.RUNNING:
        return law.not_running(migration_plan, procedure.id, procedure.title, procedure.status), None
    events = [(e.kind, e.payload) for e in uow.session.scalars(
        select(Event).where(Event.procedure_id == procedure.id).order_by(Event.seq))]
    documents = sum(1 for kind, payload in events if kind == "task_completed" for _ in _refs(payload.get("data")))
    return law.prove(migration_plan, definitions.load_compiled(uow, source.id),
                     definitions.load_compiled(uow, target.id), target.bpmn.encode("utf-8"),
                     procedure.id, procedure.title, procedure.state, events, documents)


def _remap_items(uow: UnitOfWork, procedure: Procedure, compiled: CompiledDefinition, moved: Moved) -> list[dict]:
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


def _remap_timers(uow: UnitOfWork, procedure: Procedure, moved: Moved) -> list[dict]:
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
        raise invalid("target_version", "the target must be another version than the source",
                       "目标版本须不同于原版本")
    found = []
    for name, version in (("source_version", migration_plan.source_version),
                          ("target_version", migration_plan.target_version)):
        row = uow.session.scalars(select(Definition).where(Definition.key == migration_plan.key,
                                                           Definition.version == version)).one_or_none()
        if row is None:
            raise invalid(name, f"{migration_plan.key} has no deployed version {version}",
                           f"流程定义 {migration_plan.key} 没有已部署的第 {version} 版")
        found.append(row)
    source, target = found
    src, tgt = definitions.load_compiled(uow, source.id), definitions.load_compiled(uow, target.id)
    for name, ids, compiled in (("mapping", migration_plan.mapping, src), ("redo", migration_plan.redo, src),
                                ("timer_rules", migration_plan.timer_rules, src)):
        unknown = sorted(set(ids) - set(compiled.spec.task_specs))
        if unknown:
            raise invalid(name, f"no element {unknown[0]} in {source.key} v{source.version}",
                           f"原版本中没有元素 {unknown[0]}")
    unknown = sorted(set(migration_plan.mapping.values()) - set(tgt.spec.task_specs))
    if unknown:
        raise invalid("mapping", f"no element {unknown[0]} in {target.key} v{target.version}",
                       f"目标版本中没有元素 {unknown[0]}")
    return source, target


def _selected(uow: UnitOfWork, migration_plan: MigrationPlan, source: Definition) -> list[int]:
    if migration_plan.procedures is not None:
        missing = [p for p in migration_plan.procedures if uow.session.get(Procedure, p) is None]
        if missing:
            raise invalid("procedures", f"procedure {missing[0]} does not exist", f"程序 {missing[0]} 不存在")
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
