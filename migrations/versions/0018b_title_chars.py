"""A trigram index of the title spelled as its characters, for a title search of one character (issue 21).

One character (水, 县, 费: a meaningful search in Chinese) has no trigram of its own, and neither index of
0017c_title_trgm serves it: the count read every title, 815 ms at 1,000,000 procedures. `df_title_chars`
spells the title as its characters, each a word between spaces (`县城公交` → ` 县 城 公 交 `); a character
searched as a whole word (`LIKE '% 水 %'`) has two trigrams, which `ix_procedures_title_chars` selects
(engine/services/title_search.py says why the two conditions agree). SQLite has no pg_trgm; there the
migration does nothing and search scans.

Revision ID: 0018b_title_chars
Revises: 0017d_inbox
Create Date: 2026-12-05 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018b_title_chars'
down_revision = '0017d_inbox'
branch_labels = None
depends_on = None

CHARS = r"""
CREATE FUNCTION df_title_chars(title text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ' ' || regexp_replace(title, '(.)', '\1 ', 'g') $$
"""
"""`县城公交` → ` 县 城 公 交 `: a space, then each character followed by a space (one regexp_replace, like
`df_title_bigrams`: PostgreSQL computes it again for every row an index scan rechecks)."""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')  # 0017c made it; said again so this stands alone
    op.execute(CHARS)
    op.create_index('ix_procedures_title_chars', 'procedures',
                    [sa.func.df_title_chars(sa.column('title')).label('chars')], unique=False,
                    postgresql_using='gin', postgresql_ops={'chars': 'gin_trgm_ops'})
    # Statistics of the new spelling now, not when autovacuum comes: without them the planner guessed 1,600
    # titles with 县 (571,428 of 1,000,000) and counted through the index, 50 ms; with them it scans and stops
    # at the count limit, 6.7 ms (docs/benchmarks.md, issue 21). 0.6 s at a million procedures.
    op.execute('ANALYZE procedures')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_procedures_title_chars', table_name='procedures')
    op.execute('DROP FUNCTION df_title_chars(text)')
