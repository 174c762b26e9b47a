"""Running totals for /metrics, and the fired timers by time (issue 21: every query bounded at a million).

Revision ID: 0018c_tallies
Revises: 0018b_title_chars
Create Date: 2026-12-05 21:00:00

Each scrape counted every completed work item by step kind and every timer by status: 5.1 s at a million
procedures (6.1 million completed steps), growing with the record. `tallies` keeps the totals, added to in
the transaction that changes what they count as rows of their own, folded by the timer workers
(engine/persistence/tallies.py); this migration fills it with a count of the rows as they stand. The timer
lag's "last 1,000 fired" read every fired timer and sorted them (141 ms); `ix_timers_fired_at` gives them
newest first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018c_tallies'
down_revision = '0018b_title_chars'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", "shard", name=op.f("pk_tallies")),
    )
    op.execute("INSERT INTO tallies (name, key, shard, n) SELECT 'completions', step_kind, 0, count(*) "
               "FROM work_items WHERE status = 'completed' GROUP BY step_kind")
    op.execute("INSERT INTO tallies (name, key, shard, n) SELECT 'timers', status, 0, count(*) "
               "FROM timers GROUP BY status")
    op.create_index("ix_timers_fired_at", "timers", ["fired_at"], unique=False,
                    postgresql_where=sa.text("status = 'fired'"), sqlite_where=sa.text("status = 'fired'"))


def downgrade() -> None:
    op.drop_index("ix_timers_fired_at", table_name="timers")
    op.drop_table("tallies")
