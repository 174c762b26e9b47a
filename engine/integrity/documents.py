"""Documents: every stored byte re-hashed, and held to what the events say of it (DF-INTEGRITY, DESIGN 9).

A document row is keyed by the SHA-256 of its content, so its content must hash to its key and its
size must be its length. The events that refer to it (form data references, opinion attachments,
adoption statements) say its media type and size: the row must agree, and a referenced document
whose row is missing is a finding. On a full run, a document no event refers to is a finding too
(something put there outside every door), and its creator and creation time are those of the first
event that handed it in. PostgreSQL hashes the content itself, so no document crosses the wire.

A document stored under the sm crypto suite also keeps its SM3 (`documents.sm3`): it must be the SM3 the
history's reference names (the SM3 chain covers it) and, where no reference names one, the SM3 of the
content, recomputed here (PostgreSQL has no SM3 of its own, so only those few rows' bytes are read).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from engine.crypto_suite import digest as sm3_digest
from engine.integrity.findings import Finding
from engine.integrity.projection import DocumentUse
from engine.persistence.tables import Document

_D = Document.__table__
BATCH = 200


def check(connection: Connection, uses: Mapping[str, DocumentUse], tally: Any, *, full: bool) -> Iterator[Finding]:
    """Each document row in key order; then the referenced documents that have no row."""
    seen: set[str] = set()  # only referenced keys: the same size as `uses`
    for row in connection.execution_options(stream_results=True, yield_per=BATCH).execute(_rows(connection)):
        digest, length, content = row.digest, row.length, None
        if isinstance(digest, bytes | memoryview):  # SQLite: the content itself
            content = bytes(digest)
            digest, length = hashlib.sha256(content).hexdigest(), len(content)
        tally.documents += 1
        use = uses.get(row.sha256)
        if use is not None:
            seen.add(row.sha256)
        yield from _row(row, digest, length, use, full=full)
        yield from _sm3(connection, row, content, use)
    for sha, use in uses.items():
        if sha not in seen:
            yield Finding("missing_row", "documents", sha, procedure_id=use.procedure_id, seq=use.seq)


def _rows(connection: Connection) -> Any:
    columns = [_D.c.sha256, _D.c.size, _D.c.media_type, _D.c.created_at, _D.c.created_by, _D.c.sm3]
    if connection.dialect.name == "postgresql":
        return select(*columns, func.encode(func.sha256(_D.c.content), "hex").label("digest"),
                      func.length(_D.c.content).label("length")).order_by(_D.c.sha256)
    return select(*columns, _D.c.content.label("digest"), func.length(_D.c.content).label("length")
                  ).order_by(_D.c.sha256)


def _sm3(connection: Connection, row: Any, content: bytes | None, use: DocumentUse | None) -> Iterator[Finding]:
    """The row's SM3 against the history's, else against its content; nothing for a row without one."""
    named = use.sm3 if use is not None else None
    if named is None and row.sm3 is None:
        return
    if named is not None:
        want = named
    else:
        if content is None:  # PostgreSQL: read this one row's bytes
            content = bytes(connection.execute(select(_D.c.content).where(_D.c.sha256 == row.sha256)).scalar_one())
        want = sm3_digest(content, "sm3")
    if row.sm3 != want:
        yield Finding("differs", "documents", row.sha256, "sm3", use.procedure_id if use else None,
                      use.seq if use else None, want, row.sm3)


def _row(row: Any, digest: str, length: int, use: DocumentUse | None, *, full: bool) -> Iterator[Finding]:
    key = row.sha256
    if digest != key:
        yield Finding("content", "documents", key, "content", use.procedure_id if use else None,
                      use.seq if use else None, key, digest)
    if row.size != length:
        yield Finding("differs", "documents", key, "size", use.procedure_id if use else None,
                      use.seq if use else None, length, row.size)
    if use is None:
        if full:
            yield Finding("extra_row", "documents", key)
        return
    expected = {"media_type": use.media_type, "size": use.size}
    if full:
        expected.update(created_at=use.at, created_by=use.actor)
    for column, want in expected.items():
        if want is not None and getattr(row, column) != want:
            yield Finding("differs", "documents", key, column, use.procedure_id, use.seq, want, getattr(row, column))
