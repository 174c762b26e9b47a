"""Web sessions kept on the server, so that logging out, a new password, a deactivation or a change of
roles ends every copy of a session (issue 20), and idle and absolute timeouts hold whatever the cookie says.

The browser's cookie carries only a 256-bit random secret; the row keeps its SHA-256, as API tokens do.
`check` is called on every page request: it answers from one indexed read, and writes `last_seen_at`
at most once per LAST_SEEN_GRANULARITY, so reading pages stays a read. Nothing here is history: a
session row decides only whether a browser is still logged in, never what a procedure holds.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from engine.persistence.tables import User, WebSession
from engine.persistence.uow import UnitOfWork

__all__ = ["check", "end", "start"]

LAST_SEEN_GRANULARITY = timedelta(minutes=1)
"""`last_seen_at` is written at most this often; the idle timeout is counted in minutes."""
IDLE = "idle"
EXPIRED = "expired"
ENDED = "ended"


@dataclass(frozen=True)
class SessionState:
    """Who a session belongs to while it is alive; otherwise why it is not (IDLE, EXPIRED or ENDED)."""

    username: str | None
    reason: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(uow: UnitOfWork, username: str) -> str:
    """A new session for an active user, after the web layer admitted the login; the secret is returned once."""
    secret = secrets.token_urlsafe(32)
    with uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username, User.active.is_(True)))
        if user_id is None:
            raise LookupError(f"no active user {username!r}")
        now = uow.clock.now()
        uow.session.add(WebSession(token_hash=_digest(secret), user_id=user_id, created_at=now, last_seen_at=now,
                                   ended_at=None, end_reason=None))
        uow.commit()
    return secret


def check(uow: UnitOfWork, secret: str | None, idle: timedelta | None, lifetime: timedelta) -> SessionState:
    """Whose live session `secret` is; a session past its idle or absolute limit ends here, with its reason.

    A read first (one statement on PostgreSQL, no write lock on SQLite): most requests only need to know
    the session is alive. Ending it or moving `last_seen_at` happens in a writing unit of work that reads
    the row again under it, so a logout between the two is not undone."""
    if not secret or not isinstance(secret, str):
        return SessionState(None, ENDED)
    with uow.read():
        now = uow.clock.now()
        state, write = _judge(_row(uow, secret), now, idle, lifetime)
    if not write:
        return state
    with uow:
        row = _row(uow, secret)
        state, write = _judge(row, now, idle, lifetime)
        if write and state.reason is not None:
            _end(uow, WebSession.id == row.id, state.reason, now)
        elif write:
            uow.session.execute(update(WebSession).where(WebSession.id == row.id).values(last_seen_at=now))
        uow.commit()
        return state


def _row(uow: UnitOfWork, secret: str) -> Any:
    return uow.session.execute(
        select(WebSession.id, WebSession.created_at, WebSession.last_seen_at, WebSession.ended_at, User.username,
               User.active)
        .join(User, User.id == WebSession.user_id).where(WebSession.token_hash == _digest(secret))).one_or_none()


def _judge(row: Any, now: datetime, idle: timedelta | None, lifetime: timedelta) -> tuple[SessionState, bool]:
    """The session's state, and whether the row must be written (ended now, or `last_seen_at` moved on)."""
    if row is None or row.ended_at is not None or not row.active:
        return SessionState(None, ENDED), False
    reason = (EXPIRED if now - row.created_at > lifetime
              else IDLE if idle is not None and now - row.last_seen_at > idle else None)
    if reason is not None:
        return SessionState(None, reason), True
    return SessionState(row.username), now - row.last_seen_at >= LAST_SEEN_GRANULARITY


def end(uow: UnitOfWork, secret: str | None, reason: str = "logout") -> None:
    """Logout: the session ends for every copy of its cookie."""
    if not secret or not isinstance(secret, str):
        return
    with uow:
        _end(uow, WebSession.token_hash == _digest(secret), reason, uow.clock.now())
        uow.commit()


def end_all(uow: UnitOfWork, user_id: int, reason: str, now: datetime) -> None:
    """Inside another service's unit of work: every live session of a user ends (new password, roles, …)."""
    _end(uow, WebSession.user_id == user_id, reason, now)


def _end(uow: UnitOfWork, where: object, reason: str, now: datetime) -> None:
    uow.session.execute(update(WebSession).where(where, WebSession.ended_at.is_(None))  # type: ignore[arg-type]
                        .values(ended_at=now, end_reason=reason[:32]))
