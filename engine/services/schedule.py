"""Recurring jobs that must run once per period however many workers run: the daily digest.

A run is a `scheduled_runs` row (job, period), primary key on both: the worker that inserts
it first runs the job, and every other worker's insert conflicts. The row is committed
before the job's work, so a job that fails midway is not repeated by another worker that
period: a notice is sent at most once, never twice. (The yearly clean-up inserts its row
in the transaction that starts its procedure instead: engine/services/cleanup.py.)
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from engine.persistence.tables import ScheduledRun
from engine.persistence.uow import UnitOfWork

__all__ = ["claim", "ran"]


def ran(uow: UnitOfWork, job: str, period: str) -> bool:
    """Whether `job` already ran (or is running) for `period`: one primary-key read."""
    with uow.read():
        return uow.session.get(ScheduledRun, (job, period)) is not None


def claim(uow: UnitOfWork, job: str, period: str) -> bool:
    """Record that this worker runs `job` for `period`; False when another recorded it first."""
    with uow:
        if not record(uow, job, period):
            return False  # leaving the block rolls this attempt back
        uow.commit()
        return True


def record(uow: UnitOfWork, job: str, period: str, procedure_id: int | None = None) -> bool:
    """Insert the run's row in the caller's open transaction, uncommitted; False when the period is taken
    (then the caller must not commit: its transaction is to be rolled back whole)."""
    if uow.session.get(ScheduledRun, (job, period)) is not None:
        return False
    uow.session.add(ScheduledRun(job=job, period=period, procedure_id=procedure_id, started_at=uow.clock.now()))
    try:
        uow.session.flush()
    except IntegrityError:
        return False  # another worker's row came first
    return True
