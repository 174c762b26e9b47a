"""Accounts baseline: the account rows as they stand, recorded once in the administration log (issue 18).

From this revision on, set-up logs the organisations, roles and users it makes (engine/services/people.py)
and verify rebuilds every account row from the log (engine/integrity/accounts.py). Rows made earlier by
set-up have no entry, so this migration appends one `accounts_baseline` entry holding them all; verify
starts from it. A database with no account rows yet gets no entry.

Revision ID: 0013e
Revises: 0013d
Create Date: 2026-12-05 03:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0013e'
down_revision = '0013d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from engine.integrity.accounts import snapshot
    from engine.persistence.tables import AdminEvent, AdminLogHead
    from engine.services.adminlog import admin_event_hash

    connection = op.get_bind()
    rows = snapshot(connection)
    if not any(rows.values()):
        return
    events, head = AdminEvent.__table__, AdminLogHead.__table__  # the columns' types (UTC times, JSON)
    head_seq, head_hash = connection.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    at, seq = datetime.now(UTC), head_seq + 1
    digest = admin_event_hash(seq, at, "setup", "accounts_baseline", "accounts", rows, head_hash)
    connection.execute(sa.insert(events).values(seq=seq, at=at, actor="setup", kind="accounts_baseline",
                                                subject="accounts", payload=rows, prev_hash=head_hash, hash=digest))
    connection.execute(sa.update(head).where(head.c.id == 1).values(seq=seq, hash=digest))


def downgrade() -> None:
    """The entry stays: the log is append-only (its triggers refuse DELETE)."""
