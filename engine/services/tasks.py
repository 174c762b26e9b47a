"""Tasks: a user's inbox, claiming a step, and completing it — the only way forward.

`complete` checks everything before it changes anything: the step is READY in the
workflow (SpiffWorkflow does not check this itself), the user holds its role and is
not barred by separation of duties, documents are within the size limit and of a type
their field accepts (read from the content: engine/doctypes.py), and the data matches
the step's form. Then one transaction advances the workflow, syncs the
work items and timers, appends the history event and commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from engine import form_dates, form_names
from engine.bpmn import runtime
from engine.bpmn.definition import CompiledDefinition
from engine.bpmn.profiles import TRIGGERS
from engine.crypto_suite import digest, hash_alg
from engine.domain import duties, known_facts, rules
from engine.domain.actors import Actor
from engine.domain.errors import (
    AdministratorBarred,
    DocumentTooLarge,
    DutiesApart,
    FormInvalid,
    ProcedureEnded,
    SponsorMayNotReview,
    TaskNotFound,
    VersionConflict,
)
from engine.domain.independence import Affiliations
from engine.domain.roles import ADMIN
from engine.forms import document_pattern, place_documents, require_json_object
from engine.persistence import tallies
from engine.persistence.tables import Document, Event, Procedure, User, WorkItem
from engine.persistence.uow import LockedProcedure, UnitOfWork
from engine.services import (
    catalogue,
    consultation,
    definitions,
    facts,
    history,
    inbox_query,
    opinions,
    order,
    paging,
    people,
    progress,
    registry,
)
from engine.services.paging import Page
from engine.services.views import StepResult, Upload, WorkItemView
from engine.statutes import guards
from engine.workdays import local_date

__all__ = ["claim", "complete", "inbox", "inbox_page", "item", "known"]


def inbox(uow: UnitOfWork, actor: Actor, after: str | None = None, limit: int | None = None) -> list[WorkItemView]:
    """The first (or, with `after`, the next) page of `inbox_page`'s steps, as a list."""
    return list(inbox_page(uow, actor, after, limit).items)


def inbox_page(uow: UnitOfWork, actor: Actor, after: str | None = None,
               limit: int | None = None, kinds: frozenset[str] | None = None) -> Page[WorkItemView]:
    """Open steps the actor may do: their roles, their organisation where the lane names one, and none that
    separation of duties bars them from (engine/domain/duties.py), as the step's page and claim would.
    Soonest deadline first (none last), then by task id; one page of `limit` (paging.PAGE_SIZE) at a time,
    continued after the cursor `after` (the last row's (due_at, task_id)). `kinds` keeps only those step
    kinds (the review office's page) in the query itself: filtered after it, a page could come back empty.

    Administrators have no steps and see none (DF-ADMIN-SEPARATION): asking is refused."""
    if actor.holds(ADMIN):
        raise AdministratorBarred(username=actor.username)
    n = paging.size(limit)
    key = paging.decode(after, (datetime, str))
    with uow.read():
        rows = inbox_query.rows(uow, actor, key, n + 1, kinds)
        more = len(rows) > n
        rows = rows[:n]
        constrained = {i.procedure_id for i, _, _ in rows if duties.earlier_kinds(i.step_kind)}
        done = _done_in(uow, constrained)
        items = tuple(WorkItemView.of(i, title) for i, sponsor, title in rows
                      if _allowed(_step_ref(i), actor, sponsor, done))
        last = rows[-1][0] if rows else None
        return paging.Page(items, paging.encode(last.due_at, last.task_id) if more and last else None)


def _allowed(step: rules.StepRef, actor: Actor, sponsor_org: str,
             done: Mapping[int, list[rules.Done]]) -> bool:
    try:
        rules.require_separation(step, actor, sponsor_org, done.get(step.procedure_id, ()))
    except (DutiesApart, SponsorMayNotReview):
        return False
    return True


def item(uow: UnitOfWork, task_id: str, actor: Actor) -> WorkItemView:
    """An open step, to a user who may do it (separation of duties included): what the step's page shows
    before the form."""
    with uow.read():
        row = uow.session.get(WorkItem, task_id)
        if row is None:
            raise TaskNotFound(task_id=task_id)
        step = _step_ref(row)
        _require_open(uow, actor, uow.session.get(Procedure, row.procedure_id), step)
        rules.require_role(step, actor)
        rules.require_assignee(step, actor)
        sponsor = uow.session.scalar(select(Procedure.sponsor_org).where(Procedure.id == row.procedure_id))
        rules.require_separation(step, actor, sponsor or "", _done_by(uow, row.procedure_id, step))
        return WorkItemView.of(row)


def known(uow: UnitOfWork, task_id: str, actor: Actor) -> dict[str, Any]:
    """The rows of an open step's form the engine already knows (engine/domain/known_facts.py), for its
    page to show filled in: the form may confirm them or add where the law allows, never drop them."""
    view = item(uow, task_id, actor)
    with uow.read():
        procedure = uow.session.get(Procedure, view.procedure_id)
        if procedure is None:
            raise TaskNotFound(task_id=task_id)
        compiled = definitions.load_compiled(uow, procedure.definition_id)
        task = runtime.find_task(compiled.serializer.load(procedure.state), task_id)
        meta = compiled.model.tasks.get(view.spec)
        if task is None or meta is None or not meta.form:
            return {}
        return known_facts.known(meta.form, task.data)


def claim(uow: UnitOfWork, task_id: str, actor: Actor, *, procedure_id: int | None = None) -> WorkItemView:
    """Take a step so colleagues with the same role see it is being handled.

    `procedure_id` (from the caller's URL), as for `complete`: the step must be that procedure's, and a
    step of it not yet open is refused naming the statutory steps still missing before it."""
    with uow:
        if procedure_id is not None:
            _lock(uow, task_id, procedure_id, actor)  # refuses another procedure's step, names what is missing
        procedure, item = uow.lock_procedure_of(task_id)
        _require_running(procedure)
        step = _step_ref(item)
        _require_open(uow, actor, procedure, step)
        rules.require_role(step, actor)
        rules.require_assignee(step, actor)
        rules.require_separation(step, actor, procedure.sponsor_org, _done_by(uow, procedure.id, step))
        now = uow.clock.now()
        item.assignee = actor.username
        procedure.version += 1
        history.append(uow, procedure, "task_claimed", actor.username, task_id,
                       {"step": item.spec, "step_kind": item.step_kind, "by": actor.as_payload()}, now)
        view = WorkItemView.of(item)
        uow.commit()
        return view


def complete(uow: UnitOfWork, task_id: str, actor: Actor, data: Mapping[str, Any],
             documents: Mapping[str, Upload] | None = None, *, procedure_id: int | None = None,
             expected_version: int | None = None) -> StepResult:
    """Complete a READY step and run the procedure to its next wait state.

    Checks run before any change, so a refusal leaves state and history untouched.
    `procedure_id` (from the caller's URL) must own the step; `expected_version` (the
    version the user saw) turns a concurrent change into a conflict. The hottest path
    of the engine: prebuilt Core statements, no ORM unit of work (docs/benchmarks.md).
    """
    documents = documents or {}
    require_json_object(data)
    _check_sizes(documents, uow.settings.max_document_bytes)
    with uow:
        procedure, step = _lock(uow, task_id, procedure_id, actor)
        compiled, workflow, task = _ready_step(uow, actor, procedure, step, expected_version)
        now = uow.clock.now()
        values, documents, refs = _checked_input(uow, compiled, procedure, step, task, actor, data, documents,
                                                   now)
        derived = guards.run(compiled.statute, step.step_kind,
                             _guard_context(uow, compiled.statute, procedure, step, actor, values, task.data, now))
        guards.require_not_derived(values, task.data, derived)
        result = _advance(uow, procedure, compiled, workflow, task, step, actor, values, derived, now)
        _store_documents(uow, documents, refs, actor, now)
        uow.commit()
        return result


def _ready_step(uow: UnitOfWork, actor: Actor, procedure: LockedProcedure, step: rules.StepRef,
                expected_version: int | None) -> tuple[CompiledDefinition, runtime.Workflow, runtime.Step]:
    """The step is open and READY in the workflow (MD-39, MD-33b), the procedure is the version the user
    saw (DF-CONFLICT) and the user may do the step: role, claim, separation of duties."""
    if expected_version is not None and expected_version != procedure.version:
        raise VersionConflict(procedure_id=procedure.id, expected=expected_version, actual=procedure.version)
    _require_running(procedure)
    _require_open(uow, actor, procedure, step)
    compiled = definitions.load_compiled(uow, procedure.definition_id)
    workflow = compiled.serializer.load(procedure.state)
    task = runtime.find_task(workflow, step.task_id)
    if task is None or not runtime.is_ready_human(task):
        raise order.not_open(uow, actor, procedure, step.task_id, step.title, step.step_kind, _state(task))
    rules.require_role(step, actor)
    rules.require_assignee(step, actor)
    rules.require_separation(step, actor, procedure.sponsor_org, _done_by(uow, procedure.id, step))
    return compiled, workflow, task


def _checked_input(uow: UnitOfWork, compiled: CompiledDefinition, procedure: LockedProcedure,
                   step: rules.StepRef, task: runtime.Step, actor: Actor, data: Mapping[str, Any],
                   documents: Mapping[str, Upload], now: datetime
                   ) -> tuple[dict[str, Any], dict[str, Upload], dict[str, dict[str, Any]]]:
    """The form's values with the documents placed by reference, checked against the form (DF-FORM,
    DF-DOCUMENT), the dates the engine recorded (DF-DATE) and the facts on record (issue 19)."""
    form_name = compiled.model.tasks[step.spec].form or ""
    form = compiled.forms[form_name]
    _check_document_fields(documents, form.documents)
    admitted = {name: form.admit(name, upload) for name, upload in documents.items()}
    refs = {name: _ref(upload, uow.settings.crypto_suite) for name, upload in admitted.items()}
    values = place_documents(data, refs)
    form.validate(values, frozenset(refs))
    form_dates.check(form.dates, values, _moments(now, step, procedure))
    form_names.check(form.names, values, lambda kind, typed: facts.registered(uow, kind, typed))
    known_facts.check(form_name, values, task.data, facts.on_record(uow, form_name, values, procedure.id),
                      facts.composition(uow, form_name, actor.org))
    known_facts.check_staff(values, facts.staff(uow, form_name, actor.org, values))
    return values, admitted, refs


def _advance(uow: UnitOfWork, procedure: LockedProcedure, compiled: CompiledDefinition,
             workflow: runtime.Workflow, task: runtime.Step, step: rules.StepRef, actor: Actor,
             values: dict[str, Any], derived: dict[str, Any], now: datetime) -> StepResult:
    """Run the workflow to its next wait state and record it: work items and timers, the chained
    `task_completed` event with the new state's digest, and the new state under the version check."""
    before = runtime.snapshot(workflow)
    kept = {guards.DERIVED_NAMES: guards.derived_names(task.data, derived)}
    runtime.complete(workflow, task, {**values, **derived, **kept}, now)
    after = runtime.snapshot(workflow)
    if TRIGGERS.get(compiled.statute or "", {}).get(step.step_kind) == "consultation":
        consultation.on_step(uow, procedure.id, step.step_kind, values, derived, now)
    uow.execute(_COMPLETE_ITEM, {"task": step.task_id, "at": now, "by": actor.username})
    uow.tallies.add(tallies.COMPLETIONS, step.step_kind)
    moved = progress.record(uow, procedure, compiled, workflow, before, after, now, done_task=step.task_id)
    progress.finish_if_done(procedure, workflow.is_completed(), now)
    payload = {"step": step.spec, "step_kind": step.step_kind, "by": actor.as_payload(),
               "data": values, **({"derived": derived} if derived else {}), **moved.as_payload(),
               "status": procedure.status}
    state = compiled.serializer.dump(workflow)
    payload["state_sha256"] = progress.state_sha256(state)
    history.append(uow, procedure, "task_completed", actor.username, step.task_id, payload, now)
    registry.hold_number(uow, step.step_kind, values, procedure.id, procedure.head_seq)
    registry.record_mentions(uow, payload, procedure.id, procedure.head_seq)
    _save(uow, procedure, state)
    return StepResult(procedure.id, procedure.version, procedure.status, dict(after.ready))


def _guard_context(uow: UnitOfWork, statute: str | None, procedure: LockedProcedure, step: rules.StepRef,
                   actor: Actor, values: Mapping[str, Any], before: Mapping[str, Any],
                   now: datetime) -> guards.Context:
    """What the step's guard reads beyond the form, looked up only as its statute declares (`Reads`)."""
    reads = guards.reads(statute, step.step_kind)
    return guards.Context(
        values, before, now, uow.settings.limits,
        _catalogue_status(uow, values, now) if reads.catalogue else None, actor,
        registry.snapshot(uow) if reads.registry else None,
        _completed(uow, procedure.id, reads.completed),
        _affiliations(uow, reads.affiliations, values, procedure.sponsor_org),
        registry.numbers_in_use(uow, reads.number, values, procedure.id) if reads.number else None,
        opinions.received(uow, procedure.id) if reads.opinions else None)


_PROCEDURES, _ITEMS = Procedure.__table__, WorkItem.__table__
_COMPLETE_ITEM = (update(_ITEMS).where(_ITEMS.c.task_id == bindparam("task"))
                  .values(status=rules.COMPLETED, completed_at=bindparam("at"), completed_by=bindparam("by")))
_SAVE = (update(_PROCEDURES).where(_PROCEDURES.c.id == bindparam("pid"), _PROCEDURES.c.version == bindparam("old"))
         .values(state=bindparam("state"), version=bindparam("new"), status=bindparam("status"),
                 ended_at=bindparam("ended"), head_seq=bindparam("seq"), head_hash=bindparam("head")))


def _save(uow: UnitOfWork, procedure: LockedProcedure, state: bytes) -> None:
    """Write the new state and chain head; the version check is the lock's second line of defence."""
    result = uow.execute(_SAVE, {"pid": procedure.id, "old": procedure.version, "new": procedure.version + 1,
                                         "state": state, "status": procedure.status, "ended": procedure.ended_at,
                                         "seq": procedure.head_seq, "head": procedure.head_hash})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflict(procedure_id=procedure.id, expected=procedure.version, actual="changed")
    procedure.version += 1


def _lock(uow: UnitOfWork, task_id: str, procedure_id: int | None,
          actor: Actor) -> tuple[LockedProcedure, rules.StepRef]:
    """Lock the procedure; a step outside the named procedure, or not a work item, is refused.

    Without the procedure's id a task that is not a work item is not found: its id is not looked
    for in every procedure, and an unknown id and another procedure's future step answer alike."""
    if procedure_id is None:
        return uow.lock_step(task_id)
    procedure = uow.lock_procedure_row(procedure_id)
    item = uow.item_row(task_id)
    if item is not None and item.procedure_id == procedure.id:
        return procedure, item
    if item is None:  # a FUTURE, WAITING or automatic task of this procedure is not ready
        compiled = definitions.load_compiled(uow, procedure.definition_id)
        task = runtime.find_task(compiled.serializer.load(procedure.state), task_id)
        if task is not None:
            meta = compiled.model.task(task.task_spec.name)
            raise order.not_open(uow, actor, procedure, task_id, meta.name if meta else task.task_spec.name,
                                 (meta.step_kind if meta else None) or "automatic", _state(task))
    raise TaskNotFound(task_id=task_id)


def _state(task: runtime.Step | None) -> str:
    return runtime.state_name(task) if task is not None else "UNKNOWN"


def _require_open(uow: UnitOfWork, actor: Actor, procedure: Procedure | LockedProcedure | None,
                  step: rules.StepRef) -> None:
    """A completed step is never done again (MD-33b); a cancelled one is not ready (MD-39), and says why."""
    if step.status == rules.OPEN or procedure is None:
        rules.require_open(step)
        return
    state = "COMPLETED" if step.status == rules.COMPLETED else step.status.upper()
    raise order.not_open(uow, actor, procedure, step.task_id, step.title, step.step_kind, state)


def _catalogue_status(uow: UnitOfWork, values: Mapping[str, Any], now: datetime) -> str | None:
    """The chosen catalogue item's status, for the guard that reads it (MD-3c)."""
    code = values.get("catalogue_item")
    return catalogue.status(uow, local_date(now).year, str(code)) if code else None


def _affiliations(uow: UnitOfWork, named: tuple[tuple[str, str], ...], values: Mapping[str, Any],
                  sponsor_org: str) -> Affiliations | None:
    """The sponsor's unit and the named users' units from the registry, for the independence guards
    (MD-20, MD-23) only; no query for other steps."""
    if not named:
        return None
    usernames = [row.get(sub) for list_field, sub in named for row in values.get(list_field) or []
                 if isinstance(row, Mapping)]
    return people.affiliations(uow, sponsor_org, [str(u) for u in usernames if u])


def _moments(now: datetime, step: rules.StepRef, procedure: LockedProcedure) -> form_dates.Moments:
    """DF-DATE: today, the day this step opened and the day the procedure started, as the engine recorded them."""
    opened = local_date(step.opened_at) if step.opened_at else None
    started = local_date(procedure.started_at) if procedure.started_at else None
    return form_dates.Moments(local_date(now), opened, started)


def _completed(uow: UnitOfWork, procedure_id: int, kinds: tuple[str, ...]) -> dict[str, tuple[datetime, ...]]:
    """When the earlier steps a guard dates from were completed (MD-26b), from the work items, never
    from the client; no query for a step whose guard names none."""
    if not kinds:
        return {}
    rows = uow.session.execute(select(WorkItem.step_kind, WorkItem.completed_at).where(
        WorkItem.procedure_id == procedure_id, WorkItem.status == rules.COMPLETED,
        WorkItem.step_kind.in_(kinds)).order_by(WorkItem.completed_at))
    done: dict[str, tuple[datetime, ...]] = {}
    for kind, at in rows:
        done[kind] = (*done.get(kind, ()), at)
    return done


def _require_running(procedure: Procedure | LockedProcedure) -> None:
    if procedure.status != progress.RUNNING:
        raise ProcedureEnded(procedure_id=procedure.id, status=procedure.status)


def _step_ref(item: WorkItem) -> rules.StepRef:
    return rules.StepRef(item.task_id, item.procedure_id, item.spec, item.title, item.step_kind, item.role,
                         item.org, item.status, item.assignee)


def _done_by(uow: UnitOfWork, procedure_id: int, step: rules.StepRef) -> list[rules.Done]:
    """Who did the earlier steps separation of duties keeps apart from this one, by the account the engine
    recorded (engine/domain/duties.py); no query when none are named."""
    if not duties.earlier_kinds(step.step_kind):
        return []
    return _done_in(uow, {procedure_id}).get(procedure_id, [])


def _done_in(uow: UnitOfWork, procedure_ids: set[int]) -> dict[int, list[rules.Done]]:
    """`_done_by` for several procedures in two queries: the accounts that completed the constrained step
    kinds, and the persons those steps name (duties.NAMED_DOERS: ER-3's investigators), from history."""
    found: dict[int, list[rules.Done]] = {}
    if not procedure_ids:
        return found
    kinds = sorted({k for d in duties.DUTIES.values() for pair in d if isinstance(pair, duties.Apart)
                    for k in (*pair.one, *pair.other)})
    rows = uow.session.execute(
        select(WorkItem.procedure_id, WorkItem.step_kind, WorkItem.title, WorkItem.completed_by, User.id)
        .outerjoin(User, User.username == WorkItem.completed_by)
        .where(WorkItem.procedure_id.in_(sorted(procedure_ids)), WorkItem.status == rules.COMPLETED,
               WorkItem.step_kind.in_(kinds), WorkItem.completed_by.is_not(None)))
    named: dict[tuple[int, str], str] = {}
    for procedure_id, kind, title, user, user_id in rows:
        found.setdefault(procedure_id, []).append(rules.Done(kind, title, user, user_id))
        if kind in duties.NAMED_DOERS:
            named[(procedure_id, kind)] = title
    if named:
        events = uow.session.execute(
            select(Event.procedure_id, Event.payload).where(
                Event.procedure_id.in_(sorted({p for p, _ in named})), Event.kind == "task_completed")
            .order_by(Event.procedure_id, Event.seq))
        latest: dict[tuple[int, str], Any] = {}
        for procedure_id, payload in events:
            kind = payload.get("step_kind")
            if (procedure_id, kind) in named:
                latest[(procedure_id, kind)] = (payload.get("data") or {}).get(duties.NAMED_DOERS[kind])
        for (procedure_id, kind), people in latest.items():
            for person in people if isinstance(people, list) else []:
                found.setdefault(procedure_id, []).append(rules.Done(kind, named[(procedure_id, kind)],
                                                                     str(person), None))
    return found


def _check_sizes(documents: Mapping[str, Upload], limit: int) -> None:
    for name, upload in documents.items():
        if len(upload.content) > limit:
            raise DocumentTooLarge(field=name, size=len(upload.content), limit=limit)


def _check_document_fields(documents: Mapping[str, Upload], fields: frozenset[str]) -> None:
    for name in documents:
        if document_pattern(name) not in fields:
            raise FormInvalid(field=name, problem="the form has no document field of this name",
                              problem_zh="表单中没有该文件字段")


def _ref(upload: Upload, suite: str) -> dict[str, Any]:
    """A document as the history names it: by SHA-256 (its storage key) and, under the sm suite, by SM3 as
    well, so the SM3 chain covers the document's SM3 (issue 23)."""
    ref = {"sha256": hashlib.sha256(upload.content).hexdigest(), "filename": upload.filename[:255],
           "size": len(upload.content), "media_type": upload.media_type[:127]}
    if hash_alg(suite) == "sm3":
        ref["sm3"] = digest(upload.content, "sm3")
    return ref


def _store_documents(uow: UnitOfWork, documents: Mapping[str, Upload], refs: Mapping[str, Any],
                     actor: Actor, now: datetime) -> None:
    if not documents:
        return
    shas = {ref["sha256"] for ref in refs.values()}
    known = set(uow.session.scalars(select(Document.sha256).where(Document.sha256.in_(shas))))
    for name, upload in documents.items():
        sha = refs[name]["sha256"]
        if sha not in known:
            uow.session.add(Document(sha256=sha, size=len(upload.content), media_type=upload.media_type[:127],
                                     content=upload.content, created_at=now, created_by=actor.username,
                                     sm3=refs[name].get("sm3")))
            known.add(sha)
