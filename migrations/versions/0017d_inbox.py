"""Inbox statistics: PostgreSQL learns that open steps cluster by role and lane (issue 21).

Revision ID: 0017d_inbox
Revises: 0017f_closed_early
Create Date: 2026-12-05 18:00:00

The inbox seeks `ix_work_items_open_inbox` (role, org, due_at, task_id) WHERE status = 'open' and stops at
the page, but only when the planner expects more rows than the page. Without statistics on the three
columns together it multiplies their selectivities as if independent (status 'open' × role × org IS NULL):
at 10,000 procedures it expected 13 open 'legal_office' steps with no org where there were 1,428, so it
chose a bitmap scan of all of them and a sort (18.9 ms, growing with N) over the index read in order
(0.6 ms with these statistics). ANALYZE builds them now rather than at autovacuum's next pass. SQLite has no
such statistics and plans the page by the index already.
"""

from __future__ import annotations

from alembic import op

revision = '0017d_inbox'
down_revision = '0017f_closed_early'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS st_work_items_inbox (mcv, dependencies) ON status, role, org FROM work_items")
        op.execute("ANALYZE work_items")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_work_items_inbox")
