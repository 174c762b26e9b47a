"""A trigram index on procedures.title for title search on PostgreSQL (issue 21).

Search filters titles with `ILIKE '%…%'`, which no B-tree serves: at 100,000 procedures the count of a
title search was a sequential scan. pg_trgm's GIN operator class serves ILIKE for a search of three
characters or more (CJK characters count in a UTF-8 database whose ctype classifies them as letters, as
C.UTF-8 and zh_CN.UTF-8 do). pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may
create it. SQLite has no pg_trgm; there the migration does nothing and search scans.

Revision ID: 0017c_title_trgm
Revises: 0016c_numbers_held
Create Date: 2026-12-05 17:40:00
"""

from __future__ import annotations

from alembic import op

revision = '0017c_title_trgm'
down_revision = '0016c_numbers_held'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_procedures_title_trgm', 'procedures', ['title'], unique=False,
                    postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_procedures_title_trgm', table_name='procedures')
    # The extension stays: another schema object of the database may use it, and it holds no data.
