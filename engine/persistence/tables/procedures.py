"""Definitions and the procedures run on them: the stored workflow, its open steps and timers, the
reminders sent, drafts typed and migration proposals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.tables.base import POSTGRESQL_ONLY, Base


class Definition(Base):
    """One deployed version of a process definition, with the forms it was deployed with."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    bundle_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    bpmn: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]]
    compliance: Mapped[dict[str, Any]]
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]


class Procedure(Base):
    """A running or ended procedure: its workflow state and the head of its history chain."""

    __tablename__ = "procedures"
    __table_args__ = (
        # A unit's procedures newest first, as its sponsor's page seeks them (issue 21; migration 0017b).
        Index("ix_procedures_sponsor_org_id", "sponsor_org", "id"),
        # Title search (`title ILIKE '%…%'`) reads this trigram index on PostgreSQL (migration 0017c); SQLite
        # has no pg_trgm and scans, so the index is PostgreSQL's only (`POSTGRESQL_ONLY`, schema.differences).
        Index("ix_procedures_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"},
              info=POSTGRESQL_ONLY),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    sponsor_org: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(72))
    """SHA-256 as 64 hex digits, or SM3 as `sm3:` and 64 (engine/crypto_suite.py)."""
    started_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


# A title search of two characters reads this one, of the title's pairs of characters (engine/services/
# title_search.py; migration 0017c makes the function df_title_bigrams too).
Index("ix_procedures_title_bigrams", func.df_title_bigrams(Procedure.title).label("bigrams"), postgresql_using="gin",
      postgresql_ops={"bigrams": "gin_trgm_ops"}, info=POSTGRESQL_ONLY)
# A title search of one character reads this one, of the title spelled as its characters (migration 0018b makes
# the function df_title_chars too).
Index("ix_procedures_title_chars", func.df_title_chars(Procedure.title).label("chars"), postgresql_using="gin",
      postgresql_ops={"chars": "gin_trgm_ops"}, info=POSTGRESQL_ONLY)


class WorkItem(Base):
    """The projection of a READY human task: who may do it and by when."""

    __tablename__ = "work_items"
    __table_args__ = (
        Index(None, "role", "status"),
        # The inbox seeks its page here: open steps of one role and lane, by deadline (migration 0014a).
        Index("ix_work_items_open_inbox", "role", "org", "due_at", "task_id",
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        # The supervision board seeks its page here: every open step by deadline (migration 0014a).
        Index("ix_work_items_open_due", "due_at", "task_id",
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    spec: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    step_kind: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(64))
    org: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(64))


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (
        Index(None, "status", "due_at"),
        # /metrics reads the lag of the last fired timers here, newest first (migration 0018c).
        Index("ix_timers_fired_at", "fired_at",
              postgresql_where=text("status = 'fired'"), sqlite_where=text("status = 'fired'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    spec: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    fired_at: Mapped[datetime | None]


class Reminder(Base):
    """A supervisor's reminder (督办通知) on an open step, to whoever the step was waiting for (DF-SUPERVISION).

    `role`, `org` and `assignee` are the step's when it was sent; the procedure's history
    records the same reminder as a `reminder_sent` event.
    """

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("work_items.task_id"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    org: Mapped[str | None] = mapped_column(String(64))
    assignee: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(500))
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]


class Draft(Base):
    """What a user typed into an open step's form and kept (暂存) without submitting it (engine.services.drafts).

    Not part of the record: nothing is chained and no guard, page of the record, archive or verify reads
    it; it becomes a fact only when the step is submitted through `tasks.complete`.
    """

    __tablename__ = "drafts"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]]
    saved_at: Mapped[datetime]


class MigrationProposal(Base):
    """A plan to migrate running procedures to another definition version, proposed by the legality review
    office with a reason and decided by a second authorised person (engine.services.migration, DF-MIGRATE-APPROVAL).

    Each procedure it migrates gets a chained `procedure_migrated` event carrying the plan, the reason, both
    people and the proof; `results` is the per-procedure report of the approval (migrated or refused, and why).
    """

    __tablename__ = "migration_proposals"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    source_version: Mapped[int]
    target_version: Mapped[int]
    plan: Mapped[dict[str, Any]]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    results: Mapped[list[Any] | None]
