"""Drafts: what a user typed into an open step's form, kept without submitting it (issue 22).

Revision ID: 0013d
Revises: 0012
Create Date: 2026-12-05 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013d'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drafts',
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'username', name=op.f('pk_drafts'))
    )


def downgrade() -> None:
    op.drop_table('drafts')
