"""Trigram indexes for title search on PostgreSQL (issue 21).

Search filters titles with `ILIKE '%…%'`, which no B-tree serves: at 100,000 procedures the count of a
title search was a sequential scan. pg_trgm's GIN operator class serves ILIKE for a search of three
characters or more (CJK characters count in a UTF-8 database whose ctype classifies them as letters, as
C.UTF-8 and zh_CN.UTF-8 do; under ctype C they make no trigrams). A search of two characters, the usual
Chinese word, has no trigram: it reads a second index, of the title spelled as its pairs of characters
(`df_title_bigrams`, engine/services/title_search.py says why that is equivalent). pg_trgm is a trusted
extension (PostgreSQL 13+): the database's owner may create it. SQLite has no pg_trgm; there the migration
does nothing and search scans.

Revision ID: 0017c_title_trgm
Revises: 0017a_keyset_a
Create Date: 2026-12-05 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017c_title_trgm'
down_revision = '0017a_keyset_a'
branch_labels = None
depends_on = None

BIGRAMS = r"""
CREATE FUNCTION df_title_bigrams(title text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ' ' || regexp_replace(title, '(..)', '\1 ', 'g') || ' '
             || regexp_replace(substr(title, 2), '(..)', '\1 ', 'g') || ' ' $$
"""
"""`县城公交线` → `  县城 公交 线 城公 交线  `: the pairs from the first character, then those from the second, each
followed by a space. Two regexp_replace calls, about 7 µs a title (a generate_series and string_agg took 13–40
µs, and PostgreSQL computes it again for every row an index scan rechecks)."""

def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_procedures_title_trgm', 'procedures', ['title'], unique=False,
                    postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
    op.execute(BIGRAMS)
    op.create_index('ix_procedures_title_bigrams', 'procedures',
                    [sa.func.df_title_bigrams(sa.column('title')).label('bigrams')], unique=False,
                    postgresql_using='gin', postgresql_ops={'bigrams': 'gin_trgm_ops'})


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_procedures_title_bigrams', table_name='procedures')
    op.execute('DROP FUNCTION df_title_bigrams(text)')
    op.drop_index('ix_procedures_title_trgm', table_name='procedures')
    # The extension stays: another schema object of the database may use it, and it holds no data.
