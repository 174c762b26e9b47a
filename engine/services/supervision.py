"""Supervision (督办): the board of late work, reminders, and each user's daily digest.

Supervisors chase overdue work; that is how government keeps procedures moving. The
board lists the open steps of running procedures that are overdue or due soon, grouped
by who they wait for: the organisation the step's lane names or, for a step any
organisation holding its role may do (the lane names none), that role. Supervisors and
auditors see it; only supervisors send reminders (DF-SUPERVISION). A reminder
(督办通知) is a row the step's inbox shows and a `reminder_sent` event in the
procedure's chained history, written in one transaction; it is refused on a step that
is no longer open. The digest is what one user is told each day: their overdue and
due-soon steps and the reminders of the last day (in the app, and mailed by
`engine.mail` when SMTP is configured).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any

from sqlalchemy import ColumnElement, func, literal, or_, select, tuple_

from engine import deadlines
from engine.domain import rules
from engine.domain.actors import Actor
from engine.domain.errors import (
    AccountForbidden,
    AccountInvalid,
    ProcedureEnded,
    ReminderForbidden,
    ReminderInvalid,
    SupervisionForbidden,
    UserNotFound,
)
from engine.persistence.tables import Organisation, Procedure, Reminder, User, UserRole, WorkItem
from engine.persistence.types import UTCDateTime
from engine.persistence.uow import UnitOfWork
from engine.services import history, paging, progress
from engine.workdays import local_date

__all__ = ["board", "digest", "digests", "remind", "reminders_for", "set_email"]

SUPERVISOR_ROLE = "supervisor"
BOARD_ROLES = frozenset({SUPERVISOR_ROLE, "auditor"})
MAX_MESSAGE = 500
DIGEST_WINDOW = timedelta(days=1)
"""The digest carries the reminders of the last day: it is sent once a day."""
HORIZON = timedelta(days=30)
DIGEST_ROWS = 50
"""A digest lists at most this many steps (the earliest due) and reminders: a legal office with thousands of
open steps gets a readable mail and page, and the inbox pages on through the rest (issue 21)."""
"""No deadline further away than this is due soon: DUE_SOON_WORKING_DAYS working days never span
30 calendar days, even across the Spring Festival; the board's query stops there."""
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class DueItem:
    """An open step that is overdue or due soon, with the procedure it belongs to."""

    task_id: str
    procedure_id: int
    procedure_title: str
    sponsor_org: str
    step: str
    step_title: str
    step_kind: str
    role: str
    org: str | None
    assignee: str | None
    opened_at: datetime
    due_at: datetime
    state: str
    """"overdue" or "due_soon" (engine.deadlines.state)."""
    days_overdue: int
    """Working days past the last day; 0 when not overdue."""
    reminders: int = 0
    last_reminded_at: datetime | None = None

    @property
    def last_day(self) -> date:
        """The last day to do it, Asia/Shanghai: `due_at` is 00:00 of the day after."""
        return deadlines.last_day(self.due_at)


@dataclass(frozen=True)
class BoardGroup:
    """The late work waiting for one organisation or, where the lane names none, one role."""

    org: str | None
    org_name: str | None
    role: str | None
    items: tuple[DueItem, ...]

    @property
    def key(self) -> str:
        return f"org:{self.org}" if self.org is not None else f"role:{self.role}"

    @property
    def overdue(self) -> int:
        return sum(i.state == "overdue" for i in self.items)

    @property
    def due_soon(self) -> int:
        return sum(i.state == "due_soon" for i in self.items)


@dataclass(frozen=True)
class Board:
    at: datetime
    groups: tuple[BoardGroup, ...]
    org_names: dict[str, str]
    """Organisation code → name, for the sponsoring units the rows name."""
    next: str | None = None
    """The cursor of the board's next page (the last row's (due_at, task_id)), None on the last."""

    @property
    def items(self) -> tuple[DueItem, ...]:
        return tuple(i for g in self.groups for i in g.items)

    @property
    def overdue(self) -> int:
        return sum(g.overdue for g in self.groups)

    @property
    def due_soon(self) -> int:
        return sum(g.due_soon for g in self.groups)


@dataclass(frozen=True)
class ReminderView:
    id: int
    procedure_id: int
    procedure_title: str
    task_id: str
    step_title: str
    step_kind: str
    message: str
    sent_by: str
    sent_at: datetime
    due_at: datetime | None


@dataclass(frozen=True)
class Digest:
    """One user's daily digest: what is late or nearly so, and who was reminded of it."""

    username: str
    display_name: str
    email: str | None
    at: datetime
    items: tuple[DueItem, ...]
    reminders: tuple[ReminderView, ...]
    more: bool = False
    """More steps are late or due soon than the DIGEST_ROWS listed: the inbox has them all."""

    @property
    def day(self) -> date:
        return local_date(self.at)

    @property
    def overdue(self) -> tuple[DueItem, ...]:
        return tuple(i for i in self.items if i.state == "overdue")

    @property
    def due_soon(self) -> tuple[DueItem, ...]:
        return tuple(i for i in self.items if i.state == "due_soon")

    @property
    def empty(self) -> bool:
        return not self.items and not self.reminders


def board(uow: UnitOfWork, actor: Actor, now: datetime | None = None, after: str | None = None,
          limit: int | None = None) -> Board:
    """Overdue and due-soon steps of running procedures, by organisation (or role) and step.

    Open to supervisors and auditors (DF-SUPERVISION); anyone else is refused. One page at a time: the
    `limit` (paging.PAGE_SIZE) steps due soonest — the most overdue first — after the cursor `after`,
    sought on the partial index ix_work_items_open_due; on a page, groups with the most overdue work come
    first, within a group steps by title, then by due date.
    """
    if not actor.roles & BOARD_ROLES:
        raise SupervisionForbidden(username=actor.username)
    n = paging.size(limit)
    key = paging.decode(after, (datetime, str))
    with uow.read():
        at = now or uow.clock.now()
        items, last = _due_items(uow, at, [], key, n)
        names = {code: name for code, name in uow.session.execute(select(Organisation.code, Organisation.name))}
    grouped: dict[tuple[str | None, str | None], list[DueItem]] = {}
    for item in items:
        grouped.setdefault((item.org, None) if item.org is not None else (None, item.role), []).append(item)
    groups = [BoardGroup(org, names.get(org) if org else None, role,
                         tuple(sorted(rows, key=lambda i: (i.step_title, i.due_at, i.procedure_id))))
              for (org, role), rows in grouped.items()]
    groups.sort(key=lambda g: (-g.overdue, -g.due_soon, g.key))
    return Board(at, tuple(groups), names, paging.encode(*last) if last is not None else None)


def remind(uow: UnitOfWork, actor: Actor, task_id: str, message: str) -> ReminderView:
    """Send a reminder (督办通知) on an open step: a row for its inbox and a history event, one transaction.

    Refused for anyone but a supervisor (DF-SUPERVISION), for an empty or over-long message,
    and for a step that is done (MD-33b) or cancelled (MD-39); a refusal writes nothing.
    """
    if not actor.holds(SUPERVISOR_ROLE):
        raise ReminderForbidden(username=actor.username)
    text = (message or "").strip()
    if not text or len(text) > MAX_MESSAGE:
        raise ReminderInvalid(field="message", problem=f"1 to {MAX_MESSAGE} characters are required",
                              problem_zh=f"须为 1 至 {MAX_MESSAGE} 个字符")
    with uow:
        procedure, item = uow.lock_procedure_of(task_id)
        rules.require_open(rules.StepRef(item.task_id, item.procedure_id, item.spec, item.title, item.step_kind,
                                         item.role, item.org, item.status, item.assignee))
        if procedure.status != progress.RUNNING:
            raise ProcedureEnded(procedure_id=procedure.id, status=procedure.status)
        now = uow.clock.now()
        row = Reminder(procedure_id=procedure.id, task_id=task_id, role=item.role, org=item.org,
                       assignee=item.assignee, message=text, sent_by=actor.username, sent_at=now)
        uow.session.add(row)
        procedure.version += 1
        history.append(uow, procedure, "reminder_sent", actor.username, task_id, _payload(item, text, actor, now), now)
        uow.session.flush()
        view = ReminderView(row.id, procedure.id, procedure.title, task_id, item.title, item.step_kind, text,
                            actor.username, now, item.due_at)
        uow.commit()
        return view


def reminders_for(uow: UnitOfWork, actor: Actor, task_ids: Iterable[str], since: datetime | None = None
                  ) -> list[ReminderView]:
    """Reminders on the given open steps the actor may do (as `tasks.inbox` sees them), newest first: the
    steps a page shows, so the query is bounded by the page, never by all the actor's steps."""
    with uow.read():
        return _reminders(uow, actor, since, tuple(task_ids))


def digest(uow: UnitOfWork, actor: Actor, now: datetime | None = None) -> Digest:
    """The actor's daily digest: their overdue and due-soon steps, and the last day's reminders."""
    with uow.read():
        user = uow.session.get(User, actor.user_id)
        display, email = (user.display_name, user.email) if user is not None else (actor.username, None)
        return _digest(uow, actor, display, email, now or uow.clock.now())


def digests(uow: UnitOfWork, now: datetime | None = None) -> list[Digest]:
    """Every active user's digest, by username: what `decisionflow digest` prints or mails."""
    with uow.read():
        at = now or uow.clock.now()
        rows = uow.session.execute(select(User, Organisation.code).join(Organisation, Organisation.id == User.org_id)
                                   .where(User.active.is_(True)).order_by(User.username)).all()
        grants: dict[int, set[str]] = {}
        for user_id, role in uow.session.execute(select(UserRole.user_id, UserRole.role)):
            grants.setdefault(user_id, set()).add(role)
        return [_digest(uow, Actor(u.id, u.username, org, frozenset(grants.get(u.id, ()))), u.display_name,
                        u.email, at) for u, org in rows]


def set_email(uow: UnitOfWork, actor: Actor, username: str, email: str | None) -> str | None:
    """Set (or, with an empty value, clear) where a user's digest is mailed: their own, or anyone's by an admin."""
    if username != actor.username and not actor.holds("admin"):
        raise AccountForbidden(username=actor.username)
    address = (email or "").strip() or None
    if address is not None and (len(address) > 254 or not EMAIL.match(address) or not _mailable(address)):
        raise AccountInvalid(field="email", problem="not an e-mail address", problem_zh="不是有效的电子邮件地址")
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise UserNotFound(username=username)
        user.email = address
        uow.commit()
        return address


def _mailable(address: str) -> bool:
    """Whether the mail headers take the address as one recipient (what `mail.compose` needs)."""
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, HeaderParseError):
        return False
    return parsed.addr_spec == address


def _digest(uow: UnitOfWork, actor: Actor, display_name: str, email: str | None, at: datetime) -> Digest:
    items, last = _due_items(uow, at, _visible_to(actor), limit=DIGEST_ROWS) if actor.roles else ([], None)
    items.sort(key=lambda i: (i.state != "overdue", i.due_at, i.procedure_id))
    recent = _reminders(uow, actor, at - DIGEST_WINDOW, limit=DIGEST_ROWS)
    return Digest(actor.username, display_name, email, at, tuple(items), tuple(recent), last is not None)


def _visible_to(actor: Actor) -> list[ColumnElement[bool]]:
    """The open steps an actor may do: the same test as `tasks.inbox`."""
    return [WorkItem.role.in_(sorted(actor.roles)), or_(WorkItem.org.is_(None), WorkItem.org == actor.org),
            or_(WorkItem.assignee.is_(None), WorkItem.assignee == actor.username)]


def _due_items(uow: UnitOfWork, at: datetime, where: Iterable[ColumnElement[bool]],
               key: tuple[object, ...] | None = None,
               limit: int | None = None) -> tuple[list[DueItem], tuple[datetime, str] | None]:
    """Overdue and due-soon open steps in (due_at, task_id) order, after `key`; with a `limit`, at most
    that many rows are read and the last one's key is returned when there may be more."""
    seek = ([tuple_(WorkItem.due_at, WorkItem.task_id) > tuple_(literal(key[0], UTCDateTime()), literal(key[1]))]
            if key is not None else [])
    stmt = (select(WorkItem, Procedure.title, Procedure.sponsor_org)
            .join(Procedure, Procedure.id == WorkItem.procedure_id)
            .where(WorkItem.status == rules.OPEN, Procedure.status == progress.RUNNING,
                   WorkItem.due_at.is_not(None), WorkItem.due_at < at + HORIZON, *seek, *where)
            .order_by(WorkItem.due_at, WorkItem.task_id))
    rows = uow.session.execute(stmt.limit(limit + 1) if limit is not None else stmt).all()
    last = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        last = (rows[-1][0].due_at, rows[-1][0].task_id)
    found = []
    for item, title, sponsor_org in rows:
        try:
            state, late = deadlines.state(item.due_at, at), deadlines.working_days_overdue(item.due_at, at)
        except deadlines.UNREADABLE as failed:  # one poisoned row never empties the board or the digests
            uow.engine.incidents.skipped("work_item", f"step {item.task_id} of procedure {item.procedure_id} "
                                         f"has an unreadable due date {item.due_at!r}", failed)
            continue
        if state in ("overdue", "due_soon"):
            found.append((item, title, sponsor_org, state, late))
    counts = _reminder_counts(uow, [item.task_id for item, *_ in found])
    return [DueItem(item.task_id, item.procedure_id, title, sponsor_org, item.spec, item.title, item.step_kind,
                    item.role, item.org, item.assignee, item.created_at, item.due_at, state, late,
                    *counts.get(item.task_id, (0, None)))
            for item, title, sponsor_org, state, late in found], last


def _reminder_counts(uow: UnitOfWork, task_ids: list[str]) -> dict[str, tuple[int, datetime | None]]:
    if not task_ids:
        return {}
    stmt = (select(Reminder.task_id, func.count(), func.max(Reminder.sent_at))
            .where(Reminder.task_id.in_(task_ids)).group_by(Reminder.task_id))
    return {task_id: (count, last) for task_id, count, last in uow.session.execute(stmt)}


def _reminders(uow: UnitOfWork, actor: Actor, since: datetime | None, task_ids: tuple[str, ...] | None = None,
               limit: int | None = None) -> list[ReminderView]:
    """Reminders on the actor's open steps, newest first: of the steps `task_ids` names, or the `limit`
    newest since `since`."""
    if not actor.roles or task_ids == ():
        return []
    stmt = (select(Reminder, WorkItem.title, WorkItem.step_kind, WorkItem.due_at, Procedure.title)
            .join(WorkItem, WorkItem.task_id == Reminder.task_id)
            .join(Procedure, Procedure.id == Reminder.procedure_id)
            .where(WorkItem.status == rules.OPEN, Procedure.status == progress.RUNNING, *_visible_to(actor),
                   *([Reminder.sent_at > since] if since is not None else []),
                   *([Reminder.task_id.in_(task_ids)] if task_ids is not None else []))
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc()).limit(limit))
    return [ReminderView(r.id, r.procedure_id, procedure_title, r.task_id, step_title, step_kind, r.message,
                         r.sent_by, r.sent_at, due_at)
            for r, step_title, step_kind, due_at, procedure_title in uow.session.execute(stmt)]


def _payload(item: WorkItem, message: str, actor: Actor, now: datetime) -> dict[str, Any]:
    """What history keeps of a reminder: the step, whom it was for, what was said, how late it was."""
    return {"step": item.spec, "step_kind": item.step_kind,
            "to": {"role": item.role, "org": item.org, "assignee": item.assignee}, "message": message,
            "due_at": item.due_at.isoformat() if item.due_at else None,
            "state": deadlines.state(item.due_at, now),
            "days_overdue": deadlines.working_days_overdue(item.due_at, now) if item.due_at else 0,
            "by": actor.as_payload()}
