"""The inbox's one statement (issue 21): a keyset page of the open steps an actor may do, whatever the size.

`tasks.inbox_page` calls `rows`; the statement is built once per set of roles and cursor shape, its values
bound per call.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, or_, select, tuple_, union_all

from engine.domain import rules
from engine.domain.actors import Actor
from engine.persistence.tables import Procedure, WorkItem
from engine.persistence.types import UTCDateTime
from engine.persistence.uow import UnitOfWork
from engine.services import progress

INBOX_ORDER = (WorkItem.role, WorkItem.org, WorkItem.due_at, WorkItem.task_id)
"""Each inbox branch's order: the index's own columns. Role and lane are fixed in a branch (and due_at, in
the undated one), so this is (due_at, task_id) order; spelled as the index is, PostgreSQL reads the index
in order and stops at the limit, where `ORDER BY task_id` alone let it walk the primary key instead."""


def rows(uow: UnitOfWork, actor: Actor, key: tuple[object, ...] | None, n: int,
         kinds: frozenset[str] | None = None) -> list[tuple[WorkItem, str, str]]:
    """At most `n` open steps of running procedures for the actor's roles, in (due_at NULLS LAST, task_id)
    order after `key`: one statement, a UNION ALL of one branch per role, lane (the actor's organisation or
    none) and dated/undated part, so that each branch seeks the partial index ix_work_items_open_inbox
    (status 'open'; role, org, due_at, task_id) and stops after `n` rows, whatever the table's size. With
    `kinds`, only steps of those kinds (the legality reviews' page), filtered in the statement so that a
    page is never short."""
    due, task = key if key is not None else (None, None)
    shape = "first" if key is None else "dated" if due is not None else "undated"
    stmt = statement(tuple(sorted(actor.roles)), actor.org is not None, shape,
                     tuple(sorted(kinds)) if kinds is not None else None)
    if stmt is None:
        return []
    params = {"org": actor.org, "me": actor.username, "due": due, "task": task, "n": n}
    return [(item, sponsor, title) for item, sponsor, title in uow.session.execute(stmt, params)]


@lru_cache(maxsize=128)
def statement(roles: tuple[str, ...], has_org: bool, shape: str,
              kinds: tuple[str, ...] | None = None) -> Select[Any] | None:
    """The inbox statement for one set of roles and cursor shape ("first", "dated", "undated"), built once:
    the actor, organisation, cursor and page size are bound parameters (:org, :me, :due, :task, :n).
    Building it took longer than PostgreSQL takes to run it (a branch per role, lane and part)."""
    mine = or_(WorkItem.assignee.is_(None), WorkItem.assignee == bindparam("me", type_=String()))
    lanes = (WorkItem.org.is_(None), *([WorkItem.org == bindparam("org", type_=String())] if has_org else []))
    limit = bindparam("n", type_=Integer())
    of_kind = [WorkItem.step_kind.in_(kinds)] if kinds is not None else []
    branches = []
    for role in roles:
        for lane in lanes:
            parts = []
            if shape != "undated":
                seek = ([tuple_(WorkItem.due_at, WorkItem.task_id) > tuple_(bindparam("due", type_=UTCDateTime()),
                                                                            bindparam("task", type_=String()))]
                        if shape == "dated" else [])
                parts.append([WorkItem.due_at.is_not(None), *seek])
            parts.append([WorkItem.due_at.is_(None),
                          *([WorkItem.task_id > bindparam("task", type_=String())] if shape == "undated" else [])])
            for where in parts:
                branch = (select(WorkItem.task_id, WorkItem.due_at, Procedure.sponsor_org, Procedure.title)
                          .join(Procedure, Procedure.id == WorkItem.procedure_id)
                          .where(WorkItem.status == rules.OPEN, WorkItem.role == role, lane, mine, *of_kind, *where,
                                 Procedure.status == progress.RUNNING)
                          .order_by(*INBOX_ORDER).limit(limit).subquery())
                branches.append(select(*branch.c))
    if not branches:
        return None
    found = union_all(*branches).subquery()
    return (select(WorkItem, found.c.sponsor_org, found.c.title).join(found, found.c.task_id == WorkItem.task_id)
            .order_by(found.c.due_at.asc().nulls_last(), found.c.task_id).limit(limit))
