"""The tables: definitions, procedures, work items, timers, documents, people, history.

Every state change writes these in one transaction (DESIGN invariant 1). `events` is
append-only: a trigger refuses UPDATE and DELETE (see migrations), and nothing in
the code base issues either against it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.persistence.types import UTCDateTime

POSTGRESQL_ONLY = {"dialects": ("postgresql",)}
"""`info` of a schema object only PostgreSQL's migrations make (an index of an extension SQLite lacks)."""

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="department")


class Role(Base):
    __tablename__ = "roles"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    email: Mapped[str | None] = mapped_column(String(254))
    """Where the daily digest is mailed; none, no mail (migration 0004)."""
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Wrong passwords since the last success or lockout (migration 0007)."""
    locked_until: Mapped[datetime | None]
    """No login, even with the right password, before this moment (DECISIONFLOW_LOCKOUT_*)."""
    password_changed_at: Mapped[datetime | None]


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"), primary_key=True)


class RoleGrant(Base):
    """A grant of a four-eyes role, asked for by one administrator, decided by another (DF-FOUR-EYES).

    The role is held only once the grant is approved; rejected and approved grants stay as the record of
    who asked and who decided. At most one grant per user and role is pending (a partial unique index).
    """

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
        Index("uq_role_grants_pending", "user_id", "role", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(64), ForeignKey("roles.name"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]


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


class Document(Base):
    """An immutable document, stored once by content hash (DESIGN invariant 9)."""

    __tablename__ = "documents"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(127))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    sm3: Mapped[str | None] = mapped_column(String(72))
    """The content's SM3 as `sm3:HEX`, for documents stored under the sm crypto suite; None under intl. The
    SHA-256 stays the key, so a document stored under either suite is found the same way."""


class Event(Base):
    """One entry of a procedure's chained, append-only history (DESIGN invariant 4)."""

    __tablename__ = "events"
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    task_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(72))
    hash: Mapped[str] = mapped_column(String(72))


class NumberHeld(Base):
    """A unique identifier a procedure's step recorded, in canonical spelling (engine/numbers.py): looked up
    by (field, number) to refuse a number another procedure holds, under a per-number lock on PostgreSQL
    so two simultaneous claims are decided one after the other."""

    __tablename__ = "numbers_held"
    __table_args__ = (Index("ix_numbers_held_field_number", "field", "number"),)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(300), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class DocumentMention(Base):
    """A procedure speaking of a registered normative document (engine/mentions.py): a published clean-up
    listing it (by procedure id) or a reconsideration asking for its incidental review (by canonical number),
    so a registry page looks up its own entries' clean-ups and cases on (kind, document) (issue 21)."""

    __tablename__ = "document_mentions"
    __table_args__ = (Index("ix_document_mentions_kind_document", "kind", "document"),)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    document: Mapped[str] = mapped_column(String(300), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)


class IndicatorFact(Base):
    """What one procedure contributes to one 法治指数 indicator, period-independent (engine/indicator_facts.py).

    A projection of the chain: refreshed with every event append that can change it, rebuilt from the
    events and compared by `decisionflow verify` (DF-INTEGRITY). `part` is `procedure` (the procedure
    itself: start time, unit, title as `key`), `select` (the anchor event placing it in an indicator's
    selection, with the first times of its `with`/`without` events), `event` (a counted event), or
    `among`/`of` (the keyed events of a share of events). Times are the first matching event's.
    """

    __tablename__ = "indicator_facts"
    __table_args__ = (Index("ix_indicator_facts_part_at", "part", "at"),)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(80), primary_key=True)
    part: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[str] = mapped_column(String(100))
    sponsor_org: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    key: Mapped[str | None] = mapped_column(Text)
    with_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]
    where_with_at: Mapped[datetime | None]
    where_blocked_at: Mapped[datetime | None]
    from_at: Mapped[datetime | None]
    to_at: Mapped[datetime | None]
    ok: Mapped[bool | None] = mapped_column(Boolean)


class CatalogueItem(Base):
    """An item of a year's decision catalogue, with its approval record (MD-3c, SC-3)."""

    __tablename__ = "catalogue_items"
    __table_args__ = (UniqueConstraint("year", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(32))
    sponsor_org: Mapped[str] = mapped_column(String(64))
    decision_organ: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    approvals: Mapped[dict[str, Any]]
    source_sha256: Mapped[str] = mapped_column(String(64))
    loaded_by: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]


class ApiToken(Base):
    """A user's API token, stored as the SHA-256 of a 256-bit random secret (shown once)."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id_id", "user_id", "id"),)
    """A user's tokens newest first, as their page and `GET /api/v1/tokens` seek them (issue 21; 0017b)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


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


class Consultation(Base):
    """A public comment call as citizens see it: projected when the call opens (MD-15a)."""

    __tablename__ = "consultations"
    # The public portal's open calls and its closed ones seek their page here, by closing time (migration 0017e);
    # the calls closed before their closing time have their own small index (0017f), so the closed list never
    # walks over the calls still open.
    __table_args__ = (Index("ix_consultations_closes_at", "closes_at", "id"),
                      Index("ix_consultations_closed_early", "closes_at", "id",
                            postgresql_where=text("closed_at IS NOT NULL"), sqlite_where=text("closed_at IS NOT NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    sponsor_org: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    draft_sha256: Mapped[str | None] = mapped_column(String(64))
    explanation_sha256: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(500))
    feedback_method: Mapped[str | None] = mapped_column(Text)
    urgency_reason: Mapped[str | None] = mapped_column(Text)
    adoption_sha256: Mapped[str | None] = mapped_column(String(64))
    adoption_published_at: Mapped[datetime | None]


class Opinion(Base):
    """An opinion from the public: kept for good; moderation hides, never deletes (MD-18)."""

    __tablename__ = "opinions"
    __table_args__ = (Index("ix_opinions_consultation_id_id", "consultation_id", "id"),)
    """A consultation's opinions in id order, sought and stopped at a page (issue 21; 0017a)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"), index=True)
    receipt: Mapped[str] = mapped_column(String(32), unique=True)
    submitted_at: Mapped[datetime]
    name: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    client_hash: Mapped[str] = mapped_column(String(64))
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(100))
    adoption: Mapped[str | None] = mapped_column(String(16))
    adoption_reason: Mapped[str | None] = mapped_column(Text)
    marked_by: Mapped[str | None] = mapped_column(String(64))
    marked_at: Mapped[datetime | None]


class UsedChallenge(Base):
    """A public form's challenge, answered once: its nonce (as a hash) is kept until the token that carried it
    expires, and the primary key refuses a second use, even by two requests at once (DF-PUBLIC)."""

    __tablename__ = "used_challenges"
    nonce_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


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

    A total is the sum of its `shard` rows: a transaction adds to the shard of its procedure (id mod
    SHARDS), so completions of different procedures rarely wait on the same row."""

    __tablename__ = "tallies"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


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


class WebSession(Base):
    """A logged-in browser session, kept on the server so that it can end (issue 20: sessions that end).

    The cookie carries a 256-bit random secret; only its SHA-256 is stored. Logout ends the row, and so
    do a password change, a deactivation and a change of roles (every row of that user): a copy of the
    cookie taken before is worth nothing after. The idle and absolute timeouts end it on its next use.
    """

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))


class LoginThrottle(Base):
    """Failed logins under a name that is no account, counted as an account's are (lockout included).

    A locked account's answer names the time to try again; counting unknown names the same way keeps that
    answer from telling who has an account. The name is stored as its SHA-256: it may be a password typed
    in the wrong box.
    """

    __tablename__ = "login_throttles"
    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


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
