"""Migration proposals: moving running procedures to a new definition version, four eyes (issue 24).

Revision ID: 0014f
Revises: 0014c
Create Date: 2026-12-05 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014f'
down_revision = '0014c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('migration_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('target_version', sa.Integer(), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f('ck_migration_proposals_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_migration_proposals'))
    )


def downgrade() -> None:
    op.drop_table('migration_proposals')
