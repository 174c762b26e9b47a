"""The administration log's hashes may be SM3, written `sm3:` and 64 hex digits, as event chains' are (issue 23).

Revision ID: 0015c
Revises: 0015b_indicator_facts
Create Date: 2026-12-05 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015c'
down_revision = '0015b_indicator_facts'
branch_labels = None
depends_on = None

_COLUMNS = (("admin_events", "prev_hash"), ("admin_events", "hash"), ("admin_log_head", "hash"))
APPEND_ONLY = "admin_events is append-only: the administration log is never updated or deleted"  # as 0007 says
FORWARD_ONLY = "admin_log_head only moves forward, one entry at a time, and is never deleted"  # as 0007 says


def _reprotect_on_sqlite() -> None:
    """SQLite's batch mode rebuilds both tables, and the triggers of migration 0007 go with the old ones:
    make them again, or the administration log could be edited after this upgrade."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("admin_events_no_update", "admin_events_no_delete", "admin_log_head_forward_only",
                 "admin_log_head_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER admin_events_no_{action.lower()} BEFORE {action} ON admin_events "
                   f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
    op.execute("CREATE TRIGGER admin_log_head_forward_only BEFORE UPDATE ON admin_log_head "
               "WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 "
               f"BEGIN SELECT RAISE(ABORT, '{FORWARD_ONLY}'); END")
    op.execute("CREATE TRIGGER admin_log_head_no_delete BEFORE DELETE ON admin_log_head "
               f"BEGIN SELECT RAISE(ABORT, '{FORWARD_ONLY}'); END")


def _alter(old: int, new: int) -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=old), type_=sa.String(length=new),
                               existing_nullable=False)
    _reprotect_on_sqlite()


def upgrade() -> None:
    _alter(64, 72)


def downgrade() -> None:
    """The columns stay 72 wide: a log that already holds SM3 hashes cannot be narrowed without destroying
    them, and a wider column costs an older revision nothing."""
