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


def upgrade() -> None:
    op.add_column('documents', sa.Column('sm3', sa.String(length=72), nullable=True))
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=64), type_=sa.String(length=72),
                               existing_nullable=False)


def downgrade() -> None:
    op.drop_column('documents', 'sm3')
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.String(length=72), type_=sa.String(length=64),
                               existing_nullable=False)
