"""Real databases for tests: a fresh SQLite file or PostgreSQL database per test.

Both are cloned from a template that the real Alembic migration built once per test
session (a file copy for SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL), so
every test starts from exactly the production schema, triggers included.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from engine.persistence import schema

POSTGRES_ENV = "DF_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "DF_REQUIRE_POSTGRES"


class SqliteFactory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.db"
        schema.upgrade(f"sqlite:///{self.template}")
        with sqlite3.connect(self.template) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._names = itertools.count(1)

    def new(self) -> str:
        path = self.root / f"test-{next(self._names)}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


ADMIN_ATTEMPTS = 10


class PostgresFactory:
    def __init__(self, base_url: str, worker: str) -> None:
        self.base = make_url(base_url).set(drivername="postgresql")
        self.prefix = f"df_{worker}_{os.getpid()}"
        self.template_name = f"{self.prefix}_tpl"
        self._names = itertools.count(1)
        self._admin(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.template_name}"')
        schema.upgrade(self.url_of(self.template_name))

    def url_of(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        """Run one statement as the test role. `DROP … WITH (FORCE)` cannot end an autovacuum worker
        (a superuser process on PostgreSQL 15) that happens to be in the database: wait for it."""
        for attempt in range(ADMIN_ATTEMPTS):
            try:
                with psycopg.connect(self.url_of(self.base.database or "postgres"), autocommit=True) as connection:
                    connection.execute(sql)  # type: ignore[arg-type]
                return
            except psycopg.errors.InsufficientPrivilege:
                if attempt == ADMIN_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def new(self) -> str:
        name = f"{self.prefix}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')


def postgres_unavailable_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when the server answers."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        return f"{POSTGRES_ENV} is not set (run the suite with scripts/test.sh to start PostgreSQL 15)"
    try:
        with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                             connect_timeout=5):
            return None
    except psycopg.OperationalError as error:
        return f"PostgreSQL at {POSTGRES_ENV} does not answer: {error}".splitlines()[0]
