"""Public participation: the consultations citizens see, and the opinions they send (MD-15a, MD-18).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('sponsor_org', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('draft_sha256', sa.String(length=64), nullable=True),
    sa.Column('explanation_sha256', sa.String(length=64), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('feedback_method', sa.Text(), nullable=True),
    sa.Column('urgency_reason', sa.Text(), nullable=True),
    sa.Column('adoption_sha256', sa.String(length=64), nullable=True),
    sa.Column('adoption_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_consultations_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    op.create_index(op.f('ix_consultations_procedure_id'), 'consultations', ['procedure_id'], unique=False)
    op.create_table('opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('receipt', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.Column('topic', sa.String(length=100), nullable=True),
    sa.Column('adoption', sa.String(length=16), nullable=True),
    sa.Column('adoption_reason', sa.Text(), nullable=True),
    sa.Column('marked_by', sa.String(length=64), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'],
                            name=op.f('fk_opinions_consultation_id_consultations')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_opinions_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinions')),
    sa.UniqueConstraint('receipt', name=op.f('uq_opinions_receipt'))
    )
    op.create_index(op.f('ix_opinions_consultation_id'), 'opinions', ['consultation_id'], unique=False)
    op.create_index(op.f('ix_opinions_procedure_id'), 'opinions', ['procedure_id'], unique=False)
    op.create_index(op.f('ix_opinions_text_sha256'), 'opinions', ['text_sha256'], unique=False)


def downgrade() -> None:
    op.drop_table('opinions')
    op.drop_table('consultations')
