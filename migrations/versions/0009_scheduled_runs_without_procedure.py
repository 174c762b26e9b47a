"""Scheduled runs without a procedure: the daily digest mailed by the workers, once a day.

The yearly clean-up's run names the procedure it started; a digest run starts none, so
`scheduled_runs.procedure_id` may be empty.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('scheduled_runs') as batch:
        batch.alter_column('procedure_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM scheduled_runs WHERE procedure_id IS NULL")
    with op.batch_alter_table('scheduled_runs') as batch:
        batch.alter_column('procedure_id', existing_type=sa.Integer(), nullable=False)
