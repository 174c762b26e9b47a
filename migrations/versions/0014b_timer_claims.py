"""Timer claims: a worker's lease on a procedure's due timers, so workers fire in batches (issue 21).

Revision ID: 0014b
Revises: 0013d
Create Date: 2026-12-05 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014b'
down_revision = '0013d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timer_claims',
    sa.Column('procedure_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_timer_claims_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('procedure_id', name=op.f('pk_timer_claims'))
    )


def downgrade() -> None:
    op.drop_table('timer_claims')
