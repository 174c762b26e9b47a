"""The record of one procedure, as its pages show it: who may see it, and what it holds.

DF-VIEW: a procedure's record and documents are open to its sponsoring unit, to the
roles that have (or had) a step in it — in the organisation the step names — to
auditors, and to the decision organ — never to an administrator, whatever unit they sit in
(DF-ADMIN-SEPARATION). The record is read from history, the only account of what was done, so the
page shows what the chain proves and nothing a projection could have drifted from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from engine.chain import ChainReport
from engine.content import unaltered_bytes
from engine.domain.actors import Actor
from engine.domain.errors import DocumentNotFound, ProcedureNotFound, RecordForbidden
from engine.domain.roles import ADMIN
from engine.persistence.tables import Definition, Document, Event, Procedure, WorkItem
from engine.persistence.uow import LockedProcedure, UnitOfWork
from engine.services import definitions, history, paging, procedures
from engine.services.views import EventView, ProcedureView

__all__ = ["document", "events", "procedure", "verify", "visible"]

OVERSIGHT_ROLES = procedures.OVERSIGHT_ROLES


@dataclass(frozen=True)
class StepRecord:
    """One completed step: what the history event says was done, by whom, when."""

    seq: int
    task_id: str
    spec: str
    title: str
    step_kind: str
    form: str | None
    by: str
    org: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class DocumentRef:
    field: str
    step: str
    sha256: str
    filename: str
    size: int
    media_type: str
    seq: int


@dataclass(frozen=True)
class ProcedureRecord:
    procedure: ProcedureView
    bpmn: str
    forms: dict[str, Any]
    task_forms: dict[str, str]
    names: dict[str, str]
    events: list[EventView]
    steps: list[StepRecord]
    documents: list[DocumentRef]
    done_specs: frozenset[str]


@dataclass(frozen=True)
class DocumentContent:
    sha256: str
    filename: str
    media_type: str
    content: bytes


def visible(uow: UnitOfWork, actor: Actor, procedure_id: int) -> bool:
    """Whether `actor` may see the procedure's record (DF-VIEW)."""
    with uow.read():
        procedure = _procedure(uow, procedure_id)
        return _visible(uow, actor, procedure)


def procedure(uow: UnitOfWork, actor: Actor, procedure_id: int) -> ProcedureRecord:
    """Everything the procedure page shows, after the DF-VIEW check."""
    with uow.read():
        row = _procedure(uow, procedure_id)
        if not _visible(uow, actor, row):
            raise RecordForbidden(username=actor.username, procedure_id=procedure_id)
        definition = uow.session.get(Definition, row.definition_id)
        assert definition is not None
        compiled = definitions.load_compiled(uow, definition.id)
        names = {name: (spec.bpmn_name or name) for name, spec in compiled.spec.task_specs.items()
                 if getattr(spec, "bpmn_id", None)}
        view = procedures.view_of(uow, row, definition)
        events = [EventView.of(e) for e in uow.session.scalars(
            select(Event).where(Event.procedure_id == row.id).order_by(Event.seq))]
        task_forms = {spec: meta.form for spec, meta in compiled.model.tasks.items() if meta.form}
        steps = [_step(e, compiled.model.tasks, names) for e in events if e.kind == "task_completed"]
        return ProcedureRecord(view, definition.bpmn, definition.forms, task_forms, names, events, steps,
                               list(_documents(steps)), _done_specs(events))


def events(uow: UnitOfWork, actor: Actor, procedure_id: int, after: str | None = None,
           limit: int | None = None) -> paging.Page[EventView]:
    """A page of the procedure's history events, in order, to someone who may see its record.

    Keyset on the event's seq (the chain's own order, the primary key's second column): a procedure that
    took ten thousand public opinions has ten thousand events, and a page still reads only its own rows."""
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    with uow.read():
        row = _procedure(uow, procedure_id)
        if not _visible(uow, actor, row):
            raise RecordForbidden(username=actor.username, procedure_id=procedure_id)
        statement = select(Event).where(Event.procedure_id == row.id)
        if key is not None:
            statement = statement.where(Event.seq > key[0])
        rows = list(uow.session.scalars(statement.order_by(Event.seq).limit(n + 1)))
        more, rows = len(rows) > n, rows[:n]
        return paging.Page(tuple(EventView.of(e) for e in rows), paging.encode(rows[-1].seq) if more else None)


def verify(uow: UnitOfWork, actor: Actor, procedure_id: int) -> ChainReport:
    """The chain check of one procedure, to someone who may see its record."""
    with uow.read():
        row = _procedure(uow, procedure_id)
        if not _visible(uow, actor, row):
            raise RecordForbidden(username=actor.username, procedure_id=procedure_id)
    return history.verify(uow, procedure_id)


def document(uow: UnitOfWork, actor: Actor, procedure_id: int, sha256: str) -> DocumentContent:
    """A document handed in with a step of this procedure, to someone who may see the record."""
    with uow.read():
        row = _procedure(uow, procedure_id)
        if not _visible(uow, actor, row):
            raise RecordForbidden(username=actor.username, procedure_id=procedure_id)
        refs = [ref for event in uow.session.scalars(select(Event.payload).where(Event.procedure_id == row.id))
                for ref in _refs(event) if ref.get("sha256") == sha256]
        stored = uow.session.get(Document, sha256) if refs else None
        if stored is None:
            raise DocumentNotFound(sha256=sha256)
        return DocumentContent(sha256, str(refs[0].get("filename") or sha256), stored.media_type,
                               unaltered_bytes(uow, stored, row.id))


def may_see(uow: UnitOfWork, actor: Actor, procedure: Procedure | LockedProcedure) -> bool:
    """DF-VIEW inside a unit of work already open, e.g. before a refusal names a procedure's steps."""
    return _visible(uow, actor, procedure)


def _procedure(uow: UnitOfWork, procedure_id: int) -> Procedure:
    row = uow.session.get(Procedure, procedure_id)
    if row is None:
        raise ProcedureNotFound(procedure_id=procedure_id)
    return row


def _visible(uow: UnitOfWork, actor: Actor, procedure: Procedure | LockedProcedure) -> bool:
    if actor.holds(ADMIN):  # DF-ADMIN-SEPARATION: not even in the sponsoring unit
        return False
    if any(actor.holds(r) for r in OVERSIGHT_ROLES) or actor.org == procedure.sponsor_org:
        return True
    if not actor.roles:
        return False
    stmt = (select(WorkItem.task_id).where(WorkItem.procedure_id == procedure.id,
                                           WorkItem.role.in_(sorted(actor.roles)),
                                           or_(WorkItem.org.is_(None), WorkItem.org == actor.org))
            .limit(1))
    return uow.session.scalar(stmt) is not None


def _step(event: EventView, tasks: dict[str, Any], names: dict[str, str]) -> StepRecord:
    payload = event.payload
    spec = str(payload.get("step", ""))
    meta = tasks.get(spec)
    by = payload.get("by") or {}
    return StepRecord(event.seq, event.task_id or "", spec, meta.name if meta else names.get(spec, spec),
                      str(payload.get("step_kind", "")), meta.form if meta else None,
                      str(by.get("user", event.actor)), str(by.get("org", "")), event.at,
                      dict(payload.get("data") or {}))


def _documents(steps: list[StepRecord]) -> Iterator[DocumentRef]:
    """Each step's documents, including those inside rows (an expert's declaration)."""
    for step in steps:
        for name, value in step.data.items():
            found = [(name, value)] if isinstance(value, dict) else []
            if isinstance(value, list):
                found = [(f"{name}.{i}.{k}", v) for i, row in enumerate(value) if isinstance(row, dict)
                         for k, v in row.items() if isinstance(v, dict)]
            for path, ref in found:
                if "sha256" in ref:
                    yield DocumentRef(path, step.title, str(ref["sha256"]), str(ref.get("filename", "")),
                                      int(ref.get("size", 0)), str(ref.get("media_type", "")), step.seq)


def _refs(payload: Any) -> Iterator[dict[str, Any]]:
    """Every document reference anywhere in an event payload."""
    if isinstance(payload, dict):
        if isinstance(payload.get("sha256"), str) and "filename" in payload:
            yield payload
        for value in payload.values():
            yield from _refs(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from _refs(value)


def _done_specs(events: list[EventView]) -> frozenset[str]:
    """The BPMN elements the history shows reached: completed steps, steps opened, timers set."""
    done: set[str] = set()
    for event in events:
        payload = event.payload
        if event.kind == "task_completed":
            done.add(str(payload.get("step", "")))
        for opened in payload.get("opened", []) or []:
            done.add(str(opened.get("step", "")))
        for timer in payload.get("timers", []) or []:
            done.add(str(timer.get("step", "")))
        if event.kind == "timer_fired":
            done.add(str(payload.get("step", "")))
    done.discard("")
    return frozenset(done)
