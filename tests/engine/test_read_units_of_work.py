"""Reads without round trips they do not need (issue 21: the inbox's per-request cost).

On PostgreSQL a read unit of work runs each query on its own (no BEGIN, no ROLLBACK) and refuses anything
but a query; a pooled connection is checked without a ping, yet one the server has ended is replaced, not
handed out. A `with uow:` after `uow.read()` writes in a transaction again, on both databases.
"""

from __future__ import annotations

import select as io_select
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import select, text, update

from engine.persistence.database import ReadOnlyUnitOfWork
from engine.persistence.tables import ApiToken
from engine.services.sessions import ENDED, IDLE, LAST_SEEN_GRANULARITY


def postgres_only(engine):  # type: ignore[no-untyped-def]
    if engine.db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's reads run in autocommit; SQLite's take no write lock already")


def test_df_uow_a_read_on_postgresql_opens_no_transaction(engine):
    postgres_only(engine)
    uow = engine.uow()
    with uow.read():
        assert uow.session.connection().connection.driver_connection.autocommit is True
        assert uow.session.execute(text("SELECT 1")).scalar() == 1
    with uow:
        uow.session.execute(text("SELECT 1"))
        assert uow.session.connection().connection.driver_connection.autocommit is False


def test_df_uow_a_read_on_postgresql_refuses_a_write_and_writes_nothing(engine, people):
    postgres_only(engine)
    issued = engine.tokens.issue(people.sponsor, "laptop")
    uow = engine.uow()
    with pytest.raises(ReadOnlyUnitOfWork, match="UPDATE"), uow.read():
        uow.session.execute(update(ApiToken).where(ApiToken.id == issued.token.id).values(name="changed"))
    assert [t.name for t in engine.tokens.mine(people.sponsor)] == ["laptop"]


def test_df_uow_a_block_after_a_read_writes_in_a_transaction_again(engine, people):
    issued = engine.tokens.issue(people.sponsor, "laptop")
    uow = engine.uow()
    with uow.read():
        uow.session.execute(text("SELECT 1"))
    with uow:
        uow.session.execute(update(ApiToken).where(ApiToken.id == issued.token.id).values(name="renamed"))
        uow.commit()
    assert [t.name for t in engine.tokens.mine(people.sponsor)] == ["renamed"]


def test_df_token_authentication_records_its_use_after_the_read(engine, people, clock):
    issued = engine.tokens.issue(people.sponsor, "laptop")
    assert engine.tokens.authenticate(issued.secret) == people.sponsor.username
    assert [t.last_used_at for t in engine.tokens.mine(people.sponsor)] == [clock.now()]


def test_df_pool_replaces_a_connection_the_server_ended(engine, people):
    """No ping per checkout, yet a connection PostgreSQL terminated is not handed out again."""
    postgres_only(engine)
    with engine.db.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        socket = connection.connection.driver_connection.pgconn.socket
    with psycopg.connect(engine.db.url.set(drivername="postgresql").render_as_string(hide_password=False)) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    poller = io_select.poll()
    poller.register(socket, io_select.POLLIN)
    assert poller.poll(10_000), "the server did not end the connection"  # waits for the event, not a sleep
    assert engine.people.actor(people.sponsor.username).roles == people.sponsor.roles
    with engine.db.connect() as connection:
        assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid


def test_df_session_check_of_a_fresh_session_is_a_read_and_a_stale_one_is_written(engine, people, clock):
    """sessions.check reads first: within LAST_SEEN_GRANULARITY nothing is committed; past it, last_seen_at
    moves in one commit; past the idle limit the session ends, with its reason, in one commit."""
    secret = engine.sessions.start(people.sponsor.username)
    engine.counter.reset()
    fresh = engine.sessions.check(secret, timedelta(minutes=30), timedelta(hours=12))
    assert (fresh.username, engine.counter.commits) == (people.sponsor.username, 0)
    clock.advance(seconds=LAST_SEEN_GRANULARITY.total_seconds())
    moved = engine.sessions.check(secret, timedelta(minutes=30), timedelta(hours=12))
    assert (moved.username, engine.counter.commits) == (people.sponsor.username, 1)
    clock.advance(minutes=31)
    ended = engine.sessions.check(secret, timedelta(minutes=30), timedelta(hours=12))
    assert (ended.username, ended.reason, engine.counter.commits) == (None, IDLE, 2)
    assert engine.sessions.check(secret, None, timedelta(hours=12)).reason == ENDED


def test_df_uow_a_read_inside_an_open_unit_of_work_reads_in_its_transaction(engine, people):
    """A door called with a unit of work already open (people.names inside official.generate) joins it: it
    sees the block's own writes, and the block goes on writing in the same transaction afterwards."""
    issued = engine.tokens.issue(people.sponsor, "laptop")
    uow = engine.uow()
    with uow:
        uow.session.execute(update(ApiToken).where(ApiToken.id == issued.token.id).values(name="renamed"))
        with uow.read():
            seen = uow.session.scalar(select(ApiToken.name).where(ApiToken.id == issued.token.id))
        uow.session.execute(update(ApiToken).where(ApiToken.id == issued.token.id).values(prefix="df_changed"))
        uow.commit()
    assert seen == "renamed"
    assert [(t.name, t.prefix) for t in engine.tokens.mine(people.sponsor)] == [("renamed", "df_changed")]
