"""Crypto suite: chain hashes may be SM3, written `sm3:` and 64 hex digits; documents keep their SM3 (issue 23).

Revision ID: 0014c
Revises: 0014a
Create Date: 2026-12-05 03:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014c'
down_revision = '0014a'
branch_labels = None
depends_on = None

_COLUMNS = (("procedures", "head_hash"), ("events", "prev_hash"), ("events", "hash"))
APPEND_ONLY = "events is append-only: history is never updated or deleted"  # as migration 0001 says it


def _reprotect_events_on_sqlite() -> None:
    """SQLite's batch mode rebuilds `events`, and its append-only triggers (migration 0001) go with the old
    table: make them again on the new one, or history could be edited after this upgrade."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS events_no_{action.lower()}")
        op.execute(f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                   f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")


def upgrade() -> None:
    op.add_column('documents', sa.Column('sm3', sa.String(length=72), nullable=True))
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=64), type_=sa.String(length=72),
                               existing_nullable=False)
    _reprotect_events_on_sqlite()


def downgrade() -> None:
    op.drop_column('documents', 'sm3')
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=72), type_=sa.String(length=64),
                               existing_nullable=False)
    _reprotect_events_on_sqlite()
