"""Connections: SQLite durable by default, PostgreSQL through psycopg 3.

SQLite runs in WAL mode with `synchronous=FULL`, so a committed step survives a power
cut, and write transactions start with `BEGIN IMMEDIATE`: the writer takes the lock
before it reads, which is SQLite's form of `SELECT … FOR UPDATE` (DESIGN invariant 5).
"""

from __future__ import annotations

import select
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from psycopg import pq
from sqlalchemy import Engine as SqlEngine
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence import stored_text

WRITE_OPTION = "decisionflow_write"
READ_OPTION = "decisionflow_read"
QUERIES = ("SELECT", "WITH", "SHOW", "VALUES", "EXPLAIN")


def normalise_url(url: str) -> str:
    """`postgresql://…` means psycopg 3; everything else is taken as given."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass
class StatementCounter:
    """Counts statements and commits: the benchmark's and the budget tests' meter."""

    statements: int = 0
    commits: int = 0
    log: list[str] = field(default_factory=list)
    keep_log: bool = False

    def reset(self) -> None:
        self.statements = self.commits = 0
        self.log.clear()


def connect(url: str, counter: StatementCounter | None = None) -> SqlEngine:
    url = normalise_url(url)
    is_sqlite = url.startswith("sqlite")
    is_psycopg = make_url(url).get_driver_name() == "psycopg"
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_pre_ping=not is_psycopg, pool_size=5, max_overflow=10)
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    elif is_psycopg:
        event.listen(engine.pool, "checkout", partial(_closed_by_server, engine.dialect))
    if counter is not None:
        _count(engine, counter)
    return engine


def _closed_by_server(dialect: Any, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """`pool_pre_ping` without its round trip per checkout (one of a one-query page's two on PostgreSQL).

    A server that ends a session (restart, pg_terminate_backend, idle timeout) writes its goodbye to the
    connection or closes it, so a pooled connection the server has let go is readable while idle; one that
    is not readable is taken as alive, as the ping's answer would say. A readable one is read: if the server
    closed it, or if what it said is anything but a clean idle state, the real ping decides, and a
    DisconnectionError makes the pool discard it and connect again (SQLAlchemy's "pessimistic" recipe)."""
    if dbapi_connection.closed or dbapi_connection.pgconn.status != pq.ConnStatus.OK:
        raise DisconnectionError("the connection is closed")
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
    if not poller.poll(0):
        return
    try:
        dbapi_connection.pgconn.consume_input()
        alive = dialect.do_ping(dbapi_connection)
    except Exception as error:  # whatever the driver raises for a dead connection: the pool reconnects
        raise DisconnectionError(str(error)) from error
    if not alive:
        raise DisconnectionError("the ping went unanswered")
    if dbapi_connection.info.transaction_status != pq.TransactionStatus.IDLE:
        dbapi_connection.rollback()


def _configure_sqlite(engine: SqlEngine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _count(engine: SqlEngine, counter: StatementCounter) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counter.statements += 1
        if counter.keep_log:
            counter.log.append(statement)

    @event.listens_for(engine, "commit")
    def _on_commit(_conn: Any) -> None:
        counter.commits += 1


def session_factories(engine: SqlEngine) -> tuple[sessionmaker[Session], sessionmaker[Session]]:
    """(writer, reader): writers lock on begin, readers never do.

    On PostgreSQL a reader runs each statement on its own (autocommit): under READ COMMITTED, the server's
    default and ours, every statement of a transaction takes its own snapshot anyway, so a read sees what it
    saw before, without the BEGIN and ROLLBACK round trips (two of a one-query page's three; on a loaded
    machine each round trip waits for the server to be scheduled). Statements other than queries are
    refused there (`_refuse_writes`), as each would commit at once."""
    writer = sessionmaker(bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    read_bind = engine
    if engine.dialect.name == "postgresql":
        read_bind = engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_OPTION: True})
        event.listen(engine, "before_cursor_execute", _refuse_writes)
        event.listen(engine, "before_execute", _stream_in_a_transaction)
    reader = sessionmaker(bind=read_bind, expire_on_commit=False)
    for sessions in (writer, reader):
        stored_text.guard(sessions)
    return writer, reader


def _refuse_writes(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    """A reader's statement must be a query: in autocommit a write would commit alone, outside any unit of
    work (DESIGN invariant 1)."""
    if connection.get_execution_options().get(READ_OPTION) and not statement.lstrip()[:7].upper().startswith(QUERIES):
        raise ReadOnlyUnitOfWork(statement.split(None, 1)[0] if statement.strip() else statement)


def _stream_in_a_transaction(connection: Any, statement: Any, _multiparams: Any, _params: Any,
                             execution_options: Any) -> None:
    """A reader's streamed query (`stream_results`, `yield_per`) reads through a server-side cursor, which
    PostgreSQL keeps only inside a transaction: that reader leaves autocommit for the rest of its unit of
    work (psycopg opens the transaction, the unit's end rolls it back, the pool restores autocommit's
    opposite default on return)."""
    options = {**connection.get_execution_options(), **getattr(statement, "_execution_options", {}),
               **(execution_options or {})}
    if options.get(READ_OPTION) and (options.get("stream_results") or options.get("yield_per")):
        driver = connection.connection.driver_connection
        if driver.autocommit:
            driver.autocommit = False


class ReadOnlyUnitOfWork(RuntimeError):
    """A programming error: a `uow.read()` block tried to change the database."""

    def __init__(self, verb: str) -> None:
        super().__init__(f"a read unit of work sent {verb!r}: writes belong in a writing unit of work")
