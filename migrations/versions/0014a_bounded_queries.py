"""Indexes the bounded inbox and supervision board seek (issue 21).

Partial indexes on open work items only: the inbox's page is (role, lane org, due date, task id), the
board's page is (due date, task id). Closed items, the bulk of the table as procedures age, are in neither.
The running status of the item's procedure is read through the procedures primary key, one lookup per row
of the page (the benchmark's EXPLAIN shows a nested loop bounded by the page), so no column is copied.

Revision ID: 0014a
Revises: 0013e
Create Date: 2026-12-05 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014a'
down_revision = '0013e'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_index('ix_work_items_open_inbox', 'work_items', ['role', 'org', 'due_at', 'task_id'], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_work_items_open_due', 'work_items', ['due_at', 'task_id'], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_work_items_open_due', table_name='work_items')
    op.drop_index('ix_work_items_open_inbox', table_name='work_items')
