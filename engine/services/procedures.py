"""Procedures: start one on the latest definition version, read them, withdraw one.

Withdrawal is the law's way to stop a procedure (a recorded terminal state, by the
decision organ only); there is no delete, reset or edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import defer

from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.bpmn.profiles import PROFILES
from engine.crypto_suite import genesis, hash_alg
from engine.domain import finality
from engine.domain.actors import Actor
from engine.domain.errors import (
    AdministratorBarred,
    DecisionIsFinal,
    ProcedureEnded,
    ProcedureNotFound,
    StartForbidden,
    StartInvalid,
    WithdrawForbidden,
    WithdrawInvalid,
)
from engine.domain.roles import ADMIN
from engine.domain.rules import CANCELLED, OPEN
from engine.domain.steps import StepKind
from engine.forms import require_json_object
from engine.persistence import tallies
from engine.persistence.tables import Definition, Event, Organisation, Procedure, Timer, WorkItem
from engine.persistence.uow import UnitOfWork
from engine.services import definitions, history, paging, progress
from engine.services.paging import Page
from engine.services.title_search import TitleFilter
from engine.services.views import ProcedureView, TimerView
from engine.workdays import local_date

__all__ = ["get", "search", "search_page", "search_visible", "search_visible_page", "start", "withdraw"]

SPONSOR_ROLE = "sponsor"
DECISION_ORGAN_ROLE = "decision_organ"
OVERSIGHT_ROLES = ("auditor", DECISION_ORGAN_ROLE, "supervisor")
"""Who sees every procedure and its record (DF-VIEW): auditors, the decision organ (which may withdraw
any), supervisors (the board links every late step); the others see their own unit's."""
MAX_TITLE = 300
STARTED_BY_SERVICE = {"nd_cleanup": "the legality review office's clean-up start or the yearly worker (ND-9)"}
"""Definitions no sponsor starts: their own service starts them (through `create`), with its own checks."""


def _require_statute(compiled: CompiledDefinition) -> None:
    """Defence in depth behind deploy's check: statutory steps run only under their statute's guards."""
    statutory = sorted({t.step_kind for t in compiled.model.tasks.values() if t.step_kind != StepKind.generic})
    if statutory and compiled.statute not in PROFILES:
        raise RuntimeError(f"definition {compiled.key} has statutory steps ({', '.join(map(str, statutory))}) "
                           f"but statute {compiled.statute!r}: it cannot have passed deploy")


def start(uow: UnitOfWork, key: str, title: str, sponsor_org: str, actor: Actor,
          facts: dict[str, Any] | None = None) -> ProcedureView:
    """Start a procedure on the latest version of `key`, sponsored by `sponsor_org`.

    Who asks is checked first: only a sponsor starts (StartForbidden), and only for their own unit."""
    if not actor.holds(SPONSOR_ROLE):
        raise StartForbidden(username=actor.username)
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise StartInvalid(field="title", problem=f"a title of 1 to {MAX_TITLE} characters is required",
                           problem_zh=f"标题须为 1 至 {MAX_TITLE} 个字符")
    if actor.org != sponsor_org:
        raise StartInvalid(field="sponsor_org",
                           problem=f"{actor.username} is not a sponsor (role sponsor) of {sponsor_org}",
                           problem_zh=f"{actor.username} 不是该承办单位的决策承办人员")
    if key in STARTED_BY_SERVICE:
        raise StartInvalid(field="definition", problem=f"{key} is started by {STARTED_BY_SERVICE[key]}",
                           problem_zh="该程序由专门的启动入口启动，不能在此直接启动")
    require_json_object(facts or {}, "facts")
    with uow:
        view = create(uow, key, title, sponsor_org, actor, facts or {})
        uow.commit()
        return view


def create(uow: UnitOfWork, key: str, title: str, sponsor_org: str, actor: Actor, facts: dict[str, Any],
           seed: dict[str, Any] | None = None) -> ProcedureView:
    """Start a procedure inside the caller's open unit of work, without committing.

    For `start`, and for services whose start belongs to a larger change of one transaction (the
    yearly clean-up and its scheduled-run row, engine/services/cleanup.py). `seed` is data the engine
    derives at the start, never a client's: it joins the county's configuration in the workflow."""
    if uow.session.scalars(select(Organisation.id).where(Organisation.code == sponsor_org)).first() is None:
        raise StartInvalid(field="sponsor_org", problem=f"unknown organisation {sponsor_org}",
                           problem_zh=f"不存在单位 {sponsor_org}")
    definition = definitions._latest(uow, key)
    compiled = definitions.load_compiled(uow, definition.id)
    _require_statute(compiled)
    now = uow.clock.now()
    configuration = {f"county_{step}": step in uow.settings.county_steps for step in ("sc5", "sc6")}
    configuration.update(seed or {})
    workflow = runtime.start(compiled, now, configuration)
    procedure = Procedure(definition_id=definition.id, title=title, sponsor_org=sponsor_org,
                          status=progress.RUNNING, state=compiled.serializer.dump(workflow), version=1,
                          head_seq=0, head_hash=genesis(hash_alg(uow.settings.crypto_suite)), started_by=actor.username,
                          started_at=now, ended_at=None)
    uow.session.add(procedure)
    uow.session.flush()
    empty = runtime.Snapshot({}, {})
    moved = progress.record(uow, procedure, compiled, workflow, empty, runtime.snapshot(workflow), now)
    progress.finish_if_done(procedure, workflow.is_completed(), now)
    payload = {"definition": {"key": definition.key, "version": definition.version,
                              "sha256": definition.sha256},
               "title": title, "sponsor_org": sponsor_org, "facts": facts, "configuration": configuration,
               "by": actor.as_payload(), **moved.as_payload(), "status": procedure.status,
               "state_sha256": progress.state_sha256(procedure.state)}
    history.append(uow, procedure, "procedure_started", actor.username, None, payload, now)
    uow.session.flush()
    return view_of(uow, procedure, definition)


def get(uow: UnitOfWork, procedure_id: int) -> ProcedureView:
    with uow.read():
        procedure = uow.session.get(Procedure, procedure_id)
        if procedure is None:
            raise ProcedureNotFound(procedure_id=procedure_id)
        definition = uow.session.get(Definition, procedure.definition_id)
        assert definition is not None
        return view_of(uow, procedure, definition)


COUNT_LIMIT = 1000
"""A search counts its matches up to this many (and one more, to say there are more)."""


def search(uow: UnitOfWork, title: str | None = None, sponsor_org: str | None = None,
           status: str | None = None, limit: int = 50, offset: int = 0, started_from: datetime | None = None,
           started_before: datetime | None = None, after: str | None = None) -> tuple[int, list[ProcedureView]]:
    """Procedures matching every given filter, newest first, with the total count: `search_page`'s page."""
    total, page = search_page(uow, title, sponsor_org, status, limit, offset, started_from, started_before, after)
    return total, list(page.items)


def search_page(uow: UnitOfWork, title: str | None = None, sponsor_org: str | None = None,
                status: str | None = None, limit: int | None = None, offset: int = 0,
                started_from: datetime | None = None, started_before: datetime | None = None,
                after: str | None = None) -> tuple[int, Page[ProcedureView]]:
    """Procedures matching every given filter, newest first, with the total count and the next page's cursor.

    Keyset-paged: `after` is the last row's id, and the page seeks the primary key from there (an `offset`
    is still honoured for old links, but costs the rows it skips). Four statements a page whatever its
    size: the count, the page with its definitions, the page's open steps, the page's pending timers.

    The count stops at `COUNT_LIMIT` + 1 matches (issue 21): counting every one of a province's
    procedures would cost more than the page itself, and "more than 1,000" is what a reader needs to
    narrow the search; `total > COUNT_LIMIT` says the count was cut there. A title is matched as typed, case
    ignored, through PostgreSQL's trigram indexes (engine/services/title_search.py)."""
    filters = []
    if started_from is not None:
        filters.append(Procedure.started_at >= started_from)
    if started_before is not None:
        filters.append(Procedure.started_at < started_before)
    if sponsor_org:
        filters.append(Procedure.sponsor_org == sponsor_org)
    if status:
        filters.append(Procedure.status == status)
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    seek = [Procedure.id < key[0]] if key is not None else []
    titled = TitleFilter.of(uow.engine.db.dialect.name, title) if title else None  # trigram indexes: 0017c
    with uow.read():
        total = uow.session.scalar(select(func.count()).select_from(
            select(Procedure.id).where(*filters, *([titled.seek] if titled else []))
            .limit(COUNT_LIMIT + 1).subquery())) or 0
        if titled:  # many matches: the newest are found by walking the primary key
            filters.append(titled.seek if total <= COUNT_LIMIT else titled.scan)
        # The definition's key and version only (its BPMN and forms are large), and never the workflow state.
        rows = uow.session.execute(
            select(Procedure, Definition.id, Definition.key, Definition.version).options(defer(Procedure.state))
            .join(Definition, Definition.id == Procedure.definition_id)
            .where(*filters, *seek).order_by(Procedure.id.desc()).limit(n + 1)
            .offset(0 if key is not None else max(0, offset))).all()
        more, rows = len(rows) > n, rows[:n]
        views = views_of(uow, [(p, DefinitionRef(i, k, v)) for p, i, k, v in rows])
        return total, Page(tuple(views), paging.encode(rows[-1][0].id) if more else None)


@dataclass(frozen=True)
class DefinitionRef:
    """What a procedure's view needs of its definition: which one, its key and version."""

    id: int
    key: str
    version: int


def views_of(uow: UnitOfWork, rows: list[tuple[Procedure, DefinitionRef]]) -> list[ProcedureView]:
    """`view_of` for a page of procedures in two statements: their open steps, then their pending timers."""
    ids = [p.id for p, _ in rows]
    if not ids:
        return []
    items: dict[int, list[WorkItem]] = {}
    for item in uow.session.scalars(select(WorkItem).where(WorkItem.procedure_id.in_(ids), WorkItem.status == OPEN)
                                    .order_by(WorkItem.created_at, WorkItem.task_id)):
        items.setdefault(item.procedure_id, []).append(item)
    timers: dict[int, list[Timer]] = {}
    for timer in uow.session.scalars(select(Timer).where(Timer.procedure_id.in_(ids), Timer.status == "pending")
                                     .order_by(Timer.due_at, Timer.id)):
        timers.setdefault(timer.procedure_id, []).append(timer)
    return [ProcedureView.of(p, d.key, d.version, items.get(p.id, []), _timer_views(uow, d, timers.get(p.id, [])))
            for p, d in rows]


def search_visible_page(uow: UnitOfWork, actor: Actor, **filters: Any) -> tuple[int, Page[ProcedureView]]:
    """`search` within what the actor may see (DF-VIEW): everything for the oversight roles, otherwise
    the procedures of the actor's own unit (steps for others arrive by the inbox); never an administrator's
    (DF-ADMIN-SEPARATION), whatever unit they sit in."""
    if actor.holds(ADMIN):
        raise AdministratorBarred(username=actor.username)
    if not any(actor.holds(role) for role in OVERSIGHT_ROLES):
        if filters.get("sponsor_org") not in (None, actor.org):
            return 0, Page((), None)
        filters["sponsor_org"] = actor.org
    return search_page(uow, **filters)


def search_visible(uow: UnitOfWork, actor: Actor, **filters: Any) -> tuple[int, list[ProcedureView]]:
    """`search_visible_page`'s page as a list."""
    total, page = search_visible_page(uow, actor, **filters)
    return total, list(page.items)


def withdraw(uow: UnitOfWork, procedure_id: int, actor: Actor, reason: str) -> ProcedureView:
    """End a running procedure as withdrawn, with the decision organ's reason."""
    if not actor.holds(DECISION_ORGAN_ROLE):
        raise WithdrawForbidden(username=actor.username)
    reason = (reason or "").strip()
    if not reason:
        raise WithdrawInvalid(procedure_id=procedure_id, field="reason", problem="a reason is required",
                              problem_zh="须说明撤回理由")
    with uow:
        procedure = uow.lock_procedure(procedure_id)
        if procedure.status != progress.RUNNING:
            raise ProcedureEnded(procedure_id=procedure_id, status=procedure.status)
        _require_undecided(uow, procedure_id)
        now = uow.clock.now()
        open_ids = list(uow.session.scalars(select(WorkItem.task_id).where(
            WorkItem.procedure_id == procedure_id, WorkItem.status == OPEN)))
        uow.session.execute(update(WorkItem).where(WorkItem.procedure_id == procedure_id,
                                                   WorkItem.status == OPEN)
                            .values(status=CANCELLED, completed_at=now))
        cancelled = uow.session.execute(update(Timer).where(Timer.procedure_id == procedure_id,
                                                            Timer.status == "pending")
                                        .values(status="cancelled", fired_at=now))
        uow.tallies.moved(tallies.TIMERS, "pending", "cancelled", cancelled.rowcount)  # type: ignore[attr-defined]
        procedure.status, procedure.ended_at = progress.WITHDRAWN, now
        procedure.version += 1
        history.append(uow, procedure, "procedure_withdrawn", actor.username, None,
                       {"reason": reason, "by": actor.as_payload(), "cancelled": open_ids}, now)
        uow.session.flush()
        definition = uow.session.get(Definition, procedure.definition_id)
        assert definition is not None
        view = view_of(uow, procedure, definition)
        uow.commit()
        return view


def _require_undecided(uow: UnitOfWork, procedure_id: int) -> None:
    """Withdrawal ends a procedure before its decision; after it, only the statutory routes (finality.py)."""
    completed = uow.session.execute(select(Event.task_id, Event.at, Event.payload).where(
        Event.procedure_id == procedure_id, Event.kind == "task_completed").order_by(Event.seq)).all()
    for task_id, at, payload in completed:
        deciding = finality.decision_of([(str(payload.get("step_kind")), payload.get("data") or {})])
        if deciding is not None:
            title = uow.session.scalar(select(WorkItem.title).where(WorkItem.task_id == task_id)) or deciding.kind
            raise DecisionIsFinal(rule=deciding.rule, procedure_id=procedure_id, step=title,
                                  on=local_date(at).isoformat(), routes_en=deciding.routes_en,
                                  routes_zh=deciding.routes_zh)


def view_of(uow: UnitOfWork, procedure: Procedure, definition: Definition) -> ProcedureView:
    items = list(uow.session.scalars(select(WorkItem).where(WorkItem.procedure_id == procedure.id,
                                                            WorkItem.status == OPEN)
                                     .order_by(WorkItem.created_at, WorkItem.task_id)))
    return ProcedureView.of(procedure, definition.key, definition.version, items, _timers(uow, procedure, definition))


def _timers(uow: UnitOfWork, procedure: Procedure, definition: Definition) -> tuple[TimerView, ...]:
    """The statutory periods the procedure is waiting out, soonest first, with their BPMN names."""
    rows = list(uow.session.scalars(select(Timer).where(Timer.procedure_id == procedure.id,
                                                        Timer.status == "pending").order_by(Timer.due_at)))
    return _timer_views(uow, definition, rows)


def _timer_views(uow: UnitOfWork, definition: Definition | DefinitionRef, rows: list[Timer]) -> tuple[TimerView, ...]:
    if not rows:
        return ()
    specs = definitions.load_compiled(uow, definition.id).spec.task_specs
    return tuple(TimerView(t.spec, getattr(specs.get(t.spec), "bpmn_name", None) or t.spec, t.due_at)
                 for t in rows)
