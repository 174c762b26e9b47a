"""The 法治指数 indicator facts: each procedure's contribution to the indicators, a projection of its chain
(issue 25), backfilled from the events of the procedures already recorded.

Revision ID: 0015b_indicator_facts
Revises: 0014f
Create Date: 2026-12-05 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0015b_indicator_facts'
down_revision = '0014f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicator_facts',
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=80), nullable=False),
    sa.Column('part', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('definition', sa.String(length=100), nullable=False),
    sa.Column('sponsor_org', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key', sa.Text(), nullable=True),
    sa.Column('with_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('where_with_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('where_blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('from_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('to_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_indicator_facts_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('procedure_id', 'indicator', 'part', 'n', name=op.f('pk_indicator_facts'))
    )
    op.create_index('ix_indicator_facts_part_at', 'indicator_facts', ['part', 'at'], unique=False)
    from engine import indicator_facts  # the same fold the appends and verify use
    indicator_facts.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_indicator_facts_part_at', table_name='indicator_facts')
    op.drop_table('indicator_facts')
