"""Used challenges: a public form's question is answered once; its nonce's hash is kept until the token expires.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('used_challenges',
    sa.Column('nonce_sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce_sha256', name=op.f('pk_used_challenges'))
    )
    op.create_index(op.f('ix_used_challenges_expires_at'), 'used_challenges', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_used_challenges_expires_at'), table_name='used_challenges')
    op.drop_table('used_challenges')
