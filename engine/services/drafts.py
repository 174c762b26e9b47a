"""Drafts (暂存): what a user typed into a step's form, kept until they submit it (issue 22 item 3).

A draft is not part of the record: nothing is chained, no guard reads it, the record, the archive and
`verify` ignore it (engine/integrity's cache list names the table). Only a user who may do the step
keeps a draft of it (the checks of `tasks.item`), one per step and user, and it is shown only while the
step is open. Documents are not kept: they are stored once, by hash, when the step is submitted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from engine.domain.actors import Actor
from engine.domain.errors import FormInvalid
from engine.forms import require_json_object
from engine.persistence.tables import Draft
from engine.persistence.uow import UnitOfWork
from engine.services import tasks

__all__ = ["discard", "load", "save"]

MAX_DRAFT_BYTES = 256 * 1024
"""A form's typed text; documents never go into a draft."""


@dataclass(frozen=True)
class DraftView:
    data: dict[str, Any]
    saved_at: datetime


def save(uow: UnitOfWork, actor: Actor, task_id: str, data: dict[str, Any]) -> DraftView:
    """Keep the typed values of an open step for this user, replacing their earlier draft of it."""
    tasks.item(uow, task_id, actor)  # DF-ROLE, DF-VIEW, separation of duties, the step still open
    require_json_object(data, "data")
    size = len(json.dumps(data, ensure_ascii=False).encode("utf-8"))
    if size > MAX_DRAFT_BYTES:
        raise FormInvalid(field="data", problem=f"a draft holds at most {MAX_DRAFT_BYTES // 1024} KiB of text",
                          problem_zh=f"暂存内容最多 {MAX_DRAFT_BYTES // 1024} KiB")
    with uow:
        now = uow.clock.now()
        row = uow.session.get(Draft, (task_id, actor.username))
        if row is None:
            uow.session.add(Draft(task_id=task_id, username=actor.username, data=data, saved_at=now))
        else:
            row.data, row.saved_at = data, now
        uow.commit()
    return DraftView(data, now)


def load(uow: UnitOfWork, actor: Actor, task_id: str) -> DraftView | None:
    """This user's draft of an open step they may do, or None."""
    tasks.item(uow, task_id, actor)
    with uow.read():
        row = uow.session.get(Draft, (task_id, actor.username))
        return DraftView(dict(row.data), row.saved_at) if row is not None else None


def discard(uow: UnitOfWork, actor: Actor, task_id: str) -> None:
    """Forget this user's draft of a step: after it is submitted, or when they start over."""
    with uow:
        uow.session.execute(delete(Draft).where(Draft.task_id == task_id, Draft.username == actor.username))
        uow.commit()
