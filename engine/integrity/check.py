"""`decisionflow verify`: every chain recomputed, every projection rebuilt and compared (DF-INTEGRITY).

One pass over the database in constant memory: the events, ordered by (procedure_id, seq), and each
projection table, ordered by procedure_id, are read by server-side streaming queries and merge-joined
per procedure, so only the current procedure's rows are held — never one query per procedure. The
one set that grows with the database is the documents the events refer to (their hash, type and
size, a few dozen bytes each), which the documents pass needs (documents.py).

`heads` narrows the work to procedures whose chain head moved since a checkpoint ({procedure_id:
head_seq}); None checks everything (`--full`, or no checkpoint yet).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.sql import ColumnElement

from engine import chain, indicator_facts, mentions, numbers
from engine.integrity import admin, documents
from engine.integrity.findings import Finding
from engine.integrity.projection import UNKNOWN, DocumentUse, Projection, Row, project, text_sha256
from engine.persistence.tables import (
    Consultation,
    Definition,
    DocumentMention,
    Event,
    IndicatorFact,
    NumberHeld,
    Opinion,
    Procedure,
    Reminder,
    ScheduledRun,
    Timer,
    WorkItem,
)

__all__ = ["Tally", "verify"]

BATCH = 2000
CHUNK = 500
"""Procedures per filtered pass when only those whose head moved are checked."""

_P, _E, _W, _T = Procedure.__table__, Event.__table__, WorkItem.__table__, Timer.__table__
_C, _O, _R, _S = Consultation.__table__, Opinion.__table__, Reminder.__table__, ScheduledRun.__table__
_F = IndicatorFact.__table__
_N = NumberHeld.__table__
_M = DocumentMention.__table__

PROCEDURE_COLUMNS = ("title", "sponsor_org", "status", "version", "started_by", "started_at", "ended_at")
ITEM_COLUMNS = ("spec", "title", "step_kind", "role", "org", "status", "assignee", "created_at", "due_at",
                "completed_at", "completed_by")
TIMER_COLUMNS = ("spec", "due_at", "status", "fired_at")
CONSULTATION_COLUMNS = ("title", "sponsor_org", "summary", "opened_at", "closes_at", "closed_at", "draft_sha256",
                        "explanation_sha256", "url", "feedback_method", "urgency_reason", "adoption_sha256",
                        "adoption_published_at")
OPINION_COLUMNS = ("submitted_at", "text_sha256", "attachment_sha256", "hidden", "hidden_reason", "topic",
                   "adoption", "adoption_reason", "marked_by", "marked_at")
REMINDER_COLUMNS = ("task_id", "role", "org", "assignee", "message", "sent_by", "sent_at")


@dataclass
class Tally:
    """What a run went through, for its summary line; `broken` counts procedures with a finding."""

    procedures: int = 0
    events: int = 0
    documents: int = 0
    broken: int = 0


def verify(connection: Connection, heads: Mapping[int, int] | None = None,
           tally: Tally | None = None) -> Iterator[Finding]:
    """Every finding, procedure by procedure, then the documents and the administration tables."""
    full, tally = heads is None, tally or Tally()
    definitions = {r.id: (r.key, r.version, r.sha256) for r in connection.execute(
        select(Definition.id, Definition.key, Definition.version, Definition.sha256))}
    uses: dict[str, DocumentUse] = {}
    if heads is None:
        yield from _pass(connection, None, definitions, uses, tally)
    else:
        changed, gone = _moved(connection, heads)
        yield from gone
        for start in range(0, len(changed), CHUNK):
            yield from _pass(connection, changed[start:start + CHUNK], definitions, uses, tally)
    yield from documents.check(connection, uses, tally, full=full)
    yield from admin.check(connection)


def _moved(connection: Connection, heads: Mapping[int, int]) -> tuple[list[int], list[Finding]]:
    """Procedures whose head is not the checkpoint's, and checkpointed procedures that are gone."""
    changed, present = [], set()
    for pid, head_seq in _stream(connection, select(_P.c.id, _P.c.head_seq).order_by(_P.c.id)):
        present.add(pid)
        if heads.get(pid) != head_seq:
            changed.append(pid)
    gone = [Finding("missing_row", "procedures", str(pid), procedure_id=pid, seq=seq)
            for pid, seq in sorted(heads.items()) if pid not in present]
    return changed, gone


def _stream(connection: Connection, statement: Any) -> Iterator[Any]:
    return iter(connection.execution_options(stream_results=True, yield_per=BATCH).execute(statement))


def _state_digest(connection: Connection) -> ColumnElement[Any]:
    """SHA-256 of the stored workflow, computed by PostgreSQL itself (no blob crosses the wire)."""
    if connection.dialect.name == "postgresql":
        return func.encode(func.sha256(_P.c.state), "hex").label("state_digest")
    return _P.c.state.label("state_digest")


class _Groups:
    """One table's rows, ordered by procedure_id, taken a procedure at a time (a merge-join input)."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = iter(rows)
        self._next = next(self._rows, None)

    def take(self, pid: int) -> tuple[list[Any], list[Any]]:
        """The rows of `pid`, and rows before it whose procedure row does not exist (orphans)."""
        orphans, mine = [], []
        while self._next is not None and self._next.procedure_id < pid:
            orphans.append(self._next)
            self._next = next(self._rows, None)
        while self._next is not None and self._next.procedure_id == pid:
            mine.append(self._next)
            self._next = next(self._rows, None)
        return mine, orphans

    def rest(self) -> list[Any]:
        rest = [] if self._next is None else [self._next, *self._rows]
        self._next = None
        return rest


def _pass(connection: Connection, ids: list[int] | None, definitions: Mapping[int, tuple[Any, Any, Any]],
          uses: dict[str, DocumentUse], tally: Tally) -> Iterator[Finding]:
    def by_pid(table: Any, *order: Any, extra: Any = None) -> Any:
        stmt = select(table).order_by(table.c.procedure_id, *order)
        if ids is not None:
            stmt = stmt.where(table.c.procedure_id.in_(ids))
        if extra is not None:
            stmt = stmt.where(extra)
        return _Groups(_stream(connection, stmt))

    procedures = select(*[c for c in _P.c if c.name != "state"], _state_digest(connection)).order_by(_P.c.id)
    if ids is not None:
        procedures = procedures.where(_P.c.id.in_(ids))
    tables = {"events": by_pid(_E, _E.c.seq), "work_items": by_pid(_W, _W.c.task_id),
              "timers": by_pid(_T, _T.c.task_id), "consultations": by_pid(_C, _C.c.id),
              "opinions": by_pid(_O, _O.c.id), "reminders": by_pid(_R, _R.c.id),
              "scheduled_runs": by_pid(_S, _S.c.job, _S.c.period, extra=_S.c.procedure_id.is_not(None)),
              "indicator_facts": by_pid(_F, _F.c.indicator, _F.c.part, _F.c.n),
              "numbers_held": by_pid(_N, _N.c.field, _N.c.number),
              "document_mentions": by_pid(_M, _M.c.kind, _M.c.document, _M.c.seq)}
    for procedure in _stream(connection, procedures):
        rows = {}
        for name, groups in tables.items():
            rows[name], orphans = groups.take(procedure.id)
            yield from _orphans(name, orphans)
        found = list(_procedure(procedure, rows, definitions, uses))
        tally.procedures, tally.events = tally.procedures + 1, tally.events + len(rows["events"])
        tally.broken += bool(found)
        yield from found
    for name, groups in tables.items():
        yield from _orphans(name, groups.rest())


def _orphans(table: str, rows: list[Any]) -> Iterator[Finding]:
    """Rows of a procedure that has no row: the procedure row was deleted, or these were made up."""
    seen: set[int] = set()
    for row in rows:
        if table == "events" and row.procedure_id not in seen:
            seen.add(row.procedure_id)
            yield Finding("missing_row", "procedures", str(row.procedure_id), procedure_id=row.procedure_id,
                          seq=row.seq)
        elif table != "events":
            yield Finding("extra_row", table, _key(table, row), procedure_id=row.procedure_id)


def _key(table: str, row: Any) -> str:
    if table in ("work_items", "timers"):
        return str(row.task_id)
    if table == "opinions":
        return str(row.receipt)
    if table == "scheduled_runs":
        return f"{row.job}/{row.period}"
    if table == "indicator_facts":
        return _fact_key((row.indicator, row.part, row.n))
    if table == "numbers_held":
        return f"{row.field}/{row.number}"
    if table == "document_mentions":
        return _mention_key((row.kind, row.document, row.seq))
    return str(row.id)


def _procedure(row: Any, rows: Mapping[str, list[Any]], definitions: Mapping[int, tuple[Any, Any, Any]],
               uses: dict[str, DocumentUse]) -> Iterator[Finding]:
    pid, events = row.id, rows["events"]
    report = chain.verify(pid, events, row.head_seq, row.head_hash)
    if not report.ok:
        yield Finding("chain", "events", f"{pid}/{report.first_bad_seq}", "hash", pid, report.first_bad_seq,
                      reason=report.reason)
    projection = project(pid, events)
    for use in projection.documents:
        first = uses.get(use.sha256)
        if first is None or (use.at, use.procedure_id) < (first.at, first.procedure_id):
            uses[use.sha256] = use
        elif first.media_type is None and use.media_type is not None:
            uses[use.sha256] = DocumentUse(**{**vars(first), "media_type": use.media_type, "size": use.size})
        if first is not None and use.media_type is not None and first.media_type not in (None, use.media_type):
            yield Finding("differs", "events", f"{pid}/{use.seq}", "payload", pid, use.seq, first.media_type,
                          use.media_type)
    yield from _procedure_row(row, projection, definitions)
    yield from _matched("work_items", pid, projection.work_items, {r.task_id: r for r in rows["work_items"]},
                        ITEM_COLUMNS)
    yield from _matched("timers", pid, projection.timers, {r.task_id: r for r in rows["timers"]}, TIMER_COLUMNS)
    yield from _matched("consultations", pid, dict(enumerate(projection.consultations)),
                        dict(enumerate(rows["consultations"])), CONSULTATION_COLUMNS, lambda r: str(r.id))
    yield from _matched("reminders", pid, dict(enumerate(projection.reminders)), dict(enumerate(rows["reminders"])),
                        REMINDER_COLUMNS, lambda r: str(r.id))
    yield from _matched("scheduled_runs", pid, projection.scheduled_runs,
                        {(r.job, r.period): r for r in rows["scheduled_runs"]}, ("started_at",),
                        lambda r: f"{r.job}/{r.period}")
    yield from _opinions(pid, projection, rows["opinions"], rows["consultations"])
    try:
        folded = indicator_facts.facts(events)
    except (TypeError, ValueError, AttributeError):  # a payload altered past folding
        if report.ok:  # the appends folded these very events: a fault of the code, not of the record
            raise
        folded = []  # the chain finding already names the altered event
    facts = {(f["indicator"], f["part"], f["n"]): Row(f, events[-1].seq) for f in folded}
    yield from _matched("indicator_facts", pid, {_fact_key(k): v for k, v in facts.items()},
                        {_fact_key((r.indicator, r.part, r.n)): r for r in rows["indicator_facts"]},
                        indicator_facts.COLUMNS)
    held = {f"{field}/{number}": Row({"seq": seq}, seq)
            for (field, number), seq in numbers.numbers_held(events).items()}
    yield from _matched("numbers_held", pid, held, {f"{r.field}/{r.number}": r for r in rows["numbers_held"]},
                        numbers.COLUMNS)
    mentioned = {_mention_key(key): Row({}, seq) for key, seq in mentions.mentions(events).items()}
    yield from _matched("document_mentions", pid, mentioned,
                        {_mention_key((r.kind, r.document, r.seq)): r for r in rows["document_mentions"]},
                        mentions.COLUMNS)


def _mention_key(key: tuple[str, str, int]) -> str:
    """A document mention's key as findings show it: kind/document/seq."""
    return "/".join(map(str, key))


def _fact_key(key: tuple[str, str, int]) -> str:
    """An indicator fact's key as findings show it: indicator/part/n."""
    return "/".join(map(str, key))


def _procedure_row(row: Any, projection: Projection, definitions: Mapping[int, tuple[Any, Any, Any]]
                   ) -> Iterator[Finding]:
    expected = projection.procedure
    if expected is None:  # no procedure_started event: a row the history does not know
        yield Finding("extra_row", "procedures", str(row.id), procedure_id=row.id)
        return
    yield from _columns("procedures", str(row.id), row.id, expected, row, PROCEDURE_COLUMNS)
    if row.definition_id not in definitions:
        yield Finding("missing_row", "definitions", str(row.definition_id), procedure_id=row.id, seq=1)
    if definitions.get(row.definition_id) != projection.definition:
        yield Finding("differs", "procedures", str(row.id), "definition_id", row.id, 1,
                      projection.definition, definitions.get(row.definition_id))
    recorded = expected.values["state_sha256"]
    digest = row.state_digest
    if isinstance(digest, bytes | memoryview):
        digest = hashlib.sha256(bytes(digest)).hexdigest()
    if recorded is not UNKNOWN and digest != recorded:
        yield Finding("differs", "procedures", str(row.id), "state", row.id, expected.seq, recorded, digest)


def _columns(table: str, key: str, pid: int | None, expected: Row, actual: Any,
             columns: Iterable[str]) -> Iterator[Finding]:
    for column in columns:
        want = expected.values.get(column, UNKNOWN)
        if want is UNKNOWN:
            continue
        have = getattr(actual, column)
        if have != want:
            yield Finding("differs", table, key, column, pid, expected.seq, want, have)


def _matched(table: str, pid: int, expected: Mapping[Any, Row], actual: Mapping[Any, Any], columns: Iterable[str],
             key_of: Any = None) -> Iterator[Finding]:
    """Rows matched by key: missing ones, made-up ones, and every differing column of the others."""
    for key, want in expected.items():
        have = actual.get(key)
        shown = str(key) if key_of is None or have is None else key_of(have)
        if have is None:
            yield Finding("missing_row", table, shown, procedure_id=pid, seq=want.seq)
        else:
            yield from _columns(table, shown, pid, want, have, columns)
    for key, have in actual.items():
        if key not in expected:
            yield Finding("extra_row", table, str(key) if key_of is None else key_of(have), procedure_id=pid)


def _opinions(pid: int, projection: Projection, rows: list[Any], consultations: list[Any]) -> Iterator[Finding]:
    """Opinions by receipt; their text against its recorded digest, their call and duplicate links."""
    actual = {r.receipt: r for r in rows}
    yield from _matched("opinions", pid, projection.opinions, actual, OPINION_COLUMNS)
    first_of: dict[tuple[int, str], int] = {}
    for row in rows:  # id order: the first opinion with a text is what later duplicates point at
        first_of.setdefault((row.consultation_id, row.text_sha256), row.id)
    for receipt, want in projection.opinions.items():
        row = actual.get(receipt)
        if row is None:
            continue
        if text_sha256(row.text) != want.values["text_sha256"]:
            yield Finding("differs", "opinions", receipt, "text", pid, want.seq, want.values["text_sha256"],
                          text_sha256(row.text))
        index = projection.opinion_consultation.get(receipt, -1)
        call = consultations[index].id if 0 <= index < len(consultations) else None
        if row.consultation_id != call:
            yield Finding("differs", "opinions", receipt, "consultation_id", pid, want.seq, call,
                          row.consultation_id)
        first = first_of.get((row.consultation_id, row.text_sha256))
        duplicate_of = first if want.values["duplicate"] and first != row.id else None
        if row.duplicate_of != duplicate_of:
            yield Finding("differs", "opinions", receipt, "duplicate_of", pid, want.seq, duplicate_of,
                          row.duplicate_of)
