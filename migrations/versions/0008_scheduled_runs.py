"""Scheduled runs: the yearly clean-up of normative documents (ND-9) starts once per year.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduled_runs',
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_scheduled_runs_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('job', 'period', name=op.f('pk_scheduled_runs'))
    )
    op.create_index(op.f('ix_scheduled_runs_procedure_id'), 'scheduled_runs', ['procedure_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_scheduled_runs_procedure_id'), table_name='scheduled_runs')
    op.drop_table('scheduled_runs')
