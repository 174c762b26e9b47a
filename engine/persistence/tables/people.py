"""People and their access: organisations, users and roles, grants awaiting approval, API tokens,
web sessions and the anti-abuse state of logins and challenges.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.tables.base import Base


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


class UsedChallenge(Base):
    """A public form's challenge, answered once: its nonce (as a hash) is kept until the token that carried it
    expires, and the primary key refuses a second use, even by two requests at once (DF-PUBLIC)."""

    __tablename__ = "used_challenges"
    nonce_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
