"""Running the service: the administration log and its head, scheduled runs, worker heartbeats and
the /metrics totals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.tables.base import Base


class AdminEvent(Base):
    """One entry of the chained, append-only administration log (DF-AUDIT; engine/services/adminlog.py)."""

    __tablename__ = "admin_events"
    __table_args__ = (Index("ix_admin_events_kind_seq", "kind", "seq"),)
    """One kind's entries in seq order, sought and stopped at a page (issue 21; 0017a)."""
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(72))  # SHA-256 hex, or `sm3:` and hex (engine/crypto_suite.py)
    hash: Mapped[str] = mapped_column(String(72))


class AdminLogHead(Base):
    """The administration log's head: one row, locked by every append so each seq is taken once."""

    __tablename__ = "admin_log_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(72))


class ScheduledRun(Base):
    """One run of a recurring job for one period: the yearly clean-up of normative documents (ND-9), the
    daily digest (engine/services/schedule.py).

    The primary key (job, period) makes a run happen once: it is inserted in the transaction that
    starts the run's procedure, so when several workers find the same run due, the second insert
    conflicts and that worker's whole transaction rolls back (engine/services/cleanup.py).
    """

    __tablename__ = "scheduled_runs"
    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"), index=True)
    """The procedure the run started (the clean-up); none for a job that starts none (the daily digest)."""
    started_at: Mapped[datetime]


class WorkerHeartbeat(Base):
    """When each `decisionflow worker` last finished a pass: `/readyz` wants a fresh one."""

    __tablename__ = "worker_heartbeats"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime]
    fired: Mapped[int] = mapped_column(Integer)


class Tally(Base):
    """Running totals for /metrics, kept in the transaction that changes what they count (engine/persistence/
    tallies.py): completed steps by step kind, timers by status. Counting the rows at each scrape read every
    completed work item (6.1 million at a million procedures, seconds per scrape); these are a few rows.

    A total is the sum of its `shard` rows: shard 0 holds what the timer workers have folded, and every
    other shard one transaction's changes since (a number drawn for it), so no two writers wait on a row."""

    __tablename__ = "tallies"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
