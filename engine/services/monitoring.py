"""Monitoring: what the load balancer's readiness probe and the metrics scrape read from the database.

Read-only. The web layer's `/readyz` and `/metrics` only translate these values into JSON and
Prometheus families (issue 17: the web layer runs no SQL of its own). Every figure here is shared by
all web and worker processes because it is read from the database, not counted in a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from engine.persistence import schema, tallies
from engine.persistence.tables import Timer, WorkerHeartbeat
from engine.persistence.uow import UnitOfWork

__all__ = ["figures", "fold_tallies", "readiness"]

LAG_WINDOW = 1000
"""The timer lag is measured over the last this many fired timers."""


@dataclass(frozen=True)
class Readiness:
    """Whether this deployment can serve, check by check; `database_error` is the first line of the failure."""

    database_ok: bool
    database_error: str | None
    migrations_at: frozenset[str]
    last_beat: datetime | None
    now: datetime


@dataclass(frozen=True)
class Figures:
    """The database-backed metrics: completions by step kind, timers by status, lag and worker heartbeat."""

    completions: dict[str, int]
    timers: dict[str, int]
    lags: list[float]
    heartbeat_age: float | None


def readiness(uow: UnitOfWork) -> Readiness:
    """The database answers, the revision it is at, and when a timer worker last finished a pass."""
    now = uow.clock.now()
    try:
        with uow.read():
            connection = uow.session.connection()
            connection.execute(text("SELECT 1"))
            at = frozenset(schema.current(connection))
            last = connection.execute(select(func.max(WorkerHeartbeat.beat_at))).scalar()
    except SQLAlchemyError as error:
        return Readiness(False, str(error).splitlines()[0][:300], frozenset(), None, now)
    return Readiness(True, None, at, _aware(last), now)


def fold_tallies(uow: UnitOfWork) -> None:
    """Fold the transactions' tally rows into the totals (engine/persistence/tallies.py): each timer pass does,
    so a scrape sums a few rows however long the service has run. Changes no total."""
    with uow:
        tallies.fold(uow.session.connection())
        uow.commit()


def figures(uow: UnitOfWork) -> Figures:
    """Counts and timer lag, read when Prometheus scrapes."""
    now = uow.clock.now()
    with uow.read():
        session = uow.session
        completions = tallies.totals(session.connection(), tallies.COMPLETIONS)  # a few rows, not a count of
        timers = tallies.totals(session.connection(), tallies.TIMERS)  # every step and timer ever made
        fired = session.execute(select(Timer.due_at, Timer.fired_at).where(Timer.status == "fired")
                                .order_by(Timer.fired_at.desc()).limit(LAG_WINDOW)).all()
        last = _aware(session.execute(select(func.max(WorkerHeartbeat.beat_at))).scalar())
    lags = [(_aware(fired_at) - _aware(due_at)).total_seconds() for due_at, fired_at in fired if fired_at and due_at]
    return Figures(completions, timers, lags, (now - last).total_seconds() if last is not None else None)


def heartbeat_fresh(state: Readiness, limit: timedelta) -> bool:
    """Whether a worker finished a pass within `limit` (statutory periods only fire while one runs)."""
    return state.last_beat is not None and state.now - state.last_beat <= limit


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; the engine stores UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)
