"""Indexes that serve two keyset pages (issue 21): a consultation's opinions in id order, and the
administration log's entries of one kind in seq order.

The single-column indexes on opinions.consultation_id and admin_events.kind found the rows but not in
the page's order on PostgreSQL (its b-tree keeps equal keys in heap order), so a page sorted every
opinion of the consultation, or every entry of the kind, to return 50; each is replaced by the
composite index whose prefix serves the same lookups and whose order is the page's.

Revision ID: 0017a_keyset_a
Revises: 0017e_list_indexes
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0017a_keyset_a'
down_revision = '0017e_list_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_opinions_consultation_id_id', 'opinions', ['consultation_id', 'id'], unique=False)
    op.drop_index('ix_opinions_consultation_id', table_name='opinions')
    op.create_index('ix_admin_events_kind_seq', 'admin_events', ['kind', 'seq'], unique=False)
    op.drop_index('ix_admin_events_kind', table_name='admin_events')


def downgrade() -> None:
    op.create_index('ix_admin_events_kind', 'admin_events', ['kind'], unique=False)
    op.drop_index('ix_admin_events_kind_seq', table_name='admin_events')
    op.create_index('ix_opinions_consultation_id', 'opinions', ['consultation_id'], unique=False)
    op.drop_index('ix_opinions_consultation_id_id', table_name='opinions')
