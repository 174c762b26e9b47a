"""Official documents of a step, generated from the record for the person to check, sign and upload.

A door per use: `offered` lists the documents a step produces (engine/official.py, declared by each
statute's home); `generate` lays one out as DOCX or PDF, filled from the procedure, what earlier steps
recorded and the step's own values — the ones recorded when the step is done, else the user's draft
(暂存) — and records in the administration log who generated which document of which step, with the
file's SHA-256 and its digest in the deployment's suite, so the signed upload can be held against it.

Who may: for an open step, whoever may do it (the step's page's check, separation of duties included);
for a done step, whoever may see the record (DF-VIEW).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine import official
from engine.crypto_suite import digest, hash_alg
from engine.domain.actors import Actor
from engine.domain.errors import FormInvalid, ProcedureNotFound, TaskNotFound
from engine.domain.rules import OPEN
from engine.persistence.tables import Draft, Event, Procedure
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, definitions, people, record, tasks
from engine.workdays import local_date

__all__ = ["generate", "offered"]


@dataclass(frozen=True)
class Offered:
    key: str
    title: str


@dataclass(frozen=True)
class Generated:
    filename: str
    media_type: str
    content: bytes
    sha256: str
    digest: str
    """The file's digest in the deployment's suite (`sm3:…` under sm): what the log records beside SHA-256."""


def offered(uow: UnitOfWork, actor: Actor, task_id: str) -> tuple[Offered, ...]:
    """The official documents the step produces, for a user who may do it or see it."""
    statute, step, _ = _allowed(uow, actor, task_id)
    return tuple(Offered(k.key, k.title) for k in official.kinds(statute, step.step_kind))


def generate(uow: UnitOfWork, actor: Actor, task_id: str, kind: str, fmt: str) -> Generated:
    """The document `kind` of the step as `fmt` ("docx" or "pdf"), its generation logged with its hashes."""
    if fmt not in official.FORMATS:
        raise FormInvalid(field="format", problem=f"one of {', '.join(official.FORMATS)}",
                          problem_zh="格式应为 docx 或 pdf")
    statute, step, done = _allowed(uow, actor, task_id)
    chosen = next((k for k in official.kinds(statute, step.step_kind) if k.key == kind), None)
    if chosen is None:
        raise FormInvalid(field="kind", problem=f"step {step.spec} produces no document {kind!r}",
                          problem_zh=f"该步骤不制作此类文书（{kind}）")
    with uow:
        procedure = uow.session.get(Procedure, step.procedure_id)
        if procedure is None:
            raise ProcedureNotFound(procedure_id=step.procedure_id)
        compiled = definitions.load_compiled(uow, procedure.definition_id)
        form = compiled.forms.get(compiled.model.tasks[step.spec].form or "")
        recorded = _recorded(uow, procedure.id)
        values = recorded.get(task_id) if done is not None else _draft(uow, actor, task_id)
        names = people.names(uow)
        issuer_org = (done or {}).get("org") or actor.org
        now = uow.clock.now()
        facts = official.Facts(
            procedure.id, procedure.title, names.organisations.get(procedure.sponsor_org, procedure.sponsor_org),
            names.organisations.get(issuer_org, issuer_org), values or {}, _before(recorded, task_id),
            local_date(now), _labeller(form.schema if form else {}))
        content = official.RENDER[fmt](chosen.build(facts))
        sha256 = hashlib.sha256(content).hexdigest()
        suite_digest = digest(content, hash_alg(uow.settings.crypto_suite))
        adminlog.append(uow, actor.username, "document_generated", f"procedure:{procedure.id}",
                        {"task": task_id, "step": step.spec, "document": chosen.key, "title": chosen.title,
                         "format": fmt, "sha256": sha256, "digest": suite_digest, "size": len(content)}, now)
        uow.commit()
    filename = f"{chosen.title}（{procedure.title[:40]}）.{fmt}"
    return Generated(filename, official.FORMATS[fmt], content, sha256, suite_digest)


def _allowed(uow: UnitOfWork, actor: Actor, task_id: str) -> tuple[str | None, Any, dict[str, Any] | None]:
    """(statute, the step, its completion — org and data — or None while open), after the access check."""
    with uow.read():
        step = uow.item_row(task_id)
    if step is None:
        raise TaskNotFound(task_id=task_id)
    if step.status == OPEN:
        tasks.item(uow, task_id, actor)  # may do it: role, lane, claim, separation of duties
        done = None
    else:
        if not record.visible(uow, actor, step.procedure_id):
            raise TaskNotFound(task_id=task_id)
        done = {}
    with uow.read():
        procedure = uow.session.get(Procedure, step.procedure_id)
        statute = definitions.load_compiled(uow, procedure.definition_id).statute if procedure else None
        if done is not None:
            payload = uow.session.scalar(select(Event.payload).where(
                Event.procedure_id == step.procedure_id, Event.kind == "task_completed", Event.task_id == task_id))
            done = {"org": ((payload or {}).get("by") or {}).get("org")}
    return statute, step, done


def _recorded(uow: UnitOfWork, procedure_id: int) -> dict[str, dict[str, Any]]:
    """Task id → what its completion recorded (data and derived values), in the order of the history."""
    rows = uow.session.execute(select(Event.task_id, Event.payload).where(
        Event.procedure_id == procedure_id, Event.kind == "task_completed").order_by(Event.seq))
    return {task: {**(payload.get("data") or {}), **(payload.get("derived") or {})} for task, payload in rows}


def _before(recorded: Mapping[str, dict[str, Any]], task_id: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for task, values in recorded.items():
        if task == task_id:
            break
        merged.update(values)
    return merged


def _draft(uow: UnitOfWork, actor: Actor, task_id: str) -> dict[str, Any]:
    row = uow.session.get(Draft, (task_id, actor.username))
    return dict(row.data) if row is not None else {}


def _labeller(schema: Mapping[str, Any]) -> Any:
    """(field, value) → the label the form gives a choice, looked up in the form and its rows' fields."""
    labels: dict[str, dict[str, str]] = {}

    def collect(props: Mapping[str, Any]) -> None:
        for name, prop in props.items():
            if isinstance(prop, Mapping):
                if isinstance(prop.get("x-labels"), Mapping):
                    labels.setdefault(name, dict(prop["x-labels"]))
                items = prop.get("items")
                if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
                    collect(items["properties"])

    collect(schema.get("properties") or {})
    return lambda name, value: labels.get(name, {}).get(value, value)
