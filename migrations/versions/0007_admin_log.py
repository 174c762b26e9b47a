"""The administration log (DF-AUDIT) and account lockout.

`admin_events` is append-only like `events`: triggers refuse UPDATE and DELETE on both
databases (and TRUNCATE on PostgreSQL). `admin_log_head` is its one-row chain head,
which every append locks; a trigger lets it only move forward one seq at a time and
refuses to delete it. Users gain the lockout counters and the time of the last
password change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

APPEND_ONLY = "admin_events is append-only: the administration log is never updated or deleted"
FORWARD_ONLY = "admin_log_head only moves forward, one entry at a time, and is never deleted"
GENESIS = "0" * 64

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admin_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_admin_events'))
    )
    op.create_index(op.f('ix_admin_events_kind'), 'admin_events', ['kind'], unique=False)
    head = op.create_table('admin_log_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_admin_log_head_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_log_head'))
    )
    op.bulk_insert(head, [{'id': 1, 'seq': 0, 'hash': GENESIS}])
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
    op.add_column('users', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    _protect()


def downgrade() -> None:
    _unprotect()
    with op.batch_alter_table('users', schema=None) as batch_op:  # SQLite drops a column by rebuilding the table
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
    op.drop_table('admin_log_head')
    op.drop_index(op.f('ix_admin_events_kind'), table_name='admin_events')
    op.drop_table('admin_events')


def _protect() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION admin_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("CREATE TRIGGER admin_events_no_update_delete BEFORE UPDATE OR DELETE ON admin_events "
                   "FOR EACH ROW EXECUTE FUNCTION admin_events_append_only()")
        op.execute("CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON admin_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION admin_events_append_only()")
        op.execute(f"""
            CREATE FUNCTION admin_log_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' THEN
                    IF NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 THEN
                        RETURN NEW;
                    END IF;
                END IF;
                RAISE EXCEPTION '{FORWARD_ONLY}' USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("CREATE TRIGGER admin_log_head_forward_only BEFORE UPDATE OR DELETE ON admin_log_head "
                   "FOR EACH ROW EXECUTE FUNCTION admin_log_head_forward_only()")
        op.execute("CREATE TRIGGER admin_log_head_no_truncate BEFORE TRUNCATE ON admin_log_head "
                   "FOR EACH STATEMENT EXECUTE FUNCTION admin_log_head_forward_only()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER admin_events_no_{action.lower()} BEFORE {action} ON admin_events "
                       f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")
        op.execute("CREATE TRIGGER admin_log_head_forward_only BEFORE UPDATE ON admin_log_head "
                   "WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 "
                   f"BEGIN SELECT RAISE(ABORT, '{FORWARD_ONLY}'); END")
        op.execute("CREATE TRIGGER admin_log_head_no_delete BEFORE DELETE ON admin_log_head "
                   f"BEGIN SELECT RAISE(ABORT, '{FORWARD_ONLY}'); END")


def _unprotect() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS admin_log_head_no_truncate ON admin_log_head")
        op.execute("DROP TRIGGER IF EXISTS admin_log_head_forward_only ON admin_log_head")
        op.execute("DROP FUNCTION IF EXISTS admin_log_head_forward_only()")
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_truncate ON admin_events")
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_update_delete ON admin_events")
        op.execute("DROP FUNCTION IF EXISTS admin_events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS admin_log_head_no_delete")
        op.execute("DROP TRIGGER IF EXISTS admin_log_head_forward_only")
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_delete")
        op.execute("DROP TRIGGER IF EXISTS admin_events_no_update")
