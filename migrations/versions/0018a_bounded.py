"""Document mentions: the clean-ups listing and the reconsiderations asking to review each registered
normative document (engine/mentions.py), so a registry page reads only its own entries' (issue 21),
backfilled from the chained events.

Revision ID: 0018a_bounded
Revises: 0018c_tallies
Create Date: 2026-12-05 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018a_bounded'
down_revision = '0018c_tallies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_mentions',
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('document', sa.String(length=300), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'],
                            name=op.f('fk_document_mentions_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('procedure_id', 'kind', 'document', 'seq', name=op.f('pk_document_mentions'))
    )
    op.create_index('ix_document_mentions_kind_document', 'document_mentions', ['kind', 'document'], unique=False)
    _backfill()


def _backfill() -> None:
    """The mentions each procedure's completed steps imply (engine/mentions.py `mentions`), as verify
    rebuilds them; only publications and applications can make one."""
    from itertools import groupby

    from engine.mentions import APPLICATION, CLEANUP_PUBLICATION, mentions

    connection = op.get_bind()
    events = sa.table('events', sa.column('procedure_id'), sa.column('seq'), sa.column('kind'),
                      sa.column('payload', sa.JSON()))
    rows_out = sa.table('document_mentions', sa.column('procedure_id'), sa.column('kind'), sa.column('document'),
                        sa.column('seq'))
    rows = connection.execute(sa.select(events).where(events.c.kind == 'task_completed')
                              .order_by(events.c.procedure_id, events.c.seq))
    relevant = (r for r in rows if isinstance(r.payload, dict)
                and (r.payload.get('step_kind') == CLEANUP_PUBLICATION or r.payload.get('step') == APPLICATION))
    for pid, procedure_events in groupby(relevant, key=lambda r: r.procedure_id):
        for kind, document, seq in mentions(procedure_events):
            connection.execute(sa.insert(rows_out).values(procedure_id=pid, kind=kind, document=document, seq=seq))


def downgrade() -> None:
    op.drop_index('ix_document_mentions_kind_document', table_name='document_mentions')
    op.drop_table('document_mentions')
