"""Supervision: reminders (督办通知) on open steps, and users' e-mail addresses for the daily digest.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('org', sa.String(length=64), nullable=True),
    sa.Column('assignee', sa.String(length=64), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('sent_by', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_reminders_procedure_id_procedures')),
    sa.ForeignKeyConstraint(['task_id'], ['work_items.task_id'], name=op.f('fk_reminders_task_id_work_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    op.create_index(op.f('ix_reminders_procedure_id'), 'reminders', ['procedure_id'], unique=False)
    op.create_index(op.f('ix_reminders_task_id'), 'reminders', ['task_id'], unique=False)
    op.add_column('users', sa.Column('email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:  # SQLite drops a column by rebuilding the table
        batch_op.drop_column('email')
    op.drop_index(op.f('ix_reminders_task_id'), table_name='reminders')
    op.drop_index(op.f('ix_reminders_procedure_id'), table_name='reminders')
    op.drop_table('reminders')
