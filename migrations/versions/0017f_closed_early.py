"""The public portal's closed calls without walking over the open ones (issue 21).

The closed list asked for `closes_at <= now OR closed_at IS NOT NULL`, newest first: PostgreSQL walked
ix_consultations_closes_at backwards from the latest closing time and filtered out every call still open
(142,857 rows, 0.74 s at a million procedures). The list is now two seeks: calls past their closing time
(ix_consultations_closes_at from now backwards) and calls closed before it, which this partial index holds.

Revision ID: 0017f_closed_early
Revises: 0017c_title_trgm
Create Date: 2026-12-05 19:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017f_closed_early'
down_revision = '0017c_title_trgm'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_consultations_closed_early', 'consultations', ['closes_at', 'id'], unique=False,
                    postgresql_where=sa.text('closed_at IS NOT NULL'), sqlite_where=sa.text('closed_at IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_consultations_closed_early', table_name='consultations')
