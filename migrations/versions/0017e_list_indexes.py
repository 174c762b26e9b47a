"""Indexes the keyset pages of the lists need (issue 21): the public portal's consultations by closing time.

The other new pages seek indexes that exist already (users by their unique username). Each index is
justified by an EXPLAIN on PostgreSQL in docs/benchmarks.md ("Every list keyset-paginated").

Revision ID: 0017e_list_indexes
Revises: 0017b_keyset_b
Create Date: 2026-12-05 14:40:00
"""

from __future__ import annotations

from alembic import op

revision = '0017e_list_indexes'
down_revision = '0017b_keyset_b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_consultations_closes_at', 'consultations', ['closes_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_consultations_closes_at', table_name='consultations')
