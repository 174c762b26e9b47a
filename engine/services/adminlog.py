"""The administration log: every administrative act, appended to one chain (DF-AUDIT).

Logins (and failed ones), lockouts, account, role and password changes (roles before and
after), four-eyes role grants asked for, approved and rejected (DF-FOUR-EYES), organisations,
API tokens (with the SHA-256 of the secret, never the secret), definition deploys and catalogue
loads, and set-up's organisations, roles and users (people.py) are recorded the way procedure
history is (DESIGN invariant 4): `hash = H(RFC 8785 canonical JSON of
{seq, at, actor, kind, subject, payload, prev_hash})`, H being the algorithm the log began with — SM3
(`sm3:…`, and `"alg": "sm3"` in the body) on a deployment begun on the `sm` suite, SHA-256 on one begun
before — the first `prev_hash` is that algorithm's zeros, and `verify` names the first seq that does
not match, or an entry that changes the algorithm. Triggers refuse UPDATE and DELETE
on `admin_events` (migration 0007).

`append` is called by the service that makes the change, inside its unit of work and
before its commit, so the change and its record are one transaction. It locks the
one-row `admin_log_head` first (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite the
writer's `BEGIN IMMEDIATE` already serialises): concurrent appends queue, and every seq
is taken once. What the log never holds: passwords, password hashes, token secrets. Verify folds
the account entries into the rows they imply and compares (engine/integrity/accounts.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from engine.chain import canonical, timestamp
from engine.crypto_suite import alg_of, digest, genesis, hash_alg
from engine.domain.actors import Actor
from engine.domain.errors import AdminLogForbidden
from engine.persistence.tables import AdminEvent, AdminLogHead
from engine.persistence.uow import UnitOfWork
from engine.services import checkpoints, paging

__all__ = ["count", "events", "events_page", "verify", "verify_recent"]

AUDITOR_ROLE = "auditor"
KINDS = ("login", "login_failed", "lockout", "password_changed", "roles_changed", "active_changed", "user_changed",
         "user_created", "organisation_created", "token_issued", "token_revoked", "definition_deployed",
         "catalogue_loaded", "grant_requested", "grant_approved", "grant_rejected", "role_defined",
         "accounts_baseline", "migration_proposed", "migration_decided", "migration_results", "document_generated")
"""Every kind of entry; `append` refuses others, so the page and the docs can list them all."""

RECENT = 1000
"""How many of the newest entries the page recomputes at most (`verify_recent`); the whole log is verify's."""

_E, _H = AdminEvent.__table__, AdminLogHead.__table__
_LOCK_HEAD = select(_H.c.seq, _H.c.hash).where(_H.c.id == 1).with_for_update()
_INSERT = insert(_E)


@dataclass(frozen=True)
class AdminEventView:
    seq: int
    at: datetime
    actor: str
    kind: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AdminLogReport:
    """The result of recomputing the log; `first_bad_seq` is where an auditor starts looking."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""
    from_seq: int = 1
    """The first entry recomputed: 1 for the whole log, later for `verify_recent`'s newest entries."""
    checkpoint: int | None = None
    """The checkpoint whose listed head of the log the recent check started from, if one did."""


def admin_event_hash(seq: int, at: datetime, actor: str, kind: str, subject: str,
                     payload: Mapping[str, Any], prev_hash: str) -> str:
    """The entry's hash, in the algorithm its `prev_hash` names: the log keeps the one it began with (SM3
    for a deployment begun on the `sm` suite, SHA-256 for one begun before it), as procedure chains do."""
    alg = alg_of(prev_hash)
    body = {"seq": seq, "at": timestamp(at), "actor": actor, "kind": kind, "subject": subject,
            "payload": payload, "prev_hash": prev_hash}
    if alg != "sha256":
        body["alg"] = alg
    return digest(canonical(body), alg)


def append(uow: UnitOfWork, actor: str, kind: str, subject: str, payload: Mapping[str, Any], at: datetime) -> int:
    """Add the next entry inside the caller's open unit of work (no commit here); returns its seq."""
    if kind not in KINDS:
        raise ValueError(f"unknown admin log kind {kind!r}")
    head_seq, head_hash = uow.session.execute(_LOCK_HEAD).one()
    if head_seq == 0:  # the log's first entry: it begins in the deployment's suite
        head_hash = genesis(hash_alg(uow.settings.crypto_suite))
    seq, body = head_seq + 1, dict(payload)
    digest = admin_event_hash(seq, at, actor, kind, subject, body, head_hash)
    uow.session.execute(_INSERT, [{"seq": seq, "at": at, "actor": actor, "kind": kind, "subject": subject,
                                   "payload": body, "prev_hash": head_hash, "hash": digest}])
    uow.session.execute(update(_H).where(_H.c.id == 1).values(seq=seq, hash=digest))
    return seq


def events(uow: UnitOfWork, actor: Actor, *, kind: str | None = None, newest_first: bool = False,
           limit: int | None = None, offset: int = 0) -> list[AdminEventView]:
    """The log's entries, for auditors only (DF-AUDIT)."""
    _require_auditor(actor)
    order = AdminEvent.seq.desc() if newest_first else AdminEvent.seq
    stmt = select(AdminEvent).order_by(order).offset(offset).limit(limit)
    if kind is not None:
        stmt = stmt.where(AdminEvent.kind == kind)
    with uow.read():
        return [_view(row) for row in uow.session.scalars(stmt)]


def events_page(uow: UnitOfWork, actor: Actor, *, kind: str | None = None, after: str | None = None,
                limit: int | None = None) -> paging.Page[AdminEventView]:
    """One page of the log, newest first, of one kind or all, after the cursor `after` (the last entry's
    seq), for auditors only (DF-AUDIT; issue 21). All kinds are sought on the primary key; one kind on
    the index (kind, seq) of migration 0017a, so a page of a rare kind reads its rows, not the log."""
    _require_auditor(actor)
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    stmt = select(AdminEvent).order_by(AdminEvent.seq.desc()).limit(n + 1)
    stmt = stmt.where(AdminEvent.kind == kind) if kind is not None else stmt
    stmt = stmt.where(AdminEvent.seq < key[0]) if key is not None else stmt
    with uow.read():
        rows = list(uow.session.scalars(stmt))
        more = len(rows) > n
        return paging.Page(tuple(_view(row) for row in rows[:n]), paging.encode(rows[n - 1].seq) if more else None)


def count(uow: UnitOfWork, actor: Actor, *, kind: str | None = None) -> int:
    _require_auditor(actor)
    stmt = select(func.count()).select_from(AdminEvent)
    if kind is not None:
        stmt = stmt.where(AdminEvent.kind == kind)
    with uow.read():
        return int(uow.session.scalar(stmt) or 0)


def verify(uow: UnitOfWork) -> AdminLogReport:
    """Recompute the whole chain and name its first bad seq; changes nothing."""
    with uow.read():
        head_seq, head_hash = uow.session.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).one()
        rows = uow.session.scalars(select(AdminEvent).order_by(AdminEvent.seq)).yield_per(500)
        return check_chain(rows, head_seq, head_hash)


def verify_recent(uow: UnitOfWork, window: int = RECENT) -> AdminLogReport:
    """Recompute the newest entries up to the recorded head, for the page (issue 21): a view reads at most
    `window` + 1 rows, on the primary key, whatever the log's length. It starts at the head the latest
    checkpoint lists (engine/services/checkpoints.py, DF-CHECKPOINT) when that is among them, and the entry
    there must still hold the hash the checkpoint lists; otherwise at the `window`-th entry before the head,
    whose stored hash the next entry must name. What it reports as checked is `from_seq` to the head, and
    nothing before; the whole log, and the checkpoint's signature, are `verify`'s (`decisionflow verify`)."""
    anchor = checkpoints.admin_log_head(uow)
    with uow.read():
        head_seq, head_hash = uow.session.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).one()
        start, number = max(0, head_seq - window), None
        if anchor is not None and anchor[1] > head_seq:
            return AdminLogReport(False, 0, head_seq + 1, f"checkpoint {anchor[0]} lists entry {anchor[1]}, past "
                                  f"the recorded head {head_seq}: entries are missing", head_seq + 1, anchor[0])
        if anchor is not None and anchor[1] >= start:
            number, start = anchor[0], anchor[1]
        rows = list(uow.session.scalars(select(AdminEvent).where(AdminEvent.seq >= start).order_by(AdminEvent.seq)
                                        .limit(head_seq - start + 2)))  # one past the head shows one follows it
        return _recent(rows, head_seq, head_hash, start, anchor if number is not None else None)


def _recent(rows: list[Any], head_seq: int, head_hash: str, start: int,
            anchor: tuple[int, int, str] | None) -> AdminLogReport:
    """`verify_recent`'s walk over the entries from `start` (the anchor's seq when there is one) on."""
    number = anchor[0] if anchor is not None else None
    if start == 0:
        return dataclasses.replace(check_chain(rows, head_seq, head_hash), checkpoint=number)
    first = rows[0] if rows else None
    if first is None or first.seq != start:
        return AdminLogReport(False, 0, start, f"seq {start} is missing", start, number)
    if anchor is not None and first.hash != anchor[2]:
        return AdminLogReport(False, 1, start, f"the entry differs from the head checkpoint {number} lists",
                              start, number)
    report = check_chain(rows[1:], head_seq, head_hash, after=(start, first.hash))
    return dataclasses.replace(report, from_seq=start + 1, checkpoint=number)


def check_chain(rows: Iterable[Any], head_seq: int, head_hash: str,
                after: tuple[int, str] | None = None) -> AdminLogReport:
    """Walk entries ordered by seq from the genesis of the log's algorithm (or from the entry `after` names by
    seq and hash) to the recorded head."""
    prev, expected_seq, seen = (None, 1, 0) if after is None else (after[1], after[0] + 1, 0)
    for row in rows:
        seen += 1
        if prev is None:  # the first entry's prev_hash names the log's algorithm: it must be that one's zeros
            prev = genesis(alg_of(row.prev_hash))
        if row.seq != expected_seq:
            return AdminLogReport(False, seen, min(row.seq, expected_seq),
                                  f"seq {expected_seq} is missing or out of order")
        if row.prev_hash != prev:
            return AdminLogReport(False, seen, row.seq, "prev_hash does not match")
        try:
            recomputed = admin_event_hash(row.seq, row.at, row.actor, row.kind, row.subject, row.payload,
                                          row.prev_hash)
        except Exception as error:  # a tampered payload may not even be canonical JSON
            return AdminLogReport(False, seen, row.seq, f"cannot hash: {error}")
        if alg_of(row.hash) != alg_of(prev):
            return AdminLogReport(False, seen, row.seq,
                                  f"the entry changes the log's algorithm from {alg_of(prev)} to {alg_of(row.hash)}")
        if recomputed != row.hash:
            return AdminLogReport(False, seen, row.seq, "hash does not match the content")
        prev, expected_seq = row.hash, expected_seq + 1
    walked = expected_seq - 1
    if walked < head_seq:
        return AdminLogReport(False, seen, walked + 1, "the log ends before its recorded head: entries are missing")
    if walked > head_seq:
        return AdminLogReport(False, seen, head_seq + 1, "entries follow the recorded head")
    if prev is not None and prev != head_hash:
        return AdminLogReport(False, seen, head_seq, "the last entry is not the recorded head")
    return AdminLogReport(True, seen)


def _require_auditor(actor: Actor) -> None:
    if not actor.holds(AUDITOR_ROLE):
        raise AdminLogForbidden(username=actor.username)


def _view(row: AdminEvent) -> AdminEventView:
    return AdminEventView(row.seq, row.at, row.actor, row.kind, row.subject, dict(row.payload), row.prev_hash,
                          row.hash)
