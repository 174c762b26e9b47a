"""Replay: a procedure as it stood right after one of its history events, rebuilt from history alone.

MD-33a: the process record is the append-only chain of events, so the state at any past moment
is read from the events up to it — never from the live projection (work items, timer rows), which
only knows the present. The access rule is the record's (DF-VIEW): `record.procedure` checks it.

Each event's payload names what moved: `opened` steps and `timers` set, `cancelled` steps, the
step completed or claimed (the event's task id), the timer fired (its task id), the `status` after
it. A withdrawal cancels every open step and every pending period; a completed procedure has none.
A timer that ends without firing (a boundary timer whose task completed) is named in the
payload's `timers_ended`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.actors import Actor
from engine.domain.errors import SeqOutOfRange
from engine.fold import Fold
from engine.persistence.uow import UnitOfWork
from engine.services import record
from engine.services.record import DocumentRef, StepRecord
from engine.services.views import EventView

__all__ = ["at"]



@dataclass(frozen=True)
class OpenStep:
    """A step open right after the event: its BPMN id, its name, who had claimed it (if anyone)."""

    spec: str
    name: str
    claimed_by: str | None


@dataclass(frozen=True)
class PendingPeriod:
    """A timer waiting right after the event: its BPMN id, its name and when it runs out."""

    spec: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class ReplayState:
    """The procedure right after event `seq`; `last_seq` is the head of its history."""

    procedure_id: int
    title: str
    seq: int
    last_seq: int
    at: datetime
    event: EventView
    status: str
    open_steps: Mapping[str, OpenStep]        # task id → step
    timers: Mapping[str, PendingPeriod]       # task id → period
    steps: tuple[StepRecord, ...]             # completed so far, in order
    documents: tuple[DocumentRef, ...]        # handed in so far
    done_specs: frozenset[str]                # BPMN ids reached so far
    current_specs: frozenset[str]             # open steps and pending periods
    bpmn: str
    forms: Mapping[str, Any]
    names: Mapping[str, str]


def at(uow: UnitOfWork, actor: Actor, procedure_id: int, upto_seq: int | None = None) -> ReplayState:
    """The procedure as it stood right after event `upto_seq` (None: the last), to someone who may see it.

    Refused with `ProcedureNotFound` for an unknown procedure, `RecordForbidden` (DF-VIEW) for an
    actor who may not see it, and `SeqOutOfRange` for a seq outside its history.
    """
    full = record.procedure(uow, actor, procedure_id)
    last = full.events[-1].seq if full.events else 0
    upto_seq = last if upto_seq is None else upto_seq
    if not 1 <= upto_seq <= last:
        raise SeqOutOfRange(procedure_id=procedure_id, seq=upto_seq, last=last)
    events = [e for e in full.events if e.seq <= upto_seq]
    fold = Fold()
    for event in events:
        fold.apply(event)
    open_steps = {task: OpenStep(spec, full.names.get(spec, spec), by) for task, (spec, by) in fold.open.items()}
    timers = {task: PendingPeriod(spec, full.names.get(spec, spec), due) for task, (spec, due) in fold.timers.items()}
    current = frozenset(s.spec for s in open_steps.values()) | frozenset(t.spec for t in timers.values())
    return ReplayState(
        procedure_id=procedure_id, title=full.procedure.title, seq=upto_seq, last_seq=last, at=events[-1].at,
        event=events[-1], status=fold.status, open_steps=open_steps, timers=timers,
        steps=tuple(s for s in full.steps if s.seq <= upto_seq),
        documents=tuple(d for d in full.documents if d.seq <= upto_seq),
        done_specs=record._done_specs(events), current_specs=current,  # the record page's rule, up to seq
        bpmn=full.bpmn, forms=full.forms, names=full.names)
