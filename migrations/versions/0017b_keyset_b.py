"""Indexes two keyset lists seek (issue 21, Deliver item 2): a unit's procedures and a user's API tokens.

The sponsor's page "my procedures" is `WHERE sponsor_org = ? [AND status = ?] ORDER BY id DESC` after a
cursor; with only `ix_procedures_sponsor_org` PostgreSQL either reads every procedure of the unit and sorts
them, or walks the primary key backwards through every other unit's procedures. (sponsor_org, id) is read
backwards from the cursor and stops at the page. A user's tokens (`WHERE user_id = ? ORDER BY id DESC`,
their page and `GET /api/v1/tokens`) are the same shape, and nothing bounds how many a user issues.

Each composite index replaces the single-column one on its first column, which it serves as well (every
other query on `procedures.sponsor_org` or `api_tokens.user_id` is an equality on that column alone).

Revision ID: 0017b_keyset_b
Revises: 0016c_numbers_held
Create Date: 2026-12-05 17:50:00
"""

from __future__ import annotations

from alembic import op

revision = '0017b_keyset_b'
down_revision = '0016c_numbers_held'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_procedures_sponsor_org_id', 'procedures', ['sponsor_org', 'id'], unique=False)
    op.drop_index('ix_procedures_sponsor_org', table_name='procedures')
    op.create_index('ix_api_tokens_user_id_id', 'api_tokens', ['user_id', 'id'], unique=False)
    op.drop_index('ix_api_tokens_user_id', table_name='api_tokens')


def downgrade() -> None:
    op.create_index('ix_api_tokens_user_id', 'api_tokens', ['user_id'], unique=False)
    op.drop_index('ix_api_tokens_user_id_id', table_name='api_tokens')
    op.create_index('ix_procedures_sponsor_org', 'procedures', ['sponsor_org'], unique=False)
    op.drop_index('ix_procedures_sponsor_org_id', table_name='procedures')
