"""Numbers held: each unique identifier a procedure's step recorded (registration, document, case and
archive numbers), one row per canonical number (issue 19 item 6), backfilled from the chained events.

Revision ID: 0016c_numbers_held
Revises: 0015c
Create Date: 2026-12-05 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016c_numbers_held'
down_revision = '0015c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('numbers_held',
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=300), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_numbers_held_procedure_id_procedures')),
    sa.PrimaryKeyConstraint('procedure_id', 'field', 'number', name=op.f('pk_numbers_held'))
    )
    op.create_index('ix_numbers_held_field_number', 'numbers_held', ['field', 'number'], unique=False)
    _backfill()


def _backfill() -> None:
    """The numbers each procedure's completed steps recorded (engine/numbers.py `numbers_held`), as verify
    rebuilds them; a number two procedures recorded before the check existed is held by both, and the
    earliest holder is the one a new claim is refused against."""
    from itertools import groupby

    from engine.numbers import numbered_steps, numbers_held

    connection = op.get_bind()
    events = sa.table('events', sa.column('procedure_id'), sa.column('seq'), sa.column('kind'),
                      sa.column('payload', sa.JSON()))
    held = sa.table('numbers_held', sa.column('field'), sa.column('number'), sa.column('procedure_id'),
                    sa.column('seq'))
    kinds = set(numbered_steps())
    rows = connection.execute(sa.select(events).where(events.c.kind == 'task_completed')
                              .order_by(events.c.procedure_id, events.c.seq))
    numbered = (r for r in rows if isinstance(r.payload, dict) and r.payload.get('step_kind') in kinds)
    for pid, procedure_events in groupby(numbered, key=lambda r: r.procedure_id):
        for (field, number), seq in numbers_held(procedure_events).items():
            connection.execute(sa.insert(held).values(field=field, number=number, procedure_id=pid, seq=seq))


def downgrade() -> None:
    op.drop_index('ix_numbers_held_field_number', table_name='numbers_held')
    op.drop_table('numbers_held')
