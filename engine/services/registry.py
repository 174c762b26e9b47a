"""The registry of normative documents (行政规范性文件目录): what is in force, read from history.

A document enters the registry when it is registered under its unified number (ND-6);
its publication gives the dates and the validity (ND-8); the filings with the higher
government and the standing committee are shown with their dates (ND-7); an evaluation
that repeals it, or a validity that ran out (the `lapse` timer, or the last day passed),
marks it no longer in force. A published clean-up (ND-9, processes/nd_cleanup.bpmn) decides
it too: repealed, being amended, or continuing; each entry names the clean-up that last
decided it, and whichever decision — evaluation or clean-up — came last stands.
Everything comes from the procedures' chained history.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, insert, literal, select, text, tuple_

from engine import mentions, numbers
from engine.content import unaltered_bytes
from engine.domain.citations import canonical_number
from engine.domain.errors import DocumentNotFound
from engine.persistence.tables import (
    Definition,
    Document,
    DocumentMention,
    Event,
    NumberHeld,
    Organisation,
    Procedure,
)
from engine.persistence.types import UTCDateTime
from engine.persistence.uow import UnitOfWork
from engine.services import incidental, paging
from engine.services.incidental import IncidentalReview, normalise_number
from engine.workdays import local_date

__all__ = ["cleanups", "cleanups_page", "document", "entries", "entries_page"]

KEY = "normative_document"
CLEANUP_KEY = "nd_cleanup"
CLEANUP_PUBLICATION = mentions.CLEANUP_PUBLICATION
LISTS = mentions.CLEANUP_DECISIONS
"""ND-9: the lists a published clean-up holds, and the decision each stands for."""


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
    cleanup_procedure_id: int | None = None
    """The published clean-up that last decided this document (ND-9), its publication date and decision."""
    cleanup_published_on: str | None = None
    cleanup_decision: str | None = None  # "continue", "amend", "repeal", "lapsed"
    incidental_reviews: tuple[IncidentalReview, ...] = ()
    """Reconsideration cases that asked for an incidental review of this document (ND-10, RC-14)."""


@dataclass(frozen=True)
class ListedDocument:
    procedure_id: int
    number: str
    title: str


@dataclass(frozen=True)
class Cleanup:
    """A published clean-up and its lists (ND-9): what continues, is to be amended, is repealed, has lapsed."""

    procedure_id: int
    title: str
    published_on: str
    continuing: tuple[ListedDocument, ...]
    amending: tuple[ListedDocument, ...]
    repealed: tuple[ListedDocument, ...]
    lapsed: tuple[ListedDocument, ...]
    document_sha256: str | None
    at: datetime


@dataclass(frozen=True)
class _Decided:
    procedure_id: int
    published_on: str
    decision: str
    at: datetime


def entries(uow: UnitOfWork) -> list[RegistryEntry]:
    """Every registered normative document, newest first."""
    with uow.read():
        return _entries(uow)


def cleanups(uow: UnitOfWork) -> list[Cleanup]:
    """Every published clean-up with its lists, newest first."""
    with uow.read():
        return sorted(_cleanups(uow), key=_published_order, reverse=True)


def entries_page(uow: UnitOfWork, after: str | None = None, limit: int | None = None) -> paging.Page[RegistryEntry]:
    """One page of registered normative documents, newest (highest procedure id) first, after the cursor
    `after` (the last row's procedure id): the API and the public page (issue 21).

    The procedures are sought on the primary key, newest first, and only those holding a registration
    number (numbers_held, keyed by procedure id) are taken, so a page is `limit` registered documents and no
    row is skipped in Python. The clean-ups that listed the page's documents and the reconsideration cases
    that asked to review them are found on document_mentions (kind, document) (engine/mentions.py), and only
    their events are read: a page reads its own entries' records, whatever the number of clean-ups and cases,
    and shows what `entries` shows for them."""
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    with uow.read():
        rows = _procedures(uow, KEY, before=key[0] if key else None, limit=n + 1)
        page = rows[:n]
        ids = [str(row[0]) for row in page]
        cleanups = _cleanups(uow, ids=_mentioning(uow, mentions.CLEANUP, ids)) if page else []
        found = _entries(uow, rows=page, cleanups=cleanups, with_reviews=False)
        if found:
            numbers_ = [normalise_number(e.number)[:300] for e in found]
            reviews = incidental.by_number(uow, _mentioning(uow, mentions.INCIDENTAL, numbers_))
            found = [dataclasses.replace(e, incidental_reviews=tuple(reviews.get(normalise_number(e.number), ())))
                     for e in found]
        return paging.Page(tuple(found), paging.encode(rows[n - 1][0]) if len(rows) > n else None)


def cleanups_page(uow: UnitOfWork, after: str | None = None, limit: int | None = None,
                  field: str = "after") -> paging.Page[Cleanup]:
    """One page of published clean-ups, newest published first, after the cursor `after` (the last row's
    publication time, procedure id and event seq: unique, as a clean-up is published by one event); a bad
    cursor is refused naming `field`, the query argument that carried it.

    The publication events are picked in SQL (step kind `cleanup_publication` of an nd_cleanup procedure),
    reached through the procedures of that definition and the events' primary key; the sort is over the
    published clean-ups only, a handful a year, so no index on events.at is added for it."""
    n = paging.size(limit)
    key = paging.decode(after, (datetime, int, int), field)
    published = (select(Event.procedure_id, Procedure.title, Event.payload, Event.at, Event.seq)
                 .join(Procedure, Procedure.id == Event.procedure_id)
                 .join(Definition, Definition.id == Procedure.definition_id)
                 .where(Definition.key == CLEANUP_KEY, Event.kind == "task_completed",
                        Event.payload["step_kind"].as_string() == CLEANUP_PUBLICATION))
    if key is not None:
        at, pid, seq = key
        published = published.where(tuple_(Event.at, Event.procedure_id, Event.seq)
                                    < tuple_(literal(at, UTCDateTime()), literal(pid), literal(seq)))
    with uow.read():
        rows = uow.session.execute(published.order_by(Event.at.desc(), Event.procedure_id.desc(),
                                                      Event.seq.desc()).limit(n + 1)).all()
    items = tuple(_cleanup(pid, title, payload, at) for pid, title, payload, at, _seq in rows[:n])
    last = rows[n - 1] if len(rows) > n else None
    return paging.Page(items, paging.encode(last.at, last.procedure_id, last.seq) if last is not None else None)


def document(uow: UnitOfWork, procedure_id: int, sha256: str) -> tuple[str, bytes]:
    """The published text of a registered document, or the published lists of a clean-up, for anyone."""
    with uow.read():
        published = {e.document_sha256 for e in _entries(uow, procedure_id, cleanups=[], with_reviews=False)}
        published |= {c.document_sha256 for c in _cleanups(uow, procedure_id)}
        stored = uow.session.get(Document, sha256) if sha256 in published - {None} else None
        if stored is None:
            raise DocumentNotFound(sha256=sha256)
        return stored.media_type, unaltered_bytes(uow, stored, procedure_id)


def snapshot(uow: UnitOfWork) -> tuple[dict[str, Any], ...]:
    """The entries as plain values, in the caller's open unit of work: what the clean-up's scope step
    takes (engine/services/tasks.py passes it to the guard, which may not read the database)."""
    return tuple({k: v for k, v in dataclasses.asdict(entry).items() if k != "incidental_reviews"}
                 for entry in _entries(uow, with_reviews=False))


def _entries(uow: UnitOfWork, procedure_id: int | None = None, *, cleanups: list[Cleanup] | None = None,
             with_reviews: bool = True, rows: list[Any] | None = None) -> list[RegistryEntry]:
    """The entries of all normative-document procedures (or one, or the `rows` of `_procedures` a page
    chose), their events read in one query.

    `cleanups`: the published clean-ups if the caller has them (read here otherwise; an empty list
    where their decisions do not matter); `with_reviews`: whether to read the reconsideration cases."""
    today = local_date(uow.clock.now())
    rows = _procedures(uow, KEY, procedure_id) if rows is None else rows
    events = _events(uow, [row[0] for row in rows])
    decided = _last_cleanup_decisions(_cleanups(uow) if cleanups is None else cleanups)
    found = (_entry(pid, title, name or code, events[pid], today, decided.get(pid))
             for pid, title, name, code in rows)
    reviews = incidental.by_number(uow) if rows and with_reviews else {}
    return [dataclasses.replace(entry, incidental_reviews=tuple(reviews.get(normalise_number(entry.number), ())))
            for entry in found if entry is not None]


def _procedures(uow: UnitOfWork, key: str, procedure_id: int | None = None, *, before: int | None = None,
                limit: int | None = None, ids: list[int] | None = None) -> list[Any]:
    """(id, title, organisation name, organisation code) of the definition's procedures (or of those among
    `ids`), newest first. With a `limit` (a page), only registered ones — those holding a registration
    number — before id `before`."""
    filters = [Definition.key == key] + ([Procedure.id == procedure_id] if procedure_id is not None else [])
    filters += [Procedure.id.in_(ids)] if ids is not None else []
    if limit is not None:
        filters.append(exists().where(NumberHeld.procedure_id == Procedure.id,
                                      NumberHeld.field == "registration_number"))
        filters += [Procedure.id < before] if before is not None else []
    return list(uow.session.execute(
        select(Procedure.id, Procedure.title, Organisation.name, Procedure.sponsor_org)
        .join(Definition, Definition.id == Procedure.definition_id)
        .join(Organisation, Organisation.code == Procedure.sponsor_org, isouter=True)
        .where(*filters).order_by(Procedure.id.desc()).limit(limit)).all())


def _events(uow: UnitOfWork, procedure_ids: list[int]) -> dict[int, list[Any]]:
    """(kind, payload, at) of each procedure's events, in order, in one query."""
    events: dict[int, list[Any]] = {pid: [] for pid in procedure_ids}
    if events:
        for pid, kind, payload, at in uow.session.execute(
                select(Event.procedure_id, Event.kind, Event.payload, Event.at)
                .where(Event.procedure_id.in_(procedure_ids)).order_by(Event.procedure_id, Event.seq)):
            events[pid].append((kind, payload, at))
    return events


def _mentioning(uow: UnitOfWork, kind: str, documents: list[str]) -> list[int]:
    """The procedures that mention any of `documents` (engine/mentions.py), on the index (kind, document)."""
    if not documents:
        return []
    return list(uow.session.scalars(select(DocumentMention.procedure_id).distinct().where(
        DocumentMention.kind == kind, DocumentMention.document.in_(sorted(set(documents))))))


def _cleanups(uow: UnitOfWork, procedure_id: int | None = None, *, ids: list[int] | None = None) -> list[Cleanup]:
    """The published clean-ups (or the one, or those of the procedure `ids`), from their publication events."""
    if ids is not None and not ids:
        return []
    rows = _procedures(uow, CLEANUP_KEY, procedure_id, ids=ids)
    events = _events(uow, [row[0] for row in rows])
    found = []
    for pid, title, _name, _code in rows:
        for kind, payload, at in events[pid]:
            if kind == "task_completed" and payload.get("step_kind") == CLEANUP_PUBLICATION:
                found.append(_cleanup(pid, title, payload, at))
    return found


def _cleanup(procedure_id: int, title: str, payload: Mapping[str, Any], at: datetime) -> Cleanup:
    derived = payload.get("derived") or {}
    doc = (payload.get("data") or {}).get("lists_document")

    def listed(name: str) -> tuple[ListedDocument, ...]:
        return tuple(ListedDocument(int(d["procedure_id"]), str(d["number"]), str(d["title"]))
                     for d in derived.get(name) or [])

    return Cleanup(procedure_id, title, str(derived.get("published_on", "")), listed("continuing_list"),
                   listed("amending_list"), listed("repealed_list"), listed("lapsed_list"),
                   doc.get("sha256") if isinstance(doc, dict) else None, at)


def _published_order(cleanup: Cleanup) -> tuple[datetime, int]:
    """When a clean-up was published; of two published at one instant, the later started counts as later."""
    return cleanup.at, cleanup.procedure_id


def _last_cleanup_decisions(published: Iterable[Cleanup]) -> dict[int, _Decided]:
    """Each document's decision in the last published clean-up that listed it."""
    decided: dict[int, _Decided] = {}
    for cleanup in sorted(published, key=_published_order):
        for name, decision in LISTS:
            for listed in getattr(cleanup, name.removesuffix("_list")):
                decided[listed.procedure_id] = _Decided(cleanup.procedure_id, cleanup.published_on, decision,
                                                        cleanup.at)
    return decided


def _entry(procedure_id: int, title: str, organisation: str, events: list[Any], today: date,
           cleanup: _Decided | None) -> RegistryEntry | None:
    steps: dict[str, dict[str, Any]] = {}
    lapsed = False
    evaluation: tuple[dict[str, Any], datetime] | None = None
    for kind, payload, at in events:
        if kind == "task_completed":
            steps[str(payload.get("step"))] = dict(payload.get("data") or {})
            if payload.get("step") == "validity_evaluation":
                evaluation = (steps["validity_evaluation"], at)
        elif kind == "timer_fired" and payload.get("step") == "lapse":
            lapsed = True
    registration = steps.get("registration")
    if registration is None:
        return None
    publication = steps.get("publication", {})
    valid_until = publication.get("valid_until")
    if evaluation and evaluation[0].get("validity_decision") == "continue" and evaluation[0].get("new_valid_until"):
        valid_until = evaluation[0]["new_valid_until"]
    status = "not_yet_published" if not publication else "in_force"
    last = _last_decision(evaluation, cleanup)
    if last == "repeal":
        status = "repealed"
    elif last == "amend":
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
                         doc.get("sha256") if isinstance(doc, dict) else None,
                         cleanup.procedure_id if cleanup else None, cleanup.published_on if cleanup else None,
                         cleanup.decision if cleanup else None)


def _last_decision(evaluation: tuple[dict[str, Any], datetime] | None, cleanup: _Decided | None) -> str | None:
    """The later of the document's own evaluation (ND-8) and the last clean-up that decided it (ND-9)."""
    decisions = [(at, str(data.get("validity_decision"))) for data, at in ([evaluation] if evaluation else [])]
    decisions += [(cleanup.at, cleanup.decision)] if cleanup else []
    return max(decisions)[1] if decisions else None


def numbers_in_use(uow: UnitOfWork, field_name: str, values: Mapping[str, Any], excluding: int) -> dict[str, int]:
    """Canonical number → the earliest other procedure holding it, for the number the step's data gives in
    `field_name`: one index lookup in `numbers_held` (engine/numbers.py), what the uniqueness guards compare
    with (ND-6, document, case and archive numbers). On PostgreSQL it first takes a transaction lock on the
    number, so of two completions claiming it at once the second waits, then sees the first's row."""
    typed = values.get(field_name)
    number = canonical_number(typed) if isinstance(typed, str) else ""
    if not number:
        return {}
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                           {"key": f"number:{field_name}:{number}"})
    holder = uow.session.scalar(select(NumberHeld.procedure_id).where(
        NumberHeld.field == field_name, NumberHeld.number == number, NumberHeld.procedure_id != excluding)
        .order_by(NumberHeld.procedure_id).limit(1))
    return {number: holder} if holder is not None else {}


def hold_number(uow: UnitOfWork, step_kind: str, values: Mapping[str, Any], procedure_id: int, seq: int) -> None:
    """Record the number a completed step holds, in its transaction (the guard refused it if another
    procedure holds it); a number this procedure already holds stays as first recorded."""
    key = numbers.held_by_step(step_kind, values)
    if key is None:
        return
    field_name, number = key
    if uow.session.get(NumberHeld, (procedure_id, field_name, number)) is None:
        uow.session.execute(insert(NumberHeld).values(field=field_name, number=number, procedure_id=procedure_id,
                                                      seq=seq))


def record_mentions(uow: UnitOfWork, payload: Mapping[str, Any], procedure_id: int, seq: int) -> None:
    """Record the documents a completed step mentions (engine/mentions.py), in its transaction: a clean-up's
    published lists, or an application's incidental review, which replaces the procedure's earlier one."""
    replaces, found = mentions.from_completion(payload, seq)
    if replaces:
        uow.session.execute(delete(DocumentMention).where(DocumentMention.procedure_id == procedure_id,
                                                          DocumentMention.kind == mentions.INCIDENTAL))
    if found:
        uow.session.execute(insert(DocumentMention), [
            {"procedure_id": procedure_id, "kind": kind, "document": document, "seq": at}
            for kind, document, at in sorted(found)])
