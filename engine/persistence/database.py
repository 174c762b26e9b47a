"""Connections: SQLite durable by default, PostgreSQL through psycopg 3.

SQLite runs in WAL mode with `synchronous=FULL`, so a committed step survives a power
cut, and write transactions start with `BEGIN IMMEDIATE`: the writer takes the lock
before it reads, which is SQLite's form of `SELECT … FOR UPDATE` (DESIGN invariant 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence import stored_text

WRITE_OPTION = "decisionflow_write"


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
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        _configure_sqlite(engine)
    if counter is not None:
        _count(engine, counter)
    return engine


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
    """(writer, reader): writers lock on begin, readers never do."""
    writer = sessionmaker(bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    reader = sessionmaker(bind=engine, expire_on_commit=False)
    for sessions in (writer, reader):
        stored_text.guard(sessions)
    return writer, reader
