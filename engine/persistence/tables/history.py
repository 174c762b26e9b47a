"""The record: each procedure's chained events, the documents they name, and the projections verify
rebuilds from them (numbers held, document mentions, indicator facts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.tables.base import Base


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
