"""History: the append-only, chained record of every change (DESIGN invariant 4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select

from engine import chain, indicator_facts
from engine.domain.errors import ProcedureNotFound
from engine.integrity import check as integrity
from engine.integrity.findings import Finding
from engine.persistence.tables import Event, Procedure
from engine.persistence.uow import UnitOfWork
from engine.services import definitions
from engine.services.views import EventView

__all__ = ["events", "findings", "verify", "verify_all"]


class ChainHead(Protocol):
    """A locked procedure, as an ORM row or a `LockedProcedure`: its id and chain head."""

    id: int
    definition_id: int
    head_seq: int
    head_hash: str


_INSERT_EVENT = insert(Event.__table__)


def append(uow: UnitOfWork, procedure: ChainHead, kind: str, actor: str, task_id: str | None,
           payload: dict[str, Any], at: datetime) -> str:
    """Add the next event of a locked procedure's chain and move the head (no commit here)."""
    seq = procedure.head_seq + 1
    digest = chain.event_hash(procedure.id, seq, at, actor, kind, task_id, payload, procedure.head_hash)
    uow.execute(_INSERT_EVENT, [{"procedure_id": procedure.id, "seq": seq, "at": at, "actor": actor,
                                          "kind": kind, "task_id": task_id, "payload": payload,
                                          "prev_hash": procedure.head_hash, "hash": digest}])
    procedure.head_seq, procedure.head_hash = seq, digest
    if kind in indicator_facts.kinds() and _indicators_read(uow, procedure):
        indicator_facts.refresh(uow.session.connection(), procedure.id)  # moves with the chain (DF-INDICATOR)
    return digest


def _indicators_read(uow: UnitOfWork, procedure: ChainHead) -> bool:
    """Whether any indicator reads procedures of this one's definition: the others have no rows, so their
    appends skip the refresh (a quarter of a timer's firing was spent folding events into nothing)."""
    return indicator_facts.concerns(definitions.load_compiled(uow, procedure.definition_id).key)


def events(uow: UnitOfWork, procedure_id: int) -> list[EventView]:
    with uow.read():
        if uow.session.get(Procedure, procedure_id) is None:
            raise ProcedureNotFound(procedure_id=procedure_id)
        rows = uow.session.scalars(select(Event).where(Event.procedure_id == procedure_id)
                                   .order_by(Event.seq))
        return [EventView.of(e) for e in rows]


def verify(uow: UnitOfWork, procedure_id: int) -> chain.ChainReport:
    """Recompute one procedure's chain and name its first bad seq."""
    with uow.read():
        procedure = uow.session.get(Procedure, procedure_id)
        if procedure is None:
            raise ProcedureNotFound(procedure_id=procedure_id)
        return _verify(uow, procedure)


def verify_all(uow: UnitOfWork) -> Iterator[chain.ChainReport]:
    """Every procedure's chain, in id order; also finds events whose procedure was changed."""
    with uow.read():
        ids = list(uow.session.scalars(select(Procedure.id).order_by(Procedure.id)))
        for procedure_id in ids:
            procedure = uow.session.get(Procedure, procedure_id)
            assert procedure is not None
            yield _verify(uow, procedure)


def findings(uow: UnitOfWork, heads: Mapping[int, int] | None = None,
             tally: integrity.Tally | None = None) -> Iterator[Finding]:
    """Everything the history does not back (DF-INTEGRITY): chains, projections, documents, admin tables.

    `heads` ({procedure_id: head_seq}, a checkpoint's) limits the procedures checked to those whose head
    moved since; None checks every procedure. Streams in one read transaction; changes nothing."""
    with uow.read():
        yield from integrity.verify(uow.session.connection(), heads, tally)


def _verify(uow: UnitOfWork, procedure: Procedure) -> chain.ChainReport:
    rows = uow.session.scalars(select(Event).where(Event.procedure_id == procedure.id)
                               .order_by(Event.seq)).yield_per(500)
    return chain.verify(procedure.id, rows, procedure.head_seq, procedure.head_hash)
