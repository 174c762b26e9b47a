"""API tokens: a user's bearer credentials for integrations.

A token is 256 random bits, shown once when issued; only its SHA-256 is stored (a
random secret of that size needs no slow hash: nothing can be guessed from the digest).
Tokens expire, can be revoked by their owner or an administrator, and stop working when
their user is deactivated, because `authenticate` returns only an active user's name.
Issuing and revoking are recorded in the administration log (DF-AUDIT) with the
token's id, name and prefix, never its secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.chain import timestamp
from engine.domain.actors import Actor
from engine.domain.errors import AccountInvalid, TokenNotFound
from engine.persistence.tables import ApiToken, User
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, paging
from engine.services.paging import Page

__all__ = ["authenticate", "issue", "mine", "revoke"]

PREFIX = "df_"
MAX_DAYS = 365
LAST_USED_GRANULARITY = timedelta(hours=1)
"""`last_used_at` is written at most this often, so reading with a token stays a read."""



@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class IssuedToken:
    secret: str
    token: TokenView


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(uow: UnitOfWork, actor: Actor, name: str, days: int = 90) -> IssuedToken:
    """A new token for `actor`; the secret is in the result and nowhere else."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise AccountInvalid(field="name", problem="1 to 100 characters are required",
                             problem_zh="须为 1 至 100 个字符")
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise AccountInvalid(field="days", problem=f"1 to {MAX_DAYS} days",
                             problem_zh=f"有效期须为 1 至 {MAX_DAYS} 天")
    secret = PREFIX + secrets.token_urlsafe(32)
    with uow:
        now = uow.clock.now()
        row = ApiToken(user_id=actor.user_id, name=name, token_hash=digest(secret), prefix=secret[:10],
                       created_at=now, expires_at=now + timedelta(days=days), revoked_at=None, last_used_at=None)
        uow.session.add(row)
        uow.session.flush()
        view = _view(row)
        adminlog.append(uow, actor.username, "token_issued", f"user:{actor.username}",
                        {"token_id": view.id, "name": name, "prefix": view.prefix,
                         "expires_at": timestamp(view.expires_at), "token_sha256": row.token_hash}, now)
        uow.commit()
        return IssuedToken(secret, view)


def mine(uow: UnitOfWork, actor: Actor, after: str | None = None, limit: int | None = None) -> Page[TokenView]:
    """The actor's tokens, newest first, one page of `limit` (paging.PAGE_SIZE) at a time, continued after the
    cursor `after` (the last row's id): nothing bounds how many a user issues, and the index (user_id, id)
    serves the order and the seek (issue 21, migration 0017b)."""
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    seek = [ApiToken.id < key[0]] if key is not None else []
    with uow.read():
        rows = list(uow.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id, *seek)
                                        .order_by(ApiToken.id.desc()).limit(n + 1)))
        more, rows = len(rows) > n, rows[:n]
        return Page(tuple(_view(r) for r in rows), paging.encode(rows[-1].id) if more else None)


def revoke(uow: UnitOfWork, actor: Actor, token_id: int) -> TokenView:
    """Revoke one of the actor's tokens (an administrator may revoke anyone's); revoking twice is harmless."""
    with uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None or (row.user_id != actor.user_id and not actor.holds("admin")):
            raise TokenNotFound(token_id=token_id)
        if row.revoked_at is None:
            row.revoked_at = uow.clock.now()
            owner = uow.session.scalar(select(User.username).where(User.id == row.user_id))
            adminlog.append(uow, actor.username, "token_revoked", f"user:{owner}",
                            {"token_id": row.id, "name": row.name, "prefix": row.prefix}, row.revoked_at)
        view = _view(row)
        uow.commit()
        return view


def authenticate(uow: UnitOfWork, secret: str) -> str | None:
    """The username a live token belongs to, or None (unknown, expired, revoked, inactive user)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    hashed = digest(secret)
    with uow.read():
        now = uow.clock.now()
        found = uow.session.execute(
            select(ApiToken.id, ApiToken.last_used_at, User.username).join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hashed, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now,
                   User.active.is_(True))).one_or_none()
    if found is None:
        return None
    token_id, last_used, username = found
    if last_used is None or now - last_used > LAST_USED_GRANULARITY:
        with uow:
            uow.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
            uow.commit()
    return str(username)


def _view(row: ApiToken) -> TokenView:
    return TokenView(row.id, row.name, row.prefix, row.created_at, row.expires_at, row.revoked_at,
                     row.last_used_at)
