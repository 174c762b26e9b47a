"""A procedure's rows as its history says they must be: rebuilt from its events alone (DF-INTEGRITY).

The live tables (procedures, work_items, timers, consultations, opinions, reminders, scheduled_runs)
are projections of the chain: every column a guard, page, the API or the archive reads is set by an
event whose payload carries it. This module folds one procedure's events, ordered by seq, into the
rows they imply; `check.py` compares them with what is stored, column by column. Status and the
steps' lifecycle follow the same rules as replay (engine/services/replay.py: `Fold`).

A column whose value older events did not record (`state_sha256`, a work item's role or due date
before they joined the payload) is `UNKNOWN` and is not compared: nothing can be rebuilt that the
record never held.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.domain.rules import CANCELLED, COMPLETED, OPEN
from engine.fold import Fold
from engine.services.progress import RUNNING

UNKNOWN: Any = object()
"""A value the events of the time did not record; never compared."""

CLEANUP_JOB = "nd_cleanup"  # engine/services/cleanup.py JOB: the run row made with the procedure's start


@dataclass
class Row:
    """A row the history implies: its values by column and the last event that set one of them."""

    values: dict[str, Any]
    seq: int


@dataclass
class DocumentUse:
    """A document an event refers to: what it says of the bytes, and who handed them in when."""

    sha256: str
    media_type: str | None
    size: int | None
    procedure_id: int
    seq: int
    at: datetime
    actor: str
    sm3: str | None = None
    """The SM3 the reference names (documents handed in under the sm crypto suite), else None."""


@dataclass
class Projection:
    """Everything one procedure's events imply, keyed the way the tables are matched."""

    procedure_id: int
    procedure: Row | None = None
    definition: tuple[Any, Any, Any] | None = None
    work_items: dict[str, Row] = field(default_factory=dict)
    timers: dict[str, Row] = field(default_factory=dict)
    consultations: list[Row] = field(default_factory=list)
    opinions: dict[str, Row] = field(default_factory=dict)
    opinion_consultation: dict[str, int] = field(default_factory=dict)  # receipt → index in consultations
    reminders: list[Row] = field(default_factory=list)
    scheduled_runs: dict[tuple[str, str], Row] = field(default_factory=dict)
    documents: list[DocumentUse] = field(default_factory=list)


def project(procedure_id: int, events: list[Any]) -> Projection:
    """Fold the events of one procedure (ordered by seq) into the rows they imply."""
    out = Projection(procedure_id)
    status = Fold()
    summary, state_sha, title, sponsor = "", UNKNOWN, None, None
    for event in events:
        payload = event.payload if isinstance(event.payload, Mapping) else {}
        status.apply(event)
        if event.kind == "procedure_started":
            title, sponsor = payload.get("title"), payload.get("sponsor_org")
            d = payload.get("definition") or {}
            out.definition = (d.get("key"), d.get("version"), d.get("sha256"))
            out.procedure = Row({"title": title, "sponsor_org": sponsor, "started_by": event.actor,
                                 "started_at": event.at, "ended_at": None}, event.seq)
            _scheduled_run(out, payload, event)
        if event.kind == "procedure_migrated":  # engine/services/migration.py: now on the target version
            d = payload.get("definition") or {}
            out.definition = (d.get("key"), d.get("version"), d.get("sha256"))
        if "state_sha256" in payload:
            state_sha = payload["state_sha256"]
        _work_items(out, event, payload)
        _timers(out, event, payload)
        if event.kind == "task_completed":
            if payload.get("step_kind") == "proposal" and not summary:
                summary = str((payload.get("data") or {}).get("summary", ""))[:2000]
            _consultation_step(out, event, payload, title, sponsor, summary)
            for ref in _refs(payload.get("data")):
                out.documents.append(DocumentUse(str(ref["sha256"]), ref.get("media_type"), ref.get("size"),
                                                 procedure_id, event.seq, event.at, event.actor, ref.get("sm3")))
        _public(out, event, payload)
        if out.procedure is not None and status.status != RUNNING and out.procedure.values["ended_at"] is None:
            out.procedure.values["ended_at"] = event.at
    if out.procedure is not None and events:
        out.procedure.values.update(status=status.status, version=events[-1].seq, state_sha256=state_sha)
        out.procedure.seq = events[-1].seq
    return out


def _work_items(out: Projection, event: Any, payload: Mapping[str, Any]) -> None:
    for opened in payload.get("opened", []) or []:
        due = opened.get("due_at", UNKNOWN)
        out.work_items[str(opened["task"])] = Row({
            "procedure_id": out.procedure_id, "spec": opened.get("step"), "title": opened.get("title", UNKNOWN),
            "step_kind": opened.get("kind", UNKNOWN), "role": opened.get("role", UNKNOWN),
            "org": opened.get("org", UNKNOWN), "status": OPEN, "assignee": None, "created_at": event.at,
            "due_at": _moment(due), "completed_at": None, "completed_by": None}, event.seq)
    for moved in payload.get("remapped", []) or []:  # a migration moved an open step onto another element
        row = out.work_items.get(str(moved["task"]))
        if row is not None:
            row.values.update(spec=moved.get("step"), title=moved.get("title", UNKNOWN),
                              step_kind=moved.get("kind", UNKNOWN), role=moved.get("role", UNKNOWN),
                              org=moved.get("org", UNKNOWN))
            row.seq = event.seq
    item = out.work_items.get(event.task_id or "")
    if event.kind == "task_claimed" and item is not None:
        by = payload.get("by")
        item.values["assignee"] = str(by.get("user", event.actor)) if isinstance(by, dict) else event.actor
        item.seq = event.seq
    if event.kind == "task_completed" and item is not None:
        item.values.update(status=COMPLETED, completed_at=event.at, completed_by=event.actor)
        item.seq = event.seq
    for task_id in payload.get("cancelled", []) or []:
        gone = out.work_items.get(str(task_id))
        if gone is not None and gone.values["status"] == OPEN:
            gone.values.update(status=CANCELLED, completed_at=event.at)
            gone.seq = event.seq


def _timers(out: Projection, event: Any, payload: Mapping[str, Any]) -> None:
    for timer in payload.get("timers", []) or []:
        out.timers[str(timer["task"])] = Row({"procedure_id": out.procedure_id, "spec": timer.get("step"),
                                              "due_at": _moment(timer.get("due_at")), "status": "pending",
                                              "fired_at": None}, event.seq)
    for moved in payload.get("timers_remapped", []) or []:
        row = out.timers.get(str(moved["task"]))
        if row is not None:
            row.values["spec"], row.seq = moved.get("step"), event.seq
    fired = out.timers.get(event.task_id or "")
    if event.kind == "timer_fired" and fired is not None:
        fired.values.update(status="fired", fired_at=event.at)
        fired.seq = event.seq
    for task_id in payload.get("timers_ended", []) or []:
        ended = out.timers.get(str(task_id))
        if ended is not None and ended.values["status"] == "pending":
            ended.values.update(status="done", fired_at=event.at)
            ended.seq = event.seq
    if event.kind == "procedure_withdrawn":
        for row in out.timers.values():
            if row.values["status"] == "pending":
                row.values.update(status="cancelled", fired_at=event.at)
                row.seq = event.seq


def _consultation_step(out: Projection, event: Any, payload: Mapping[str, Any], title: Any, sponsor: Any,
                       summary: str) -> None:
    """consultation.on_step: the call opens with the public-comment step and closes with the summary."""
    data, derived = payload.get("data") or {}, payload.get("derived") or {}
    if payload.get("step_kind") == "public_comment" and derived.get("comment_closes_at"):
        out.consultations.append(Row({
            "procedure_id": out.procedure_id, "title": title, "sponsor_org": sponsor, "summary": summary,
            "opened_at": event.at, "closes_at": _moment(derived["comment_closes_at"]), "closed_at": None,
            "draft_sha256": _sha(data.get("draft")), "explanation_sha256": _sha(data.get("explanation")),
            "url": data.get("url"), "feedback_method": data.get("feedback_method"),
            "urgency_reason": data.get("urgency_reason"), "adoption_sha256": None,
            "adoption_published_at": None}, event.seq))
    elif payload.get("step_kind") == "opinion_summary" and out.consultations:
        latest = out.consultations[-1]
        if latest.values["closed_at"] is None:
            latest.values["closed_at"], latest.seq = event.at, event.seq


def _public(out: Projection, event: Any, payload: Mapping[str, Any]) -> None:
    """Opinions, their moderation and marks, the adoption statement, supervisors' reminders."""
    receipt = str(payload.get("receipt", ""))
    if event.kind == "opinion_received":
        out.opinions[receipt] = Row({
            "procedure_id": out.procedure_id, "submitted_at": event.at, "text_sha256": payload.get("text_sha256"),
            "attachment_sha256": payload.get("attachment_sha256"), "duplicate": bool(payload.get("duplicate")),
            "hidden": False, "hidden_reason": None, "topic": None, "adoption": None, "adoption_reason": None,
            "marked_by": None, "marked_at": None}, event.seq)
        out.opinion_consultation[receipt] = len(out.consultations) - 1
        if payload.get("attachment_sha256"):
            out.documents.append(DocumentUse(str(payload["attachment_sha256"]), payload.get("attachment_media_type"),
                                             payload.get("attachment_size"), out.procedure_id, event.seq, event.at,
                                             "public"))
    opinion = out.opinions.get(receipt)
    if event.kind == "opinion_hidden" and opinion is not None:
        opinion.values.update(hidden=True, hidden_reason=payload.get("reason"))
        opinion.seq = event.seq
    if event.kind == "opinion_marked" and opinion is not None:
        opinion.values.update(topic=payload.get("topic"), adoption=payload.get("adoption"),
                              adoption_reason=payload.get("reason"), marked_by=event.actor, marked_at=event.at)
        opinion.seq = event.seq
    if event.kind == "adoption_published" and out.consultations:
        latest = out.consultations[-1]
        latest.values.update(adoption_sha256=payload.get("sha256"), adoption_published_at=event.at)
        latest.seq = event.seq
        out.documents.append(DocumentUse(str(payload.get("sha256")), "text/html", payload.get("size"), out.procedure_id,
                                         event.seq, event.at, "public"))  # consultation.store_document's creator
    if event.kind == "reminder_sent":
        to = payload.get("to") or {}
        out.reminders.append(Row({"procedure_id": out.procedure_id, "task_id": event.task_id, "role": to.get("role"),
                                  "org": to.get("org"), "assignee": to.get("assignee"),
                                  "message": payload.get("message"), "sent_by": event.actor, "sent_at": event.at},
                                 event.seq))


def _scheduled_run(out: Projection, payload: Mapping[str, Any], event: Any) -> None:
    """The yearly clean-up's run row is written with its procedure's start (cleanup.start_periodic)."""
    facts = payload.get("facts") or {}
    if facts.get("cleanup_type") == "periodic" and facts.get("period"):
        key = (CLEANUP_JOB, str(facts["period"]))
        out.scheduled_runs[key] = Row({"procedure_id": out.procedure_id, "started_at": event.at}, event.seq)


def _refs(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every document reference in form data (tasks._ref: sha256, filename, size, media_type), at any depth."""
    if isinstance(value, Mapping):
        if isinstance(value.get("sha256"), str) and "media_type" in value:
            yield value
            return
        for inner in value.values():
            yield from _refs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _refs(inner)


def _sha(value: Any) -> str | None:
    return str(value["sha256"]) if isinstance(value, Mapping) and "sha256" in value else None


def _moment(value: Any) -> Any:
    if value is UNKNOWN or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return value


def text_sha256(text: str) -> str:
    """consultation.submit's digest of an opinion's text: whitespace folded, case folded."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()
