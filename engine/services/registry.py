"""The registry of normative documents (行政规范性文件目录): what is in force, read from history.

A document enters the registry when it is registered under its unified number (ND-6);
its publication gives the dates and the validity (ND-8); the filings with the higher
government and the standing committee are shown with their dates (ND-7); an evaluation
that repeals it, or a validity that ran out (the `lapse` timer, or the last day passed),
marks it no longer in force. Everything comes from the procedures' chained history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from engine.domain.errors import DocumentNotFound
from engine.persistence.tables import Definition, Document, Event, Organisation, Procedure
from engine.persistence.uow import UnitOfWork
from engine.workdays import local_date

__all__ = ["document", "entries"]

KEY = "normative_document"


@dataclass(frozen=True)
class RegistryEntry:
    procedure_id: int
    number: str
    title: str
    organisation: str
    registered_on: str | None
    published_on: str | None
    effective_from: str | None
    valid_until: str | None
    trial: bool
    status: str  # "in_force", "expired", "repealed", "amending", "not_yet_published"
    filed_government: str | None
    filed_npc: str | None
    document_sha256: str | None


def entries(uow: UnitOfWork) -> list[RegistryEntry]:
    """Every registered normative document, newest first."""
    with uow.read():
        return _entries(uow)


def document(uow: UnitOfWork, procedure_id: int, sha256: str) -> tuple[str, bytes]:
    """The published text of a registered document, for anyone."""
    with uow.read():
        published = {e.document_sha256 for e in _entries(uow, procedure_id)}
        stored = uow.session.get(Document, sha256) if sha256 in published - {None} else None
        if stored is None:
            raise DocumentNotFound(sha256=sha256)
        return stored.media_type, bytes(stored.content)


def _entries(uow: UnitOfWork, procedure_id: int | None = None) -> list[RegistryEntry]:
    """The entries of all normative-document procedures (or one), their events read in one query."""
    today = local_date(uow.clock.now())
    filters = [Definition.key == KEY] + ([Procedure.id == procedure_id] if procedure_id is not None else [])
    rows = uow.session.execute(
        select(Procedure.id, Procedure.title, Organisation.name, Procedure.sponsor_org)
        .join(Definition, Definition.id == Procedure.definition_id)
        .join(Organisation, Organisation.code == Procedure.sponsor_org, isouter=True)
        .where(*filters).order_by(Procedure.id.desc())).all()
    events: dict[int, list[Any]] = {row[0]: [] for row in rows}
    if events:
        for pid, kind, payload in uow.session.execute(
                select(Event.procedure_id, Event.kind, Event.payload).where(Event.procedure_id.in_(list(events)))
                .order_by(Event.procedure_id, Event.seq)):
            events[pid].append((kind, payload))
    found = (_entry(pid, title, name or code, events[pid], today) for pid, title, name, code in rows)
    return [entry for entry in found if entry is not None]


def _entry(procedure_id: int, title: str, organisation: str, events: list[Any], today: date) -> RegistryEntry | None:
    steps: dict[str, dict[str, Any]] = {}
    lapsed = False
    decision = None
    for kind, payload in events:
        if kind == "task_completed":
            steps[str(payload.get("step"))] = dict(payload.get("data") or {})
            if payload.get("step") == "validity_evaluation":
                decision = steps["validity_evaluation"]
        elif kind == "timer_fired" and payload.get("step") == "lapse":
            lapsed = True
    registration = steps.get("registration")
    if registration is None:
        return None
    publication = steps.get("publication", {})
    valid_until = publication.get("valid_until")
    if decision and decision.get("validity_decision") == "continue" and decision.get("new_valid_until"):
        valid_until = decision["new_valid_until"]
    status = "not_yet_published" if not publication else "in_force"
    if decision and decision.get("validity_decision") == "repeal":
        status = "repealed"
    elif decision and decision.get("validity_decision") == "amend":
        status = "amending"
    elif publication and (lapsed or (valid_until and date.fromisoformat(str(valid_until)) < today)):
        status = "expired"
    doc = publication.get("published_document")
    return RegistryEntry(procedure_id, str(registration.get("registration_number", "")),
                         str(steps.get("drafting", {}).get("document_title") or title), organisation,
                         registration.get("registered_on"), publication.get("published_on"),
                         publication.get("effective_from"), valid_until, bool(publication.get("trial")), status,
                         steps.get("filing_government", {}).get("filed_on"),
                         steps.get("filing_npc", {}).get("filed_on"),
                         doc.get("sha256") if isinstance(doc, dict) else None)
