"""What the public sees and sends: the year's catalogue of decisions, consultations and their opinions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.tables.base import Base


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
